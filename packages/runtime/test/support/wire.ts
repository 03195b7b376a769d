// Hand-built ttrpc envelopes and small byte helpers for tests.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { KeyValueSchema, type Request, RequestSchema, type Response, ResponseSchema, StatusSchema } from "@ttrpc-ts/runtime/protocol";

/** The wire name of the streaming test service of the byte vectors. */
export const STREAMING = "ttrpc.integration.streaming.Streaming";

/** Lower-case hex of some bytes, no separators. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Parses hex written with optional spaces and `|` separators (as in the reference). */
export function unhex(text: string): Buffer {
  return Buffer.from(text.replace(/[\s|]/g, ""), "hex");
}

/** Hex of an ASCII string. */
export function asciiHex(text: string): string {
  return Buffer.from(text, "latin1").toString("hex");
}

/** What a hand-built `ttrpc.Request` may carry. */
export interface RequestInit {
  service?: string;
  method?: string;
  payload?: Uint8Array;
  timeoutNano?: bigint;
  metadata?: ReadonlyArray<readonly [string, string]>;
}

/** Serializes a `ttrpc.Request` exactly as given (keys are not lower-cased). */
export function requestBody(init: RequestInit): Uint8Array {
  const req = create(RequestSchema, {
    service: init.service ?? "",
    method: init.method ?? "",
    timeoutNano: init.timeoutNano ?? 0n,
  });
  if (init.payload !== undefined) req.payload = init.payload;
  for (const [key, value] of init.metadata ?? []) req.metadata.push(create(KeyValueSchema, { key, value }));
  return toBinary(RequestSchema, req);
}

/** Serializes a `ttrpc.Response`: a status only when `code` is given. */
export function responseBody(init: { code?: number; message?: string; details?: Any[]; payload?: Uint8Array }): Uint8Array {
  const res = create(ResponseSchema);
  if (init.code !== undefined) {
    res.status = create(StatusSchema, { code: init.code, message: init.message ?? "", details: init.details ?? [] });
  }
  if (init.payload !== undefined) res.payload = init.payload;
  return toBinary(ResponseSchema, res);
}

/** Parses a `ttrpc.Request` frame payload. */
export function parseRequest(payload: Uint8Array): Request {
  return fromBinary(RequestSchema, payload);
}

/** Parses a `ttrpc.Response` frame payload. */
export function parseResponse(payload: Uint8Array): Response {
  return fromBinary(ResponseSchema, payload);
}

/**
 * Reads the varint at `offset`; returns its value and the offset after it.
 * For checking fields (such as `timeout_nano`) whose bytes vary per run.
 */
export function readVarint(bytes: Uint8Array, offset: number): { value: bigint; end: number } {
  let value = 0n;
  let shift = 0n;
  let i = offset;
  for (;;) {
    const b = bytes[i++];
    if (b === undefined) throw new Error("truncated varint");
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
  }
  return { value, end: i };
}
