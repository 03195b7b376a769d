// Hot-path codec for the ttrpc envelope (ttrpc.Request / ttrpc.Response),
// built on @bufbuild/protobuf's wire reader and writer instead of reflection.
// Payloads are never copied here: encoding yields the envelope as pieces
// (the method payload stays a separate piece), decoding returns views.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { type Status, StatusSchema } from "../gen/google/rpc/status_pb.js";
import type { Metadata } from "../metadata.js";
import { TRUNCATED } from "../ttrpc-error.js";
import { varintSize, writeVarint } from "./varint.js";

const EMPTY = new Uint8Array(0);

/** An envelope as pieces to be written back to back, `length` bytes in all. */
export interface EnvelopeParts {
  readonly length: number;
  readonly parts: readonly Uint8Array[];
}

/** Tag byte of `Request.payload` (field 3, length-delimited). */
export const REQUEST_PAYLOAD_TAG = 0x1a;
/** Tag byte of `Response.payload` (field 2, length-delimited). */
export const RESPONSE_PAYLOAD_TAG = 0x12;

/**
 * Length of an envelope made of `head` (ready-made fields), one
 * length-delimited field holding `body` (left out when empty, as Go does)
 * and `tail`: what `Channel.write` writes for a tagged body.
 */
export function fieldEnvelopeLength(head: Uint8Array, body: Uint8Array, tail: Uint8Array = EMPTY): number {
  const n = body.length;
  return head.length + (n === 0 ? 0 : 1 + varintSize(n) + n) + tail.length;
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
    const prefix = lengthPrefix(REQUEST_PAYLOAD_TAG, payload.length);
    parts.push(prefix, payload);
    length += prefix.length + payload.length;
  }
  const tail = encodeRequestTail(timeoutNano, metadata);
  if (tail.length > 0) {
    parts.push(tail);
    length += tail.length;
  }
  return { length, parts };
}

/** Request fields 4 and 5 (timeout_nano, metadata with keys in lower case); empty when neither is set. */
export function encodeRequestTail(timeoutNano: number, metadata: Metadata | undefined): Uint8Array {
  if (timeoutNano === 0 && (metadata === undefined || metadata.size === 0)) return EMPTY;
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
  return w.finish();
}

/** An OK `ttrpc.Response`: no status field; empty output gives an empty envelope. */
export function encodeOkResponseParts(payload: Uint8Array): EnvelopeParts {
  if (payload.length === 0) return { length: 0, parts: [] };
  const prefix = lengthPrefix(RESPONSE_PAYLOAD_TAG, payload.length);
  return { length: prefix.length + payload.length, parts: [prefix, payload] };
}

/**
 * An error `ttrpc.Response`: just the status. When it would exceed `max`
 * bytes (the peer's limit: a Go client drops the connection on a larger
 * frame), the details are dropped and the message cut, marked as truncated.
 */
export function encodeErrorResponse(status: Status, max = Number.POSITIVE_INFINITY): Uint8Array {
  let body = toBinary(StatusSchema, status);
  if (body.length + 6 > max) {
    // A character is at most 3 UTF-8 bytes; 32 bytes cover the code and the field heads.
    const keep = Math.max(0, Math.floor((max - 32 - TRUNCATED.length * 3) / 3));
    const message = status.message.length > keep ? status.message.slice(0, keep) + TRUNCATED : status.message;
    body = toBinary(StatusSchema, create(StatusSchema, { code: status.code, message }));
  }
  const prefix = lengthPrefix(0x0a, body.length);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/** A decoded `ttrpc.Request`. Metadata is only counted: decode it with {@link decodeRequestMetadata}. */
export interface DecodedRequest {
  service: string;
  method: string;
  /** A view into the frame. */
  payload: Uint8Array;
  /** Whether the Request carried a payload field at all. */
  hasPayload: boolean;
  /** Nanoseconds; 0 when none. */
  timeoutNano: number;
  /** Metadata entries in the Request. */
  metadataCount: number;
  /** Bytes of those entries (keys, values and their field heads). */
  metadataBytes: number;
  /** Where the first entry starts in the Request bytes; -1 when none. */
  metadataFrom: number;
}

// The service and method fields of the last Request decoded, and their
// strings: calls mostly repeat a method, so its names are decoded once.
let lastHead: Uint8Array | undefined;
let lastService = "";
let lastMethod = "";
// Where the last varint read by `varintAt` ended.
let varintEnd = 0;

/** A varint at `i` (at most 5 bytes), or -1; sets `varintEnd`. */
function varintAt(bytes: Uint8Array, i: number): number {
  let n = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (i >= bytes.length) return -1;
    const b = bytes[i++]!;
    n += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      varintEnd = i;
      return n;
    }
  }
  return -1;
}

/**
 * The common Request, service (1), method (2) and optionally payload (3) in
 * that order and nothing else, read without a reader; undefined for anything
 * else (timeout, metadata, other order), which the full parser handles.
 */
