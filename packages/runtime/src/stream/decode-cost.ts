// A bound on the work of decoding one message, checked before decoding.
// protobuf-es decodes a 4 MiB message of a million tiny elements (empty
// sub-messages, empty strings, unknown fields) in 0.3 to 2 s of one event
// loop; its time is proportional to the elements it reads, which a scan of
// the tags with the message's descriptor counts without allocating.
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { Code } from "../code.js";
import { type MethodDef, methodSchemas } from "../method.js";
import { TtrpcError } from "../ttrpc-error.js";

// Measured relative costs (per element, in protobuf-es 2): a known field 1,
// a message 2 (an object is made), an unknown field 4 (kept as raw bytes),
// an element of a packed number list 1/4.
const MESSAGE = 2;
const UNKNOWN = 4;
const PACKED_PER_UNIT = 4;
// Deeper messages are not scanned; protobuf-es fails on them anyway.
const MAX_DEPTH = 64;
// An element takes at least 2 bytes (a tag and a value); an unknown one
// costs 4, so a message of n bytes costs at most 2n.
const MAX_COST_PER_BYTE = 2;

const fieldMaps = new WeakMap<DescMessage, Map<number, DescField>>();

/** The error a message over the decode-work limit gets. */
export function decodeCostError(limit: number): TtrpcError {
  return new TtrpcError(`ttrpc: message has more than ${limit} elements to decode`, Code.ResourceExhausted);
}

/**
 * The error for a message of `def` (its input or output) that would take
 * more than `limit` elements to decode; undefined when it may be decoded.
 * Methods not built from protobuf-es descriptors are not checked.
 */
export function decodeCostCheck(def: MethodDef, side: "input" | "output", bytes: Uint8Array, limit: number): TtrpcError | undefined {
  if (bytes.length * MAX_COST_PER_BYTE <= limit) return undefined;
  const schemas = methodSchemas(def);
  if (schemas === undefined || withinDecodeCost(schemas[side], bytes, limit)) return undefined;
  return decodeCostError(limit);
}

/**
 * Whether decoding `bytes` as `desc` stays within `limit` elements. Small
 * messages (at most limit/2 bytes) pass without a scan; a scan stops as soon
 * as the count passes the limit. Malformed bytes pass: the decoder reports them.
 */
export function withinDecodeCost(desc: DescMessage, bytes: Uint8Array, limit: number): boolean {
  if (bytes.length * MAX_COST_PER_BYTE <= limit) return true;
  cost = 0;
  budget = limit;
  scan(desc, bytes, 0, bytes.length, 0);
  return cost <= limit;
}

let cost = 0;
let budget = 0;
let pos = 0;

function varint(b: Uint8Array, end: number): number {
  let n = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) return -1;
    const x = b[pos++]!;
    n += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) return n;
  }
  // Longer varints (64-bit values): skip the rest.
  while (pos < end && b[pos++]! >= 0x80);
  return 0;
}

function fieldsOf(desc: DescMessage): Map<number, DescField> {
  let m = fieldMaps.get(desc);
  if (m === undefined) {
    m = new Map(desc.fields.map((f) => [f.number, f]));
    fieldMaps.set(desc, m);
  }
  return m;
}

/** Adds the cost of the message in b[start, end) to `cost`; stops early past the budget. */
function scan(desc: DescMessage | undefined, b: Uint8Array, start: number, end: number, depth: number): void {
  const fields = desc === undefined ? undefined : fieldsOf(desc);
  pos = start;
  while (pos < end) {
    if (cost > budget) return;
    const tag = varint(b, end);
    if (tag <= 0) return;
    const wt = tag & 7;
    const field = fields?.get(Math.floor(tag / 8));
    if (wt === 2) {
      const n = varint(b, end);
      if (n < 0 || pos + n > end) return;
      const from = pos;
      const to = pos + n;
      if (field === undefined) {
        cost += UNKNOWN;
      } else if (field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message")) {
        cost += MESSAGE;
        if (depth < MAX_DEPTH) scan(field.message, b, from, to, depth + 1);
      } else if (field.fieldKind === "map") {
        cost += MESSAGE;
        // The entry's value (field 2) may be a message.
        if (field.mapKind === "message" && depth < MAX_DEPTH) scanEntry(field.message, b, from, to, depth + 1);
      } else if (field.fieldKind === "list" && field.scalar !== ScalarType.STRING && field.scalar !== ScalarType.BYTES) {
        cost += Math.ceil(packedCount(field.scalar, b, from, to) / PACKED_PER_UNIT);
      } else {
        cost += 1;
      }
      pos = to;
    } else {
      cost += field === undefined ? UNKNOWN : 1;
      if (wt === 0) varint(b, end);
      else if (wt === 1) pos += 8;
      else if (wt === 5) pos += 4;
      // Groups (3, 4): their fields are counted as they come.
    }
  }
}

function scanEntry(value: DescMessage, b: Uint8Array, start: number, end: number, depth: number): void {
  pos = start;
  while (pos < end) {
    const tag = varint(b, end);
    if (tag <= 0) return;
    const wt = tag & 7;
    if (wt !== 2) {
      cost += 1;
      if (wt === 0) varint(b, end);
      else if (wt === 1) pos += 8;
      else if (wt === 5) pos += 4;
      continue;
    }
    const n = varint(b, end);
    if (n < 0 || pos + n > end) return;
    const to = pos + n;
    cost += 1;
    if (tag === 0x12) scan(value, b, pos, to, depth);
    pos = to;
  }
}

/** Elements of a packed list of `scalar` in b[from, to). */
function packedCount(scalar: ScalarType | undefined, b: Uint8Array, from: number, to: number): number {
  switch (scalar) {
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return (to - from) >>> 2;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.DOUBLE:
      return (to - from) >>> 3;
    default: {
      let n = 0;
      for (let i = from; i < to; i++) if (b[i]! < 0x80) n++;
      return n;
    }
  }
}
