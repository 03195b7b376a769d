import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFrame, encodeFrameHeader, FrameType } from "./frame.js";
import { FrameParser } from "./frame-parser.js";

interface Seen {
  frames: Array<{ streamId: number; type: number; flags: number; payload: string }>;
  oversize: Array<{ streamId: number; type: number; flags: number; length: number }>;
}

function parser(max = 4194304): { p: FrameParser; seen: Seen } {
  const seen: Seen = { frames: [], oversize: [] };
  const p = new FrameParser(max, {
    frame: (streamId, type, flags, payload) => seen.frames.push({ streamId, type, flags, payload: Buffer.from(payload).toString("hex") }),
    oversize: (streamId, type, flags, length) => seen.oversize.push({ streamId, type, flags, length }),
  });
  return { p, seen };
}

const three = Buffer.concat([
  encodeFrame(0, 1, 0, Buffer.from("hello")),
  encodeFrame(1, 1, 0, Buffer.from("this is a longer message")),
  encodeFrame(2, 1, 0, Buffer.alloc(0)),
]);
const threeExpected = [
  { streamId: 0, type: 1, flags: 0, payload: Buffer.from("hello").toString("hex") },
  { streamId: 1, type: 1, flags: 0, payload: Buffer.from("this is a longer message").toString("hex") },
  { streamId: 2, type: 1, flags: 0, payload: "" },
];

