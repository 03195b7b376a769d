import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it, type TestContext } from "node:test";
import { RawPeer } from "../../test/support/raw-peer.js";
import { sleep, tempDir, until, within } from "../../test/support/util.js";
import { Channel, type ChannelHandler } from "./channel.js";
import { encodeFrame, type Frame, FrameType } from "./frame.js";

interface Recorder extends ChannelHandler {
  frames: Frame[];
  oversized: number[];
  closes: Array<Error | undefined>;
}

function recorder(): Recorder {
  const r: Recorder = {
    frames: [],
    oversized: [],
    closes: [],
    frame: (streamId, type, flags, payload) => r.frames.push({ streamId, type, flags, payload: Buffer.from(payload) }),
    oversize: (_id, _type, _flags, length) => r.oversized.push(length),
    closed: (e) => r.closes.push(e),
  };
  return r;
}

/** A Channel on one end of a unix socket and a RawPeer on the other. */
async function pair(
  t: TestContext,
  max = 4194304,
  budget = Number.POSITIVE_INFINITY,
  wrap: (rec: Recorder) => ChannelHandler = (r) => r,
): Promise<{ channel: Channel; rec: Recorder; peer: RawPeer }> {
  const tmp = tempDir();
  const path = tmp.path("c.sock");
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(path, r));
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
  const peer = await RawPeer.connect(path);
  const socket = await accepted;
  const rec = recorder();
  const channel = new Channel(socket, max, wrap(rec), budget);
  t.after(async () => {
    socket.destroy();
    peer.destroy();
    await new Promise((r) => server.close(r));
    tmp.cleanup();
  });
  return { channel, rec, peer };
}

/** Counts the writes the channel makes on its socket from now on. */
function countWrites(channel: Channel): { count: number } {
  const counter = { count: 0 };
  const write = channel.socket.write.bind(channel.socket);
  channel.socket.write = ((...args: Parameters<typeof write>) => {
    counter.count++;
    return write(...args);
  }) as typeof channel.socket.write;
  return counter;
}

