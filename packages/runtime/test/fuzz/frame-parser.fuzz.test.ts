// Fuzzing the frame parser. Seeded and reproducible
// (FUZZ_SEED), bounded for CI, longer with FUZZ_SECONDS.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe } from "node:test";
import { encodeFrame, FRAME_HEADER_LENGTH, FrameParser } from "@ttrpc-ts/runtime/protocol";
import { fuzzIt, gc } from "../support/fuzz/fuzz-test.js";
import { corpusFrame, mutate, randomChunks, randomFrame } from "../support/fuzz/mutators.js";
import type { Prng } from "../support/fuzz/prng.js";
import { allVectors } from "../support/fuzz/vectors.js";

/** What a parser reports, in a form that compares with deepEqual. */
type Event = { frame: [number, number, number, string] } | { oversize: [number, number, number, number] };

function payloadKey(p: Uint8Array): string {
  return p.length <= 64 ? Buffer.from(p).toString("hex") : `${p.length}:${createHash("sha1").update(p).digest("hex")}`;
}

/**
 * The obvious decoder, over the whole buffer at once: the oracle the
 * incremental parser must agree with. A trailing incomplete frame yields
 * nothing; an oversize frame is reported from its header alone.
 */
function decodeWhole(data: Buffer, max: number): Event[] {
  const out: Event[] = [];
  let off = 0;
  while (off + FRAME_HEADER_LENGTH <= data.length) {
    const length = data.readUInt32BE(off);
    const id = data.readUInt32BE(off + 4);
    const type = data[off + 8] as number;
    const flags = data[off + 9] as number;
    off += FRAME_HEADER_LENGTH;
    if (length > max) {
      out.push({ oversize: [id, type, flags, length] });
      off += length;
      continue;
    }
    if (off + length > data.length) break;
    out.push({ frame: [id, type, flags, payloadKey(data.subarray(off, off + length))] });
    off += length;
  }
  return out;
}

/** Feeds `chunks` to a FrameParser, checking its invariants after every chunk. */
function parseChunks(chunks: Uint8Array[], max: number): Event[] {
  const out: Event[] = [];
  const parser = new FrameParser(max, {
    frame: (streamId, type, flags, payload) => {
      const f = { streamId, type, flags, payload };
      assert.ok(f.payload.length <= max, "a frame over the limit was delivered");
      out.push({ frame: [f.streamId, f.type, f.flags, payloadKey(f.payload)] });
    },
    oversize: (id, type, flags, length) => {
      assert.ok(length > max);
      out.push({ oversize: [id, type, flags, length] });
    },
  });
  for (const c of chunks) {
    parser.push(c);
    // At most one partial frame, never more than the limit, is held.
    assert.ok(parser.pendingBytes <= Math.max(max, FRAME_HEADER_LENGTH), `parser holds ${parser.pendingBytes} bytes (max ${max})`);
  }
  return out;
}

function validStream(rng: Prng, max: number): Buffer {
  const frames: Buffer[] = [];
  const n = rng.range(1, 40);
  for (let i = 0; i < n; i++) {
    const r = rng.float();
    if (r < 0.3) frames.push(Buffer.from(rng.pick(allVectors).bytes));
    else if (r < 0.35 && max <= 65_536)
      frames.push(encodeFrame(rng.u32(), rng.int(256), rng.int(256), new Uint8Array(max + rng.range(1, 100))));
    else frames.push(randomFrame(rng, Math.min(max, 70_000)));
  }
  return Buffer.concat(frames);
}

