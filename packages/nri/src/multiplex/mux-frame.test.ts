import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_MUX_PAYLOAD } from "./constants.js";
import { encodeMuxHeader, MuxFrameParser } from "./mux-frame.js";

// Header bytes the Go multiplexer wrote for a 62-byte message on conn 2 and
// for the first 4096-byte frame of a larger one (cmd/nri-mux-vectors).
test("encodeMuxHeader matches Go's header bytes", () => {
  assert.equal(encodeMuxHeader(2, 62).toString("hex"), "000000020000003e");
  assert.equal(encodeMuxHeader(2, 4096).toString("hex"), "0000000200001000");
  assert.equal(encodeMuxHeader(0xffffffff, 0).toString("hex"), "ffffffff00000000");
});

function collect(max?: number) {
  const frames: Array<[number, string]> = [];
  const oversize: Array<[number, number]> = [];
  const parser = new MuxFrameParser(
    { frame: (id, p) => frames.push([id, p.toString()]), oversize: (id, n) => oversize.push([id, n]) },
    max,
  );
  return { parser, frames, oversize };
}

const stream = Buffer.concat([
  encodeMuxHeader(1, 5),
  Buffer.from("hello"),
  encodeMuxHeader(2, 0),
  encodeMuxHeader(2, 3),
  Buffer.from("abc"),
]);

test("MuxFrameParser decodes frames in order whatever the chunking", () => {
  for (const size of [1, 3, 8, 9, stream.length]) {
    const { parser, frames } = collect();
    for (let i = 0; i < stream.length; i += size) parser.push(stream.subarray(i, i + size));
    assert.deepEqual(
      frames,
      [
        [1, "hello"],
        [2, ""],
        [2, "abc"],
      ],
      `chunk size ${size}`,
    );
    assert.equal(parser.buffered, 0);
  }
});

test("MuxFrameParser holds a partial frame", () => {
  const { parser, frames } = collect();
  parser.push(stream.subarray(0, 12));
  assert.equal(frames.length, 0);
  assert.equal(parser.buffered, 12);
});

test("MuxFrameParser reports a frame over the limit once and stops", () => {
  const { parser, frames, oversize } = collect();
  parser.push(Buffer.concat([encodeMuxHeader(1, 2), Buffer.from("ok"), encodeMuxHeader(7, MAX_MUX_PAYLOAD + 1), Buffer.alloc(20)]));
  parser.push(Buffer.concat([encodeMuxHeader(1, 2), Buffer.from("no")]));
  assert.deepEqual(frames, [[1, "ok"]]);
  assert.deepEqual(oversize, [[7, MAX_MUX_PAYLOAD + 1]]);
  const small = collect(4);
  small.parser.push(Buffer.concat([encodeMuxHeader(3, 5), Buffer.from("12345")]));
  assert.deepEqual(small.oversize, [[3, 5]]);
});