describe("Channel", { timeout: 30_000 }, () => {
  it("writes whole frames, small (copied) and large (header + payload), in order", async (t) => {
    const { channel, peer } = await pair(t);
    const big = Buffer.alloc(100_000, 7);
    assert.equal(typeof channel.write(1, FrameType.Request, 0, Buffer.from("small")), "boolean");
    channel.write(3, FrameType.Request, 2, big);
    channel.write(5, FrameType.Data, 5, new Uint8Array(0));
    const a = await peer.next();
    const b = await peer.next();
    const c = await peer.next();
    assert.deepEqual([a.streamId, a.payload.toString()], [1, "small"]);
    assert.deepEqual([b.streamId, b.flags, b.payload.length], [3, 2, 100_000]);
    assert.ok(b.payload.equals(big));
    assert.deepEqual([c.streamId, c.type, c.flags, c.payload.length], [5, 3, 5, 0]);
    assert.equal(peer.received().length, 10 + 5 + 10 + 100_000 + 10);
  });

  it("the small frames of one tick go out in a few socket writes, also past the high-water mark; all arrive in order", async (t) => {
    const { channel, peer } = await pair(t);
    const writes = countWrites(channel);
    peer.socket.pause();
    // 10,000 Requests of 40 bytes (400 KB, far past the mark) in one tick, as 10,000 unary calls do.
    const n = 10_000;
    let blocked = 0;
    for (let i = 0; i < n; i++) if (!channel.write(2 * i + 1, FrameType.Request, 0, Buffer.alloc(30, i & 0xff))) blocked++;
    peer.socket.resume();
    for (let i = 0; i < n; i++) assert.equal((await peer.next()).streamId, 2 * i + 1);
    t.diagnostic(`${writes.count} socket writes for ${n} frames; ${blocked} writes reported back-pressure`);
    // Batches of 2, 4 and 8 KiB, then one per 16 KiB: 27 for 400,000 bytes.
    assert.ok(writes.count <= 30, `${writes.count} socket writes`);
    assert.ok(blocked > 0, "back-pressure was reported past the mark");
    assert.equal(channel.writeBlocked, false);
  });

  it("the first 2 KiB of a tick's frames leave at once, so the peer can start on them", async (t) => {
    const { channel, peer } = await pair(t);
    const writes = countWrites(channel);
    // 64 frames of 110 bytes (7 KiB), as 64 unary calls in flight write in one tick.
    for (let i = 0; i < 64; i++) channel.write(2 * i + 1, FrameType.Request, 0, Buffer.alloc(100, i));
    assert.equal(writes.count, 2, "the 2 KiB and 4 KiB batches went out while the tick was still writing");
    await new Promise((r) => process.nextTick(r));
    assert.equal(writes.count, 3, "the rest at the end of the tick");
    for (let i = 0; i < 64; i++) assert.equal((await peer.next()).streamId, 2 * i + 1);
    // The next tick starts with a small batch again.
    for (let i = 0; i < 20; i++) channel.write(1001 + 2 * i, FrameType.Request, 0, Buffer.alloc(100, i));
    assert.equal(writes.count, 4);
  });

  it("write sends head, body and tail as one frame, small or large", async (t) => {
    const { channel, peer } = await pair(t);
    channel.write(1, FrameType.Response, 0, Buffer.from("b"), 0, Buffer.from("a"), Buffer.from("cd"));
    const big1 = Buffer.alloc(20_000, 1);
    const big2 = Buffer.alloc(30_000, 2);
    channel.write(3, FrameType.Response, 0, big2, 0, big1);
    channel.write(5, FrameType.Response, 0, new Uint8Array(0), 0x12);
    const a = await peer.next();
    const b = await peer.next();
    const c = await peer.next();
    assert.equal(a.payload.toString(), "abcd");
    assert.ok(b.payload.equals(Buffer.concat([big1, big2])));
    assert.equal(c.payload.length, 0);
  });

  it("parses incoming frames and reports oversize ones", async (t) => {
    const { rec, peer } = await pair(t, 8);
    await peer.write(encodeFrame(1, FrameType.Response, 0, Buffer.from("12345678")));
    await peer.write(encodeFrame(3, FrameType.Response, 0, Buffer.from("123456789")));
    await peer.write(encodeFrame(5, FrameType.Data, 1, Buffer.from("x")));
    await until(() => rec.frames.length === 2, 3000, "two frames");
    assert.deepEqual(rec.oversized, [9]);
    assert.deepEqual(
      rec.frames.map((f) => f.streamId),
      [1, 5],
    );
  });

  it("hold pauses reading until every holder released", async (t) => {
    const { channel, rec, peer } = await pair(t);
    const a = {};
    const b = {};
    channel.hold(a);
    channel.hold(b);
    await peer.write(encodeFrame(1, FrameType.Data, 0, Buffer.from("x")));
    await sleep(100);
    assert.equal(rec.frames.length, 0);
    channel.release(a);
    await sleep(50);
    assert.equal(rec.frames.length, 0, "still held by b");
    channel.release(b);
    await until(() => rec.frames.length === 1, 3000, "the frame after release");
  });

  it("after a hold inside a chunk, the socket is read again only once that chunk's rest is consumed", async (t) => {
    let channel: Channel | undefined;
    let holdAt = 3;
    const key = {};
    const {
      rec,
      peer,
      channel: c,
    } = await pair(t, 4194304, Number.POSITIVE_INFINITY, (r) => ({
      ...r,
      frame: (streamId, type, flags, payload) => {
        r.frame(streamId, type, flags, payload);
        if (streamId === holdAt) channel?.hold(key);
      },
    }));
    channel = c;
    // 50 frames in one write: reading holds after frame 3, mid-chunk.
    await peer.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => encodeFrame(2 * i + 1, FrameType.Data, 0, Buffer.from("x")))));
    await until(() => rec.frames.length === 2, 5000, "frames up to the hold");
    // More data arrives while held; it must wait in the socket, not behind the rest.
    await peer.write(encodeFrame(101, FrameType.Data, 0, Buffer.from("y")));
    await sleep(50);
    holdAt = 21;
    c.release(key);
    assert.equal(c.socket.isPaused(), true, "the socket waits until the rest of the chunk is consumed");
    await until(() => rec.frames.length === 11, 5000, "the rest, up to the next hold");
    await sleep(50);
    assert.equal(rec.frames.length, 11);
    assert.equal(c.socket.isPaused(), true, "held again inside the same rest");
    holdAt = -1;
    c.release(key);
    await until(() => rec.frames.length === 51, 5000, "the rest and the frame sent while held");
    assert.equal(c.socket.isPaused(), false);
    assert.deepEqual(
      rec.frames.map((f) => f.streamId),
      [...Array.from({ length: 50 }, (_, i) => 2 * i + 1), 101],
    );
  });

  it("end() flushes what was written, then closes; closed is reported once", async (t) => {
    const { channel, rec, peer } = await pair(t);
    channel.write(1, FrameType.Response, 0, Buffer.from("last words"));
    channel.end();
    channel.end();
    const f = await peer.next();
    assert.equal(f.payload.toString(), "last words");
    peer.socket.end();
    await within(peer.closed, 3000, "peer close");
    await until(() => rec.closes.length === 1, 3000, "closed()");
    assert.equal(channel.closed, true);
    assert.equal(rec.closes[0], undefined);
    assert.equal(channel.write(3, FrameType.Response, 0, Buffer.from("x")), false, "writes after close are dropped");
    await channel.whenWritable();
    await sleep(20);
    assert.equal(rec.closes.length, 1);
  });

  it("the peer going away is reported once", async (t) => {
    const { channel, rec, peer } = await pair(t);
    peer.destroy();
    await until(() => rec.closes.length === 1, 3000, "closed()");
    assert.equal(channel.closed, true);
    await sleep(20);
    assert.equal(rec.closes.length, 1);
  });

  it("destroy(error) reports that error", async (t) => {
    const { channel, rec } = await pair(t);
    channel.destroy(new Error("bad peer"));
    await until(() => rec.closes.length === 1, 3000, "closed()");
    assert.equal(rec.closes[0]?.message, "bad peer");
  });

  it("whenWritable() waits for write back-pressure to clear", async (t) => {
    const { channel, peer } = await pair(t);
    peer.socket.pause();
    const chunk = Buffer.alloc(1 << 20);
    let writes = 0;
    while (channel.write(1, FrameType.Data, 0, chunk) && writes < 200) writes++;
    assert.equal(channel.writeBlocked, true);
    let drained = false;
    const d = channel.whenWritable().then(() => {
      drained = true;
    });
    await sleep(50);
    assert.equal(drained, false);
    peer.socket.resume();
    await within(d, 5000, "drain");
  });

  it("at the receive budget, reading stops inside a chunk and resumes once bytes are given back", async (t) => {
    let channel: Channel | undefined;
    // Every frame's payload counts as held until given back below.
    const {
      rec,
      peer,
      channel: c,
    } = await pair(t, 4194304, 1000, (r) => ({
      ...r,
      frame: (streamId, type, flags, payload) => {
        r.frame(streamId, type, flags, payload);
        channel?.account(payload.length);
      },
    }));
    channel = c;
    // 20 frames of 300 bytes in one write: the budget allows 4 (1200 >= 1000).
    await peer.write(Buffer.concat(Array.from({ length: 20 }, (_, i) => encodeFrame(2 * i + 1, FrameType.Data, 0, Buffer.alloc(300)))));
    await until(() => rec.frames.length >= 4, 5000, "frames to arrive");
    await sleep(50);
    assert.equal(rec.frames.length, 4, "reading stopped at the budget, mid-chunk");
    assert.equal(c.buffered, 1200);
    c.account(-1200);
    await until(() => rec.frames.length === 8, 5000, "the next four");
    c.account(-1200);
    c.account(-1200);
    c.account(-1200);
    await until(() => rec.frames.length === 20, 5000, "the rest");
  });
});