describe("FrameParser fuzz", () => {
  fuzzIt("random chunkings of valid frame streams reproduce the same frames", 2000, ({ rng, more, note }) => {
    let streams = 0;
    let frames = 0;
    while (more()) {
      const max = rng.pick([16, 1024, 65_536, 4 << 20]);
      const data = validStream(rng, max);
      const expected = decodeWhole(data, max);
      // Valid streams end on a frame boundary: everything is reported.
      const got = parseChunks(randomChunks(rng, data), max);
      assert.deepEqual(got, expected);
      // One byte at a time, too, now and then.
      if (rng.chance(0.05) && data.length < 20_000) {
        assert.deepEqual(
          parseChunks(
            Array.from(data, (_, i) => data.subarray(i, i + 1)),
            max,
          ),
          expected,
        );
      }
      streams++;
      frames += expected.length;
    }
    note(`${streams} streams, ${frames} frames`);
  });

  fuzzIt("mutated and random byte streams never throw and agree with the whole-buffer decoder", 2000, ({ rng, more, note }) => {
    let streams = 0;
    while (more()) {
      const max = rng.pick([16, 1024, 65_536, 4 << 20]);
      const parts: Buffer[] = [];
      const n = rng.range(1, 30);
      for (let i = 0; i < n; i++) {
        const base = rng.chance(0.5) ? corpusFrame(rng, 2 * i + 1) : randomFrame(rng, 2000);
        parts.push(rng.chance(0.6) ? mutate(rng, base) : base);
      }
      const data = Buffer.concat(parts);
      assert.deepEqual(parseChunks(randomChunks(rng, data), max), decodeWhole(data, max));
      streams++;
    }
    note(`${streams} mutated streams`);
  });

  fuzzIt("memory stays bounded on hundreds of MiB of noise and near-limit lengths", 2000, async ({ rng, more, note }) => {
    const max = 4 << 20;
    let count = 0;
    const sink = {
      frame: () => {
        count++;
      },
      oversize: () => {
        count++;
      },
    };
    // A pool of noise buffers, reused so the test itself allocates little:
    // pure noise (mostly huge lengths, skipped), runs of small frames with
    // noise bodies, and headers announcing just under the limit (the parser
    // must hold one such body at a time, never more).
    const pool = Array.from({ length: 16 }, (_, i) => {
      const b = Buffer.from(rng.bytes(64 * 1024));
      if (i % 4 === 1) {
        for (let off = 0, len = 0; off + 10 <= b.length; off += 10 + len) {
          len = rng.int(512);
          b.writeUInt32BE(len, off);
        }
      }
      if (i % 4 === 2) b.writeUInt32BE(max - rng.int(1000), 0);
      return b;
    });
    gc();
    const before = process.memoryUsage();
    let fed = 0;
    let peak = 0;
    for (let round = 0; more(); round++) {
      // A new stream now and then, so that every kind of buffer is parsed from a frame boundary.
      const parser = new FrameParser(max, sink);
      for (let i = 0; i < 64; i++) {
        const b = rng.pick(pool);
        const chunk = i === 0 ? b : b.subarray(rng.int(64), b.length - rng.int(64));
        parser.push(chunk);
        fed += chunk.length;
        assert.ok(parser.pendingBytes <= max);
      }
      if (round % 25 === 0) {
        // What the live parser retains (garbage from earlier streams
        // collected; array buffers are swept concurrently, hence the pause).
        gc();
        await new Promise((r) => setImmediate(r));
        gc();
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers - before.heapUsed - before.arrayBuffers);
      }
    }
    gc();
    const after = process.memoryUsage();
    const grown = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
    note(
      `fed ${(fed / 2 ** 20).toFixed(0)} MiB , ${count} frames or oversize headers, retained at most +${(peak / 2 ** 20).toFixed(1)} MiB`,
    );
    // One partial body (at most 4 MiB) plus slack; a parser that buffered would hold hundreds of MiB.
    assert.ok(peak < 24 * 2 ** 20, `heap + buffers retained ${(peak / 2 ** 20).toFixed(1)} MiB above the start`);
    assert.ok(grown < 16 * 2 ** 20, `heap + buffers ${(grown / 2 ** 20).toFixed(1)} MiB above the start after gc`);
  });
});
