import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_MAX_MESSAGE_SIZE, encodeFrame, encodeFrameHeader, FRAME_HEADER_LENGTH, FrameFlag, FrameType } from "./frame.js";

describe("frame constants", () => {
  it("match Go's channel.go", () => {
    assert.equal(FRAME_HEADER_LENGTH, 10);
    assert.equal(DEFAULT_MAX_MESSAGE_SIZE, 4194304);
    assert.deepEqual({ ...FrameType }, { Request: 1, Response: 2, Data: 3 });
    assert.deepEqual({ ...FrameFlag }, { RemoteClosed: 1, RemoteOpen: 2, NoData: 4 });
  });
});

describe("encodeFrameHeader", () => {
  it("writes length, stream id, type, flags big-endian", () => {
    assert.equal(encodeFrameHeader(0x35, 1, 1, 0).toString("hex"), "00000035000000010100");
    assert.equal(encodeFrameHeader(0x01020304, 0x0a0b0c0d, 3, 5).toString("hex"), "010203040a0b0c0d0305");
  });

  it("handles the full uint32 range of length and id", () => {
    assert.equal(encodeFrameHeader(0xffffffff, 0xffffffff, 0xff, 0xff).toString("hex"), "ffffffffffffffffffff");
  });

  it("keeps unknown flag bits (Rust's header vector)", () => {
    assert.equal(encodeFrameHeader(0x10000000, 3, FrameType.Response, 0xef).toString("hex"), "1000000000000003" + "02ef");
  });
});

describe("encodeFrame", () => {
  it("is header then payload", () => {
    const f = encodeFrame(7, FrameType.Data, 0, Uint8Array.of(0x08, 0x03));
    assert.equal(f.toString("hex"), "000000020000000703000803");
  });

  it("a zero-length frame is just the header", () => {
    const f = encodeFrame(7, FrameType.Data, FrameFlag.RemoteClosed | FrameFlag.NoData, new Uint8Array(0));
    assert.equal(f.toString("hex"), "00000000000000070305");
  });

  it("copies the payload (a subarray view) correctly", () => {
    const big = Uint8Array.from({ length: 20 }, (_, i) => i);
    const f = encodeFrame(1, 1, 0, big.subarray(5, 8));
    assert.equal(f.toString("hex"), "00000003000000010100050607");
  });
});
