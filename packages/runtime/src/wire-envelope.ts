// Hot-path codec for the ttrpc envelope (ttrpc.Request / ttrpc.Response),
// built on @bufbuild/protobuf's wire reader and writer instead of reflection.
// Payloads are never copied here: encoding yields the envelope as pieces
// (the method payload stays a separate piece), decoding returns views.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { type Status, StatusSchema } from "./gen/google/rpc/status_pb.js";
import type { Metadata } from "./metadata.js";

const EMPTY = new Uint8Array(0);

/** An envelope as pieces to be written back to back, `length` bytes in all. */
export interface EnvelopeParts {
  readonly length: number;
  readonly parts: readonly Uint8Array[];
}

/** Request fields 1 and 2 (service, method); the same for every call of a method. */
export function encodeRequestHead(service: string, method: string): Uint8Array {
  const w = new BinaryWriter();
  if (service !== "") w.tag(1, WireType.LengthDelimited).string(service);
  if (method !== "") w.tag(2, WireType.LengthDelimited).string(method);
  return w.finish();
}

/**
 * A `ttrpc.Request` as pieces: the cached head, the payload (field 3,
 * omitted when absent or empty, like Go), timeout_nano and metadata (keys in
 * lower case). Fields are in number order, as Go writes them.
 */
export function encodeRequestParts(
  head: Uint8Array,
  payload: Uint8Array | undefined,
  timeoutNano: number,
  metadata: Metadata | undefined,
): EnvelopeParts {
  const parts: Uint8Array[] = [head];
  let length = head.length;
  if (payload !== undefined && payload.length > 0) {
    const prefix = lengthPrefix(0x1a, payload.length);
    parts.push(prefix, payload);
    length += prefix.length + payload.length;
  }
  if (timeoutNano !== 0 || (metadata !== undefined && metadata.size > 0)) {
    const w = new BinaryWriter();
    if (timeoutNano !== 0) w.tag(4, WireType.Varint).int64(timeoutNano);
    if (metadata !== undefined) {
      for (const [key, value] of metadata) {
        w.tag(5, WireType.LengthDelimited).fork();
        const k = key.toLowerCase();
        if (k !== "") w.tag(1, WireType.LengthDelimited).string(k);
        if (value !== "") w.tag(2, WireType.LengthDelimited).string(value);
        w.join();
      }
    }
    const tail = w.finish();
    parts.push(tail);
    length += tail.length;
  }
  return { length, parts };
}

/** An OK `ttrpc.Response`: no status field; empty output gives an empty envelope. */
export function encodeOkResponseParts(payload: Uint8Array): EnvelopeParts {
  if (payload.length === 0) return { length: 0, parts: [] };
  const prefix = lengthPrefix(0x12, payload.length);
  return { length: prefix.length + payload.length, parts: [prefix, payload] };
}

/** An error `ttrpc.Response`: just the status. */
export function encodeErrorResponse(status: Status): Uint8Array {
  const body = toBinary(StatusSchema, status);
  const prefix = lengthPrefix(0x0a, body.length);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/** A decoded `ttrpc.Request`. */
export interface DecodedRequest {
  service: string;
  method: string;
  /** A view into the frame. */
  payload: Uint8Array;
  /** Whether the Request carried a payload field at all. */
  hasPayload: boolean;
  /** Nanoseconds; 0 when none. */
  timeoutNano: number;
  metadata: Array<[string, string]>;
}

/** Parses a `ttrpc.Request`; throws on malformed bytes. */
export function decodeRequestFast(bytes: Uint8Array): DecodedRequest {
  const r = new BinaryReader(bytes);
  const req: DecodedRequest = { service: "", method: "", payload: EMPTY, hasPayload: false, timeoutNano: 0, metadata: [] };
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.LengthDelimited) req.service = r.string();
    else if (no === 2 && wt === WireType.LengthDelimited) req.method = r.string();
    else if (no === 3 && wt === WireType.LengthDelimited) {
      req.payload = r.bytes();
      req.hasPayload = true;
    } else if (no === 4 && wt === WireType.Varint) req.timeoutNano = Number(r.int64());
    else if (no === 5 && wt === WireType.LengthDelimited) req.metadata.push(decodeKeyValue(r.bytes()));
    else r.skip(wt, no);
  }
  if (r.pos !== r.len) throw new Error("premature EOF");
  return req;
}

/** A decoded `ttrpc.Response`: `status` undefined means OK. */
export interface DecodedResponse {
  status: Status | undefined;
  /** A view into the frame. */
  payload: Uint8Array;
}

/** Parses a `ttrpc.Response`; throws on malformed bytes. */
export function decodeResponseFast(bytes: Uint8Array): DecodedResponse {
  const res: DecodedResponse = { status: undefined, payload: EMPTY };
  if (bytes.length === 0) return res;
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.LengthDelimited) res.status = fromBinary(StatusSchema, r.bytes());
    else if (no === 2 && wt === WireType.LengthDelimited) res.payload = r.bytes();
    else r.skip(wt, no);
  }
  if (r.pos !== r.len) throw new Error("premature EOF");
  return res;
}

function decodeKeyValue(bytes: Uint8Array): [string, string] {
  const r = new BinaryReader(bytes);
  let key = "";
  let value = "";
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.LengthDelimited) key = r.string();
    else if (no === 2 && wt === WireType.LengthDelimited) value = r.string();
    else r.skip(wt, no);
  }
  return [key, value];
}

/** A one-byte tag followed by a varint length. */
function lengthPrefix(tag: number, length: number): Uint8Array {
  const out = new Uint8Array(6);
  out[0] = tag;
  let i = 1;
  let n = length;
  while (n > 0x7f) {
    out[i++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[i++] = n;
  return out.subarray(0, i);
}
