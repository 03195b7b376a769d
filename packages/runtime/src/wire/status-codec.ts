// google.rpc.Status by hand: the runtime reads and writes it on every error
// Response, and building its descriptor at load (with the code generator's
// support modules) was most of the cost of importing the runtime. The bytes
// are what toBinary(StatusSchema) writes; the messages are plain protobuf-es
// message objects. The schema itself stays in @ttrpc-ts/runtime/protocol.
import type { Any } from "@bufbuild/protobuf/wkt";
import type { Status } from "../gen/google/rpc/status_pb.js";
import { delimitedSize, varintSize, writeDelimited, writeVarint } from "./varint.js";
import * as scan from "./wire-scan.js";

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** A `google.rpc.Status` message (what `create(StatusSchema, …)` makes). */
export function statusMessage(code: number, message: string, details: Any[]): Status {
  return { $typeName: "google.rpc.Status", code, message, details };
}

/** Encodes a Status: code (1), message (2), details (3) as Any (type_url 1, value 2), zero values left out. */
export function encodeStatus(status: Status): Uint8Array {
  const message = utf8.encode(status.message);
  const details = status.details.map((d) => [utf8.encode(d.typeUrl), d.value] as const);
  const code = status.code | 0;
  // int32: negative values take ten bytes, as protobuf writes them.
  const codeBytes = code === 0 ? 0 : 1 + (code < 0 ? 10 : varintSize(code));
  let length = codeBytes + delimitedSize(message.length);
  const anyLengths = details.map(([url, value]) => delimitedSize(url.length) + delimitedSize(value.length));
  for (const n of anyLengths) length += 1 + varintSize(n) + n;
  const out = new Uint8Array(length);
  let at = 0;
  if (code !== 0) {
    out[at++] = 0x08;
    at = code < 0 ? writeNegative(out, at, code) : writeVarint(out, at, code);
  }
  at = writeDelimited(out, at, 0x12, message);
  details.forEach(([url, value], i) => {
    out[at++] = 0x1a;
    at = writeVarint(out, at, anyLengths[i]!);
    at = writeDelimited(out, at, 0x0a, url);
    at = writeDelimited(out, at, 0x12, value);
  });
  return out;
}

/** Decodes a Status; throws on malformed bytes. Unknown fields are skipped. */
export function decodeStatus(bytes: Uint8Array): Status {
  const end = bytes.length;
  let code = 0;
  let message = "";
  const details: Any[] = [];
  scan.seek(0);
  while (scan.at < end) {
    const t = scan.tag(bytes, end);
    if (t === 0x08) code = scan.int64(bytes, end) | 0;
    else if (t === 0x12) message = scan.string(bytes, end);
    else if (t === 0x1a) {
      const start = scan.delimited(bytes, end);
      const after = scan.at;
      details.push(decodeAny(bytes, start, after));
      scan.seek(after);
    } else scan.skip(bytes, end, t);
  }
  if (scan.at !== end) throw new Error("premature EOF");
  return statusMessage(code, message, details);
}

function decodeAny(bytes: Uint8Array, start: number, end: number): Any {
  let typeUrl = "";
  let value: Uint8Array = EMPTY;
  scan.seek(start);
  while (scan.at < end) {
    const t = scan.tag(bytes, end);
    if (t === 0x0a) typeUrl = scan.string(bytes, end);
    else if (t === 0x12) {
      const s = scan.delimited(bytes, end);
      value = bytes.slice(s, scan.at);
    } else scan.skip(bytes, end, t);
  }
  if (scan.at !== end) throw new Error("premature EOF");
  return { $typeName: "google.protobuf.Any", typeUrl, value };
}

/** A negative int32 as its 64-bit two's complement varint (ten bytes). */
function writeNegative(out: Uint8Array, at: number, n: number): number {
  let lo = n >>> 0;
  let hi = 0xffffffff;
  for (let i = 0; i < 9; i++) {
    out[at++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  out[at++] = lo & 0x01;
  return at;
}
