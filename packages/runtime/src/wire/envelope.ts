// Hot-path codec for the ttrpc envelope (ttrpc.Request / ttrpc.Response),
// without reflection: written by hand into one buffer (the bytes protobuf-es
// and Go write), read at offsets (wire-scan.ts) so no reader or result object
// is made per frame.
// Payloads are never copied here: encoding yields the envelope as pieces
// (the method payload stays a separate piece), decoding returns views.
import type { Status } from "../gen/google/rpc/status_pb.js";
import type { Metadata } from "../metadata.js";
import { TRUNCATED } from "../ttrpc-error.js";
import { decodeStatus, encodeStatus, statusMessage } from "./status-codec.js";
import { delimitedSize, varint64Size, varintSize, writeDelimited, writeVarint, writeVarint64 } from "./varint.js";
import * as scan from "./wire-scan.js";

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();

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
  const s = utf8.encode(service);
  const m = utf8.encode(method);
  const out = new Uint8Array(delimitedSize(s.length) + delimitedSize(m.length));
  writeDelimited(out, writeDelimited(out, 0, 0x0a, s), 0x12, m);
  return out;
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
  // Each KeyValue's key (lower case) and value, then their sizes, then one buffer.
  const pairs: Uint8Array[] = [];
  if (metadata !== undefined) for (const [key, value] of metadata) pairs.push(utf8.encode(key.toLowerCase()), utf8.encode(value));
  let length = timeoutNano === 0 ? 0 : 1 + varint64Size(timeoutNano);
  for (let i = 0; i < pairs.length; i += 2) {
    const n = delimitedSize(pairs[i]!.length) + delimitedSize(pairs[i + 1]!.length);
    length += 1 + varintSize(n) + n;
  }
  const out = new Uint8Array(length);
  let at = 0;
  if (timeoutNano !== 0) {
    out[at++] = 0x20;
    at = writeVarint64(out, at, timeoutNano);
  }
  for (let i = 0; i < pairs.length; i += 2) {
    const k = pairs[i]!;
    const v = pairs[i + 1]!;
    out[at++] = 0x2a;
    at = writeVarint(out, at, delimitedSize(k.length) + delimitedSize(v.length));
    at = writeDelimited(out, writeDelimited(out, at, 0x0a, k), 0x12, v);
  }
  return out;
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
  let body = encodeStatus(status);
  if (body.length + 6 > max) {
    // A character is at most 3 UTF-8 bytes; 32 bytes cover the code and the field heads.
    const keep = Math.max(0, Math.floor((max - 32 - TRUNCATED.length * 3) / 3));
    const message = status.message.length > keep ? status.message.slice(0, keep) + TRUNCATED : status.message;
    body = encodeStatus(statusMessage(status.code, message, []));
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

/** Whether `bytes[0, n)` are the head seen last (so its names are known). */
function sameHead(bytes: Uint8Array, n: number): boolean {
  const last = lastHead;
  if (last === undefined || last.length !== n) return false;
  for (let i = 0; i < n; i++) if (last[i] !== bytes[i]) return false;
  return true;
}

/** Parses a `ttrpc.Request` (fields at offsets, no reader object); throws on malformed bytes. */
export function decodeRequestFast(bytes: Uint8Array): DecodedRequest {
  const end = bytes.length;
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
  scan.seek(0);
  // The usual Request starts with service (1) then method (2), the same as the last one.
  let headEnd = -1;
  if (end > 0 && bytes[0] === 0x0a) {
    scan.seek(1);
    scan.delimited(bytes, end);
    if (scan.at < end && bytes[scan.at] === 0x12) {
      scan.seek(scan.at + 1);
      scan.delimited(bytes, end);
      headEnd = scan.at;
    }
    if (headEnd > 0 && sameHead(bytes, headEnd)) {
      req.service = lastService;
      req.method = lastMethod;
    } else {
      headEnd = -1;
      scan.seek(0);
    }
  }
  while (scan.at < end) {
    const tagAt = scan.at;
    const t = scan.tag(bytes, end);
    if (t === 0x0a) req.service = scan.string(bytes, end);
    else if (t === 0x12) req.method = scan.string(bytes, end);
    else if (t === REQUEST_PAYLOAD_TAG) {
      const start = scan.delimited(bytes, end);
      req.payload = bytes.subarray(start, scan.at);
      req.hasPayload = true;
    } else if (t === 0x20) req.timeoutNano = scan.int64(bytes, end);
    else if (t === 0x2a) {
      // Counted, not decoded: nothing is allocated per entry, so a Request of
      // a million entries costs a scan, and the server checks the counts (and
      // the method) before anything else.
      if (req.metadataFrom < 0) req.metadataFrom = tagAt;
      const start = scan.delimited(bytes, end);
      req.metadataCount++;
      req.metadataBytes += scan.at - start;
    } else scan.skip(bytes, end, t);
  }
  if (scan.at !== end) throw new Error("premature EOF");
  if (headEnd < 0 && bytes[0] === 0x0a) rememberHead(bytes);
  return req;
}

/** Caches the names of a Request that starts with service then method (already validated). */
function rememberHead(bytes: Uint8Array): void {
  scan.seek(1);
  const service = scan.string(bytes, bytes.length);
  if (bytes[scan.at] !== 0x12) return;
  scan.seek(scan.at + 1);
  const method = scan.string(bytes, bytes.length);
  lastHead = bytes.slice(0, scan.at);
  lastService = service;
  lastMethod = method;
}

/** The metadata entries of a Request {@link decodeRequestFast} counted. */
export function decodeRequestMetadata(bytes: Uint8Array, req: DecodedRequest): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (req.metadataFrom < 0) return out;
  const end = bytes.length;
  scan.seek(req.metadataFrom);
  while (scan.at < end && out.length < req.metadataCount) {
    const t = scan.tag(bytes, end);
    if (t !== 0x2a) {
      scan.skip(bytes, end, t);
      continue;
    }
    const start = scan.delimited(bytes, end);
    const after = scan.at;
    out.push(decodeKeyValue(bytes, start, after));
    scan.seek(after);
  }
  return out;
}

