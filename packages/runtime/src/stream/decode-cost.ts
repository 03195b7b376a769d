// A bound on the work of decoding one message, checked before decoding.
// protobuf-es decodes a 4 MiB message of a million tiny elements (empty
// sub-messages, empty strings, unknown fields) in 0.3 to 2 s of one event
// loop; its time is proportional to the elements it reads, which a scan of
// the tags with the message's descriptor counts without allocating.
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { Code } from "../code.js";
import { type MethodDef, methodSchemas } from "../method.js";
import { TtrpcError } from "../ttrpc-error.js";

// Measured costs in protobuf-es 2 of the first decode in a fresh process
// (the slowest; a unit is about 0.2 µs on a 2-core machine): a number 1
// (0.13 µs), a string or bytes value 2 (0.26-0.33 µs), a message 2
// (0.42 µs, an object is made), an unknown field 3 (0.4-0.47 µs, kept as
// raw bytes), a map entry 7 (1.4 µs with a new string key: the object
// turns into a dictionary), a packed number 1/2 (0.03 µs).
const LENGTH_VALUE = 2;
const MESSAGE = 2;
const UNKNOWN = 3;
const MAP_ENTRY = 7;
const PACKED_PER_UNIT = 2;
// Deeper messages are not scanned; protobuf-es fails on them anyway.
const MAX_DEPTH = 64;
// An element takes at least 2 bytes (a tag and a value); a map entry costs
// 7, so n bytes cost at most 3.5n.
const MAX_COST_PER_BYTE = 3.5;

// What the scan needs to know of a field, by field number: one small
// integer, so the loop never touches the (many-shaped) field descriptors.
enum Kind {
  Unknown = 0,
  Value = 1,
  Message = 2,
  MapOfMessage = 3,
  MapOther = 4,
  PackedVarint = 5,
  Packed32 = 6,
  Packed64 = 7,
}

interface Layout {
  /** Kinds of fields 0 to 255, by number; higher ones are in `high`. */
  readonly low: Uint8Array;
  readonly high: Map<number, Kind>;
  readonly messages: Map<number, DescMessage>;
}

const layouts = new WeakMap<DescMessage, Layout>();

function layoutOf(desc: DescMessage): Layout {
  let l = layouts.get(desc);
  if (l !== undefined) return l;
  l = { low: new Uint8Array(256), high: new Map(), messages: new Map() };
  for (const f of desc.fields) {
    const k = kindOf(f, l.messages);
    if (f.number < 256) l.low[f.number] = k;
    else l.high.set(f.number, k);
  }
  layouts.set(desc, l);
  return l;
}

function kindOf(f: DescField, messages: Map<number, DescMessage>): Kind {
  switch (f.fieldKind) {
    case "message":
      messages.set(f.number, f.message);
      return Kind.Message;
    case "map":
      if (f.mapKind !== "message") return Kind.MapOther;
      messages.set(f.number, f.message);
      return Kind.MapOfMessage;
    case "list":
      if (f.listKind === "message") {
        messages.set(f.number, f.message);
        return Kind.Message;
      }
      if (f.listKind === "enum") return Kind.PackedVarint;
      return packedKind(f.scalar);
    default:
      return Kind.Value;
  }
}

function packedKind(scalar: ScalarType): Kind {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return Kind.Value;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return Kind.Packed32;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.DOUBLE:
      return Kind.Packed64;
    default:
      return Kind.PackedVarint;
  }
}

/** The error a message over the decode-work limit gets. */
export function decodeCostError(limit: number): TtrpcError {
  return new TtrpcError(`ttrpc: message would cost more than ${limit} to decode (maxDecodeCost)`, Code.ResourceExhausted);
}

/**
 * The error for a message of `def` (its input or output) that would take
 * more than `limit` units to decode; undefined when it may be decoded.
 * Methods not built from protobuf-es descriptors are not checked.
 */
export function decodeCostCheck(def: MethodDef, side: "input" | "output", bytes: Uint8Array, limit: number): TtrpcError | undefined {
  if (bytes.length * MAX_COST_PER_BYTE <= limit) return undefined;
  const schemas = methodSchemas(def);
  if (schemas === undefined || withinDecodeCost(schemas[side], bytes, limit)) return undefined;
  return decodeCostError(limit);
}

/**
 * Whether decoding `bytes` as `desc` stays within `limit` cost units. Small
 * messages (at most limit/3.5 bytes) pass without a scan; a scan stops as soon
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
  if (pos >= end) return -1;
  const first = b[pos++]!;
  if (first < 0x80) return first;
  let n = first & 0x7f;
  for (let shift = 7; shift < 35; shift += 7) {
    if (pos >= end) return -1;
    const x = b[pos++]!;
    n += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) return n;
  }
  // Longer varints (64-bit values): skip the rest.
  while (pos < end && b[pos++]! >= 0x80);
  return 0;
}

/** Adds the cost of the message in b[start, end) to `cost`; stops early past the budget. */
function scan(desc: DescMessage, b: Uint8Array, start: number, end: number, depth: number): void {
  const { low, high, messages } = layoutOf(desc);
  pos = start;
  while (pos < end) {
    if (cost > budget) return;
    const tag = varint(b, end);
    if (tag <= 0) return;
    const wt = tag & 7;
    const no = tag > 0xffffffff ? Math.floor(tag / 8) : tag >>> 3;
    const kind: Kind = no < 256 ? low[no]! : (high.get(no) ?? Kind.Unknown);
    if (wt !== 2) {
      cost += kind === Kind.Unknown ? UNKNOWN : 1;
      if (wt === 0) varint(b, end);
      else if (wt === 1) pos += 8;
      else if (wt === 5) pos += 4;
      // Groups (3, 4): their fields are counted as they come.
      continue;
    }
    const n = varint(b, end);
    if (n < 0 || pos + n > end) return;
    const from = pos;
    const to = pos + n;
    switch (kind) {
      case Kind.Unknown:
        cost += UNKNOWN;
        break;
      case Kind.Value:
        cost += LENGTH_VALUE;
        break;
      case Kind.Message:
        cost += MESSAGE;
        if (depth < MAX_DEPTH && n > 0) scan(messages.get(no)!, b, from, to, depth + 1);
        break;
      case Kind.MapOfMessage:
        cost += MAP_ENTRY;
        // The entry's value (field 2) is a message.
        if (depth < MAX_DEPTH && n > 0) scanEntry(messages.get(no)!, b, from, to, depth + 1);
        break;
      case Kind.MapOther:
        cost += MAP_ENTRY;
        break;
      case Kind.Packed32:
        cost += Math.ceil(n / 4 / PACKED_PER_UNIT);
        break;
      case Kind.Packed64:
        cost += Math.ceil(n / 8 / PACKED_PER_UNIT);
        break;
      case Kind.PackedVarint: {
        let k = 0;
        for (let i = from; i < to; i++) if (b[i]! < 0x80) k++;
        cost += Math.ceil(k / PACKED_PER_UNIT);
        break;
      }
    }
    pos = to;
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
    // The key or value: a string or bytes, or the value message.
    cost += LENGTH_VALUE;
    if (tag === 0x12 && n > 0) scan(value, b, pos, to, depth);
    pos = to;
  }
}
