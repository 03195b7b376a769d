import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Status } from "./gen/google/rpc/status_pb.js";
import { KeyValueSchema, type Request, RequestSchema, type Response, ResponseSchema } from "./gen/ttrpc/request_pb.js";
import type { Metadata } from "./metadata.js";

const EMPTY = new Uint8Array(0);

/** Serializes a `ttrpc.Request`. */
export function encodeRequest(
  service: string,
  method: string,
  payload: Uint8Array | undefined,
  timeoutNano: bigint,
  metadata: Metadata | undefined,
): Uint8Array {
  const req = create(RequestSchema, { service, method, timeoutNano });
  if (payload !== undefined) req.payload = payload;
  if (metadata !== undefined) {
    // Keys go out in lower case: Go's MD.Get only finds lower-case keys.
    for (const [key, value] of metadata) req.metadata.push(create(KeyValueSchema, { key: key.toLowerCase(), value }));
  }
  return toBinary(RequestSchema, req);
}

/** Parses a `ttrpc.Request`; throws on malformed bytes. */
export function decodeRequest(bytes: Uint8Array): Request {
  return fromBinary(RequestSchema, bytes);
}

/**
 * Serializes a `ttrpc.Response`. An OK response carries no status field at
 * all, byte-identical to Go (an empty OK response is a zero-length frame).
 */
export function encodeResponse(status: Status | undefined, payload: Uint8Array | undefined): Uint8Array {
  const res = create(ResponseSchema);
  if (status !== undefined && status.code !== 0) res.status = status;
  if (payload !== undefined) res.payload = payload;
  if (res.status === undefined && res.payload.length === 0) return EMPTY;
  return toBinary(ResponseSchema, res);
}

/** Parses a `ttrpc.Response`; throws on malformed bytes. */
export function decodeResponse(bytes: Uint8Array): Response {
  return fromBinary(ResponseSchema, bytes);
}