describe("FrameParser", () => {
  it("parses several frames from one chunk, in order (Go's TestReadWriteMessage ids 0, 1, 2)", () => {
    const { p, seen } = parser();
    p.push(three);
    assert.deepEqual(seen.frames, threeExpected);
    assert.ok(p.idle);
  });

  it("reassembles frames fed one byte at a time", () => {
    const { p, seen } = parser();
    for (const b of three) {
      p.push(Uint8Array.of(b));
    }
    assert.deepEqual(seen.frames, threeExpected);
    assert.ok(p.idle);
  });

  it("reassembles frames at every possible split point", () => {
    for (let cut = 0; cut <= three.length; cut++) {
      const { p, seen } = parser();
      p.push(three.subarray(0, cut));
      p.push(three.subarray(cut));
      assert.deepEqual(seen.frames, threeExpected, `split at ${cut}`);
    }
  });

  it("reports partial state: pendingBytes and idle", () => {
    const { p, seen } = parser();
    const f = encodeFrame(1, 3, 0, Buffer.alloc(100, 7));
    p.push(f.subarray(0, 4));
    assert.equal(p.pendingBytes, 4);
    assert.equal(p.idle, false);
    p.push(f.subarray(4, 60));
    assert.equal(p.pendingBytes, 50);
    p.push(f.subarray(60));
    assert.equal(p.pendingBytes, 0);
    assert.ok(p.idle);
    assert.equal(seen.frames.length, 1);
  });

  it("a zero-length frame is emitted as soon as its header is complete", () => {
    const { p, seen } = parser();
    p.push(encodeFrameHeader(0, 7, FrameType.Data, 5));
    assert.deepEqual(seen.frames, [{ streamId: 7, type: 3, flags: 5, payload: "" }]);
  });

  it("accepts exactly the maximum and refuses one byte more", () => {
    const { p, seen } = parser(16);
    p.push(encodeFrame(1, 1, 0, Buffer.alloc(16, 1)));
    assert.equal(seen.frames.length, 1);
    assert.equal(seen.oversize.length, 0);
    p.push(encodeFrame(3, 1, 0, Buffer.alloc(17, 1)));
    assert.equal(seen.frames.length, 1);
    assert.deepEqual(seen.oversize, [{ streamId: 3, type: 1, flags: 0, length: 17 }]);
  });

  it("accepts a real 4 MiB frame with the default limit", () => {
    const { p, seen } = parser();
    p.push(encodeFrame(1, 1, 0, Buffer.alloc(4194304, 9)));
    assert.equal(seen.frames.length, 1);
    assert.equal(seen.oversize.length, 0);
  });

  it("reports oversize once, right after the header, and skips the body without buffering it", () => {
    const { p, seen } = parser(1024);
    p.push(encodeFrameHeader(1 << 20, 5, FrameType.Request, 0));
    assert.equal(seen.oversize.length, 1, "reported before any body byte arrives");
    for (let i = 0; i < 16; i++) {
      p.push(Buffer.alloc(1 << 16));
      assert.equal(p.pendingBytes, 0, "nothing of an oversize body is held");
    }
    assert.ok(p.idle);
    p.push(encodeFrame(7, 1, 0, Buffer.from("ok")));
    assert.deepEqual(seen.oversize, [{ streamId: 5, type: 1, flags: 0, length: 1 << 20 }]);
    assert.deepEqual(seen.frames, [{ streamId: 7, type: 1, flags: 0, payload: Buffer.from("ok").toString("hex") }]);
  });

  it("the oversize body may end inside a chunk that carries the next frame", () => {
    const { p, seen } = parser(4);
    p.push(Buffer.concat([encodeFrameHeader(6, 1, 1, 0), Buffer.alloc(6), encodeFrame(3, 1, 0, Buffer.from("ab"))]));
    assert.equal(seen.oversize.length, 1);
    assert.deepEqual(seen.frames, [{ streamId: 3, type: 1, flags: 0, payload: "6162" }]);
  });

  it("handles a 4 GiB announced length (the largest uint32) without allocating it", () => {
    const { p, seen } = parser();
    p.push(encodeFrameHeader(0xffffffff, 0xffffffff, 2, 0xff));
    assert.deepEqual(seen.oversize, [{ streamId: 0xffffffff, type: 2, flags: 0xff, length: 0xffffffff }]);
    p.push(Buffer.alloc(1 << 20));
    assert.equal(p.pendingBytes, 0);
  });

  it("Rust's oversize header vector: length 0x10000000, id 3, Response, flags 0xef", () => {
    const { p, seen } = parser();
    p.push(Buffer.from("1000000000000003" + "02ef", "hex"));
    assert.deepEqual(seen.oversize, [{ streamId: 3, type: 2, flags: 0xef, length: 0x10000000 }]);
  });

  it("keeps unknown types and flags as they are", () => {
    const { p, seen } = parser();
    p.push(encodeFrame(9, 0x07, 0xef, Buffer.from("x")));
    assert.deepEqual(seen.frames, [{ streamId: 9, type: 7, flags: 0xef, payload: "78" }]);
  });

  it("a frame reassembled across chunks does not alias the chunks", () => {
    const payloads: Uint8Array[] = [];
    const p = new FrameParser(1024, { frame: (_id, _type, _flags, payload) => payloads.push(payload), oversize: () => {} });
    const f = encodeFrame(1, 1, 0, Buffer.from("abcdef"));
    const a = Buffer.from(f.subarray(0, 12));
    const b = Buffer.from(f.subarray(12));
    p.push(a);
    p.push(b);
    a.fill(0);
    b.fill(0);
    assert.equal(Buffer.from(payloads[0] as Uint8Array).toString(), "abcdef");
  });

  it("pause() stops after the frame at hand, inside a chunk; resume() goes on from there without loss", () => {
    const seen: number[] = [];
    const p: FrameParser = new FrameParser(1024, {
      frame: (streamId) => {
        seen.push(streamId);
        if (streamId === 1) p.pause();
      },
      oversize: () => {},
    });
    const chunk = Buffer.concat([0, 1, 2, 3].map((id) => encodeFrame(id, 1, 0, Buffer.from("x"))));
    p.push(chunk);
    assert.deepEqual(seen, [0, 1], "frames 2 and 3 wait");
    p.push(encodeFrame(4, 1, 0, Buffer.from("y")));
    assert.deepEqual(seen, [0, 1], "data arriving while paused waits behind them");
    p.resume();
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.ok(p.idle);
  });

  it("chunks pushed while paused are kept as they are, not copied into one backlog", () => {
    // Each frame's payload must still be a view of the chunk it came in: a
    // running concatenation of the backlog would copy all of it per chunk.
    const views: Array<{ streamId: number; buffer: ArrayBufferLike }> = [];
    let pauseAt = 0;
    const p: FrameParser = new FrameParser(1024, {
      frame: (streamId, _type, _flags, payload) => {
        views.push({ streamId, buffer: payload.buffer });
        if (streamId === pauseAt) p.pause();
      },
      oversize: () => {},
    });
    const chunks = Array.from({ length: 100 }, (_, i) =>
      Buffer.concat([encodeFrame(2 * i, 1, 0, Buffer.from("a")), encodeFrame(2 * i + 1, 1, 0, Buffer.from("b"))]),
    );
    p.push(chunks[0] as Buffer);
    assert.equal(views.length, 1, "paused after frame 0, inside the first chunk");
    for (const c of chunks.slice(1)) p.push(c);
    assert.equal(views.length, 1, "nothing read while paused");
    // Pause again in the middle of the backlog, then read it all.
    pauseAt = 101;
    p.resume();
    assert.equal(views.length, 102);
    pauseAt = -1;
    p.resume();
    assert.equal(views.length, 200);
    assert.deepEqual(
      views.map((v) => v.streamId),
      Array.from({ length: 200 }, (_, i) => i),
    );
    views.forEach((v, i) => {
      assert.equal(v.buffer, (chunks[i >> 1] as Buffer).buffer, `frame ${i} is a view of its own chunk`);
    });
    assert.ok(p.idle);
  });
});