function decodeRequestQuick(bytes: Uint8Array): DecodedRequest | undefined {
  const len = bytes.length;
  if (bytes[0] !== 0x0a) return undefined;
  const sl = varintAt(bytes, 1);
  if (sl < 0) return undefined;
  const serviceEnd = varintEnd + sl;
  if (serviceEnd >= len || bytes[serviceEnd] !== 0x12) return undefined;
  const ml = varintAt(bytes, serviceEnd + 1);
  if (ml < 0) return undefined;
  const headEnd = varintEnd + ml;
  if (headEnd > len) return undefined;
  let payload: Uint8Array = EMPTY;
  let hasPayload = false;
  if (headEnd < len) {
    if (bytes[headEnd] !== REQUEST_PAYLOAD_TAG) return undefined;
    const pl = varintAt(bytes, headEnd + 1);
    if (pl < 0 || varintEnd + pl !== len) return undefined;
    payload = bytes.subarray(varintEnd, len);
    hasPayload = true;
  }
  const last = lastHead;
  let same = last !== undefined && last.length === headEnd;
  for (let i = 0; same && i < headEnd; i++) same = last![i] === bytes[i];
  if (!same) {
    const r = new BinaryReader(bytes.subarray(0, headEnd));
    r.tag();
    lastService = r.string();
    r.tag();
    lastMethod = r.string();
    lastHead = bytes.slice(0, headEnd);
  }
  return {
    service: lastService,
    method: lastMethod,
    payload,
    hasPayload,
    timeoutNano: 0,
    metadataCount: 0,
    metadataBytes: 0,
    metadataFrom: -1,
  };
}

/**
 * Parses a `ttrpc.Request`; throws on malformed bytes. Metadata entries
 * are counted, not decoded, and nothing is allocated per entry: a Request
 * of a million entries costs a scan, and the server looks at the counts
 * (and the method) before anything else.
 */
export function decodeRequestFast(bytes: Uint8Array): DecodedRequest {
  const quick = decodeRequestQuick(bytes);
  if (quick !== undefined) return quick;
  const req: DecodedRequest = {
    service: "",
    method: "",
    payload: EMPTY,
    hasPayload: false,
    timeoutNano: 0,
    metadataCount: 0,
    metadataBytes: 0,
    metadataFrom: -1,
  };
  const len = bytes.length;
  let i = 0;
  while (i < len) {
    const at = i;
    const tag = varintAt(bytes, i);
    if (tag < 0) throw new Error("premature EOF");
    i = varintEnd;
    const no = Math.floor(tag / 8);
    const wt = tag & 7;
    if (wt === WireType.LengthDelimited) {
      const n = varintAt(bytes, i);
      if (n < 0 || varintEnd + n > len) throw new Error("premature EOF");
      i = varintEnd;
      const end = i + n;
      if (no === 1) req.service = utf8.decode(bytes.subarray(i, end));
      else if (no === 2) req.method = utf8.decode(bytes.subarray(i, end));
      else if (no === 3) {
        req.payload = bytes.subarray(i, end);
        req.hasPayload = true;
      } else if (no === 5) {
        if (req.metadataFrom < 0) req.metadataFrom = at;
        req.metadataCount++;
        req.metadataBytes += n;
      }
      i = end;
    } else if (wt === WireType.Varint && no === 4) {
      const r = new BinaryReader(bytes);
      r.pos = i;
      req.timeoutNano = Number(r.int64());
      i = r.pos;
    } else {
      i = skipField(bytes, i, wt, no);
    }
  }
  return req;
}

/** The metadata entries of a Request {@link decodeRequestFast} counted. */
export function decodeRequestMetadata(bytes: Uint8Array, req: DecodedRequest): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (req.metadataFrom < 0) return out;
  const len = bytes.length;
  let i = req.metadataFrom;
  while (i < len && out.length < req.metadataCount) {
    const tag = varintAt(bytes, i);
    i = varintEnd;
    const wt = tag & 7;
    if (wt !== WireType.LengthDelimited) {
      i = skipField(bytes, i, wt, Math.floor(tag / 8));
      continue;
    }
    const n = varintAt(bytes, i);
    i = varintEnd;
    if (tag === 0x2a) out.push(decodeKeyValue(bytes.subarray(i, i + n)));
    i += n;
  }
  return out;
}

/** Skips a field that is not length-delimited; returns where the next starts. */
function skipField(bytes: Uint8Array, i: number, wt: number, no: number): number {
  const r = new BinaryReader(bytes);
  r.pos = i;
  r.skip(wt, no);
  if (r.pos > bytes.length) throw new Error("premature EOF");
  return r.pos;
}

const utf8 = new TextDecoder();

/** A decoded `ttrpc.Response`: `status` undefined means OK. */
export interface DecodedResponse {
  status: Status | undefined;
  /** A view into the frame. */
  payload: Uint8Array;
}

/** Parses a `ttrpc.Response`; throws on malformed bytes. */
export function decodeResponseFast(bytes: Uint8Array): DecodedResponse {
  // The common OK Response is exactly one payload field: no reader needed.
  if (bytes[0] === RESPONSE_PAYLOAD_TAG) {
    const n = varintAt(bytes, 1);
    if (n >= 0 && varintEnd + n === bytes.length) return { status: undefined, payload: bytes.subarray(varintEnd) };
  }
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
  return out.subarray(0, writeVarint(out, 1, length));
}
