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

/** Bytes of `n` (a non-negative integer below 2^64, exact or not) as a protobuf varint. */
export function varint64Size(n: number): number {
  let size = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

/**
 * Writes `n` (a non-negative integer below 2^64) as a varint at `at`, the
 * way protobuf writes an int64: split into 32-bit halves, which a double
 * holds exactly, so large values lose nothing more than the double did.
 */
export function writeVarint64(out: Uint8Array, at: number, n: number): number {
  let lo = (n % 0x100000000) >>> 0;
  let hi = Math.floor(n / 0x100000000) >>> 0;
  while (hi > 0 || lo > 0x7f) {
    out[at++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  out[at++] = lo;
  return at;
}

/** Bytes of a length-delimited field holding `n` bytes, left out (0) when empty. */
export function delimitedSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n) + n;
}

/** Writes `bytes` as a length-delimited field with tag byte `tag` (nothing when empty); returns the offset after it. */
export function writeDelimited(out: Uint8Array, at: number, tag: number, bytes: Uint8Array): number {
  if (bytes.length === 0) return at;
  out[at++] = tag;
  at = writeVarint(out, at, bytes.length);
  out.set(bytes, at);
  return at + bytes.length;
}
