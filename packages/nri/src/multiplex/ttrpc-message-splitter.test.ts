import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_MUX_PAYLOAD } from "./constants.js";
import { splitChunk, TtrpcMessageSplitter } from "./ttrpc-message-splitter.js";

/** A ttrpc message (10-byte header + payload) of `total` bytes, with a recognisable body. */
function message(total: number, seed = 0): Buffer {
  const m = Buffer.alloc(total);
  m.writeUInt32BE(total - 10, 0);
  m.writeUInt32BE(1, 4);
  for (let i = 10; i < total; i++) m[i] = (i + seed) & 0xff;
  return m;
}

// Frame lengths the Go side (ttrpc client over NRI's multiplexer) produced
// for whole messages of these lengths (cmd/nri-mux-vectors).
const goVectors: Array<[number, number[]]> = [
  [62, [62]],
  [4095, [4095]],
  [4096, [4096]],
  [4097, [4096, 1]],
  [5068, [4096, 972]],
  [8260, [4096, 4164]],
  [100070, [4096, 95974]],
  [4194312, [4096, 4190216]],
];

test("TtrpcMessageSplitter frames messages as Go does", () => {
  for (const [total, want] of goVectors) {
    const m = message(total);
    const frames = new TtrpcMessageSplitter().push(m);
    assert.deepEqual(
      frames.map((f) => f.length),
      want,
      `message of ${total} bytes`,
    );
    assert.ok(Buffer.concat(frames).equals(m));
  }
});

test("TtrpcMessageSplitter waits for whole messages and separates consecutive ones", () => {
  const a = message(5000, 1);
  const b = message(30, 2);
  const both = Buffer.concat([a, b]);
  const s = new TtrpcMessageSplitter();
  const frames: Buffer[] = [];
  for (let i = 0; i < both.length; i += 7) {
    const out = s.push(both.subarray(i, i + 7));
    // Nothing comes out before the first message is complete.
    if (i + 7 < a.length) assert.equal(out.length, 0);
    frames.push(...out);
  }
  assert.deepEqual(
    frames.map((f) => f.length),
    [4096, 904, 30],
  );
  assert.ok(Buffer.concat(frames).equals(both));
  assert.equal(s.buffered, 0);
});

test("splitChunk cuts at the maximum payload, as Go's multiplexer does", () => {
  assert.deepEqual(
    splitChunk(Buffer.alloc(2 * MAX_MUX_PAYLOAD + 5)).map((f) => f.length),
    [MAX_MUX_PAYLOAD, MAX_MUX_PAYLOAD, 5],
  );
  assert.deepEqual(splitChunk(Buffer.alloc(0)), []);
});
