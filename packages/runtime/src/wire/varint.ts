/** Bytes of `n` (a non-negative 32-bit length) as a protobuf varint. */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Writes `n` (a non-negative 32-bit length) as a varint at `at`; returns the offset after it. */
export function writeVarint(out: Uint8Array, at: number, n: number): number {
  let v = n;
  while (v > 0x7f) {
    out[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}
