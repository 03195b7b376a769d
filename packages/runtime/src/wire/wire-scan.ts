// Reads protobuf wire format at offsets, for the two tiny envelopes
// (ttrpc.Request, ttrpc.Response) decoded once per call: a module-level
// cursor instead of a reader object per envelope. Errors match
// @bufbuild/protobuf's BinaryReader, which decodes everything else.

const utf8 = new TextDecoder();

/** Where the next read starts; every read advances it. */
export let at = 0;

/** Starts reading at `offset`. */
export function seek(offset: number): void {
  at = offset;
}

/** A varint of at most 32 bits (tags, lengths); throws when truncated. */
export function uint32(b: Uint8Array, end: number): number {
  let n = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (at >= end) throw new Error("premature EOF");
    const x = b[at++]!;
    n += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) return n >>> 0;
  }
  // Longer encodings of a 32-bit value: the upper bytes carry no bits.
  for (let i = 0; i < 5; i++) {
    if (at >= end) throw new Error("premature EOF");
    if (b[at++]! < 0x80) return n >>> 0;
  }
  throw new Error("invalid varint");
}

/** A varint read as int64, returned as a number (exact to 2^53). */
export function int64(b: Uint8Array, end: number): number {
  const start = at;
  let n = 0;
  for (let shift = 0; shift < 49; shift += 7) {
    if (at >= end) throw new Error("premature EOF");
    const x = b[at++]!;
    n += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) return n;
  }
  // Eight bytes or more: negative or huge; rare enough for BigInt.
  at = start;
  let v = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (at >= end) throw new Error("premature EOF");
    const x = b[at++]!;
    v |= BigInt(x & 0x7f) << shift;
    if (x < 0x80) return Number(BigInt.asIntN(64, v));
  }
  throw new Error("invalid varint");
}

/** A tag: field number times 8 plus wire type; throws on an illegal one. */
export function tag(b: Uint8Array, end: number): number {
  const t = uint32(b, end);
  const no = t >>> 3;
  const wt = t & 7;
  if (no <= 0 || wt > 5) throw new Error(`illegal tag: field no ${no} wire type ${wt}`);
  return t;
}

/** The bounds of a length-delimited field's bytes; sets the cursor past them. */
export function delimited(b: Uint8Array, end: number): number {
  const n = uint32(b, end);
  const start = at;
  if (start + n > end) throw new Error("premature EOF");
  at = start + n;
  return start;
}

/** A length-delimited field as a string. */
export function string(b: Uint8Array, end: number): string {
  const start = delimited(b, end);
  return start === at ? "" : utf8.decode(b.subarray(start, at));
}

/** Skips a field's value of wire type `wt` (groups included). */
export function skip(b: Uint8Array, end: number, t: number): void {
  switch (t & 7) {
    case 0:
      while (true) {
        if (at >= end) throw new Error("premature EOF");
        if (b[at++]! < 0x80) break;
      }
      return;
    case 1:
      at += 8;
      break;
    case 2:
      delimited(b, end);
      return;
    case 5:
      at += 4;
      break;
    case 3:
      for (;;) {
        const inner = tag(b, end);
        if ((inner & 7) === 4) {
          if (inner >>> 3 !== t >>> 3) throw new Error("invalid end group tag");
          return;
        }
        skip(b, end, inner);
      }
    default:
      throw new Error(`cant skip wire type ${t & 7}`);
  }
  if (at > end) throw new Error("premature EOF");
}
