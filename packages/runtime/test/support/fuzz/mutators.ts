// Frame generators and mutators for the fuzzers, all driven by a Prng.
import { encodeFrame, FRAME_HEADER_LENGTH } from "@ttrpc-ts/runtime/protocol";
import type { Prng } from "./prng.js";
import { clientVectors } from "./vectors.js";

/** A random, well-formed frame header and payload (any type and flags). */
export function randomFrame(rng: Prng, maxPayload: number): Buffer {
  const type = rng.chance(0.8) ? rng.range(1, 3) : rng.int(256);
  const flags = rng.chance(0.7) ? rng.pick([0, 1, 2, 4, 5, 6]) : rng.int(256);
  const id = rng.chance(0.8) ? 2 * rng.int(64) + 1 : rng.u32();
  return encodeFrame(id, type, flags, rng.bytes(rng.size(maxPayload)));
}

/** Bytes that look like protobuf: random tags with plausible values (sometimes broken). */
export function protobufish(rng: Prng, maxLen: number): Uint8Array {
  const out: number[] = [];
  while (out.length < maxLen && rng.chance(0.85)) {
    const field = rng.chance(0.9) ? rng.range(1, 8) : rng.int(1 << 20);
    const wire = rng.chance(0.9) ? rng.pick([0, 2]) : rng.int(8);
    pushVarint(out, (field << 3) | wire);
    if (wire === 0) pushVarint(out, rng.chance(0.5) ? rng.int(300) : rng.u32());
    else if (wire === 2) {
      const n = rng.size(64);
      // Sometimes lie about the length.
      pushVarint(out, rng.chance(0.9) ? n : rng.u32());
      for (let i = 0; i < n; i++) out.push(rng.int(256));
    } else if (wire === 1) for (let i = 0; i < 8; i++) out.push(rng.int(256));
    else if (wire === 5) for (let i = 0; i < 4; i++) out.push(rng.int(256));
  }
  return Uint8Array.from(out.slice(0, maxLen));
}

function pushVarint(out: number[], v: number): void {
  let n = v >>> 0;
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
}

/** Applies one random mutation to a frame (which may stop being a frame at all). */
export function mutate(rng: Prng, frame: Uint8Array): Buffer {
  const b = Buffer.from(frame);
  switch (rng.int(13)) {
    case 0: {
      // Flip one bit.
      if (b.length === 0) return b;
      const i = rng.int(b.length);
      b[i] = (b[i] ?? 0) ^ (1 << rng.int(8));
      return b;
    }
    case 1: {
      // Overwrite one byte.
      if (b.length === 0) return b;
      b[rng.int(b.length)] = rng.int(256);
      return b;
    }
    case 2:
      // Truncate (a half header or a half body).
      return b.subarray(0, rng.int(b.length));
    case 3:
      // Garbage appended.
      return Buffer.concat([b, rng.bytes(rng.size(256))]);
    case 4: {
      // A length that lies: smaller, larger, huge, or zero.
      if (b.length < FRAME_HEADER_LENGTH) return b;
      const real = b.length - FRAME_HEADER_LENGTH;
      b.writeUInt32BE(
        rng.pick([0, Math.max(0, real - 1), real + 1, real + rng.int(100), 0xffffffff, 0x01000000, 4 << 20, (4 << 20) + 1]),
        0,
      );
      return b;
    }
    case 5:
      // Any type.
      if (b.length >= 9) b[8] = rng.int(256);
      return b;
    case 6:
      // Any flags.
      if (b.length >= 10) b[9] = rng.int(256);
      return b;
    case 7:
      // A stream id that is even, zero, reused or huge.
      if (b.length >= 8) b.writeUInt32BE(rng.pick([0, 2, 1, 3, 0xffffffff, 0xfffffffe, rng.u32()]), 4);
      return b;
    case 8: {
      // Payload replaced by protobuf-looking bytes, header fixed up.
      if (b.length < FRAME_HEADER_LENGTH) return b;
      const body = protobufish(rng, 200);
      const out = Buffer.concat([b.subarray(0, FRAME_HEADER_LENGTH), body]);
      out.writeUInt32BE(body.length, 0);
      return out;
    }
    case 9: {
      // Random bytes spliced in somewhere.
      const at = rng.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), rng.bytes(rng.range(1, 16)), b.subarray(at)]);
    }
    case 10: {
      // A slice removed.
      const at = rng.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), b.subarray(at + rng.range(1, 8))]);
    }
    case 11:
      // Pure noise.
      return Buffer.from(rng.bytes(rng.size(512)));
    default:
      // Unchanged.
      return b;
  }
}

/** A frame from the client-side corpus, with a new stream id. */
export function corpusFrame(rng: Prng, streamId: number): Buffer {
  const v = Buffer.from(rng.pick(clientVectors).bytes);
  if (v.length >= 8) v.writeUInt32BE(streamId >>> 0, 4);
  return v;
}

/** Splits `data` into random chunks (sometimes single bytes). */
export function randomChunks(rng: Prng, data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  const tiny = rng.chance(0.1);
  while (off < data.length) {
    const n = tiny ? rng.range(1, 3) : rng.range(1, Math.max(1, rng.size(70_000)));
    out.push(data.subarray(off, off + n));
    off += n;
  }
  return out;
}