/** A decoded `ttrpc.Response`: `status` undefined means OK. */
export interface DecodedResponse {
  status: Status | undefined;
  /** A view into the frame. */
  payload: Uint8Array;
}

/**
 * The payload of the common OK Response (nothing but the payload field, or
 * nothing at all), as a view; undefined for any other Response, which
 * {@link decodeResponseFast} then reads. No object besides the view.
 */
export function okResponsePayload(bytes: Uint8Array): Uint8Array | undefined {
  const end = bytes.length;
  if (end === 0) return EMPTY;
  if (bytes[0] !== RESPONSE_PAYLOAD_TAG) return undefined;
  // Decoding errors are left to decodeResponseFast.
  const n = quickLength(bytes, 1);
  if (n < 0 || quickEnd + n !== end) return undefined;
  return bytes.subarray(quickEnd, end);
}

// Where the varint read by quickLength ended.
let quickEnd = 0;

/** A varint of at most 4 bytes at `i` without throwing: -1 when longer or truncated. */
function quickLength(bytes: Uint8Array, i: number): number {
  let n = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (i >= bytes.length) return -1;
    const b = bytes[i++]!;
    n |= (b & 0x7f) << shift;
    if (b < 0x80) {
      quickEnd = i;
      return n;
    }
  }
  return -1;
}

/** Parses a `ttrpc.Response`; throws on malformed bytes. */
export function decodeResponseFast(bytes: Uint8Array): DecodedResponse {
  const ok = okResponsePayload(bytes);
  if (ok !== undefined) return { status: undefined, payload: ok };
  const res: DecodedResponse = { status: undefined, payload: EMPTY };
  const end = bytes.length;
  scan.seek(0);
  while (scan.at < end) {
    const t = scan.tag(bytes, end);
    if (t === 0x0a) {
      const start = scan.delimited(bytes, end);
      const after = scan.at;
      res.status = decodeStatus(bytes.subarray(start, after));
      scan.seek(after);
    } else if (t === RESPONSE_PAYLOAD_TAG) {
      const start = scan.delimited(bytes, end);
      res.payload = bytes.subarray(start, scan.at);
    } else scan.skip(bytes, end, t);
  }
  if (scan.at !== end) throw new Error("premature EOF");
  return res;
}

/** A `ttrpc.KeyValue` in `bytes[start, end)`. */
function decodeKeyValue(bytes: Uint8Array, start: number, end: number): [string, string] {
  let key = "";
  let value = "";
  scan.seek(start);
  while (scan.at < end) {
    const t = scan.tag(bytes, end);
    if (t === 0x0a) key = scan.string(bytes, end);
    else if (t === 0x12) value = scan.string(bytes, end);
    else scan.skip(bytes, end, t);
  }
  if (scan.at !== end) throw new Error("premature EOF");
  return [key, value];
}

/** A one-byte tag followed by a varint length. */
function lengthPrefix(tag: number, length: number): Uint8Array {
  const out = new Uint8Array(6);
  out[0] = tag;
  return out.subarray(0, writeVarint(out, 1, length));
}
