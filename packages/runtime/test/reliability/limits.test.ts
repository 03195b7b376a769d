// Resource limits and abuse. Each case ends with the leak
// checks of the harness (maps empty, connections as expected, active
// resources back to the baseline).
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { Code, Server } from "@ttrpc-ts/runtime";
import { encodeFrameHeader, FrameType } from "@ttrpc-ts/runtime/protocol";
import { assertFailed, assertTtrpcError } from "../support/errors.js";
import { retainedBytes } from "../support/gc.js";
import { goodCalls, keepCalling } from "../support/good-client.js";
import { expectResourcesAtBaseline, Harness, resourceCounts } from "../support/harness.js";
import { RawPeer } from "../support/raw-peer.js";
import { socketPath } from "../support/socket-path.js";
import { encodeMsg, type Msg, msg, requestFrame, TestMethods, TestService, testImpl } from "../support/test-service.js";
import { collect, settle, sleep, waitFor, within } from "../support/wait.js";

const MiB = 1 << 20;

describe("limits and abuse", () => {
  it("a frame announcing a 4 GiB length is answered at once and drained, never buffered", async (t) => {
    const h = await Harness.start(t);
    const good = await h.client();
    const raw = await h.raw();
    await raw.write(encodeFrameHeader(0xffffffff, 1, FrameType.Request, 0));
    // Answered from the header alone, before any byte of the body.
    const res = await raw.waitResponse(1);
    assert.equal(res.response?.status?.code, Code.ResourceExhausted);
    assert.equal(res.response?.status?.message, "message length 4294967295 exceed maximum message size of 4194304");
    const chunk = Buffer.alloc(MiB, 0x41);
    const before = await retainedBytes();
    let peak = 0;
    for (let i = 1; i <= 64; i++) {
      await raw.write(chunk);
      if (i % 16 === 0) {
        await goodCalls(good, 4, 2);
        peak = Math.max(peak, (await retainedBytes()) - before);
      }
    }
    t.diagnostic(`retained memory grew by at most ${(peak / MiB).toFixed(1)} MiB while 64 MiB of a 4 GiB frame streamed in`);
    // 64 MiB went through; a parser that buffered would retain that much.
    assert.ok(peak < 16 * MiB, `memory retained grew by ${(peak / MiB).toFixed(1)} MiB while 64 MiB of an oversize body streamed in`);
    assert.equal(raw.isClosed, false, "the connection stays up while the body drains");
    assert.equal(h.server.connectionCount, 2);
    await raw.destroy();
    await h.expectIdle(1);
  });

  it("an oversize frame is drained whole and the connection stays in sync (rust#198)", async (t) => {
    const h = await Harness.start(t, { maxMessageSize: 1024 });
    const raw = await h.raw();
    const body = Buffer.alloc(1025, 0x0a);
    // Oversize on stream 1, then a valid call on stream 1 again (the oversize
    // frame never reaches the Request path, so its id is not used up), then 3.
    await raw.write(Buffer.concat([encodeFrameHeader(1025, 1, FrameType.Request, 0), body]));
    await raw.write(requestFrame(1, "Echo", encodeMsg(msg({ id: 7 }))));
    await raw.write(requestFrame(3, "Echo", encodeMsg(msg({ id: 9 }))));
    await raw.waitFrame((f) => f.streamId === 3, 5000, "answer on stream 3");
    const answers = raw.frames.filter((f) => f.type === FrameType.Response);
    assert.equal(answers.length, 3);
    assert.equal(answers[0]?.response?.status?.message, "message length 1025 exceed maximum message size of 1024");
    assert.equal(answers[1]?.response?.status, undefined, "valid call after the oversize frame answered OK");
    assert.equal(answers[2]?.response?.status, undefined);
    await h.expectIdle(1);
  });

  it("slowloris: half a header or half a body holds only its own connection", async (t) => {
    const h = await Harness.start(t);
    const halfHeader = await h.raw();
    await halfHeader.write(requestFrame(1, "Echo").subarray(0, 5));
    const halfBody = await h.raw();
    const frame = requestFrame(1, "Echo", encodeMsg(msg({ data: new Uint8Array(4000) })));
    await halfBody.write(frame.subarray(0, 2000));
    const trickle = await h.raw();
    let stopTrickle = false;
    let trickled = 0;
    const trickling = (async () => {
      for (; trickled < frame.length - 1 && !stopTrickle; trickled++) {
        await trickle.write(frame.subarray(trickled, trickled + 1));
        await sleep(5);
      }
    })();
    const good = await h.client();
    await goodCalls(good, 200, 8);
    // The good calls finished while the trickling peer was still mid-frame:
    // the stalled peers did not hold them up (counted in bytes, not in ms).
    assert.ok(trickled < frame.length - 1, `the trickle finished first (${trickled} bytes)`);
    stopTrickle = true;
    await trickling;
    assert.equal(h.server.connectionCount, 4, "stalled peers are not closed without an idle timeout");
    assert.equal(halfHeader.frames.length + halfBody.frames.length + trickle.frames.length, 0);
    await Promise.all([halfHeader.destroy(), halfBody.destroy(), trickle.destroy()]);
    await h.expectIdle(1);
  });

  it("idleTimeoutMs closes stalled and silent connections, not busy ones", async (t) => {
    const h = await Harness.start(t, { idleTimeoutMs: 300 });
    const halfHeader = await h.raw();
    await halfHeader.write(requestFrame(1, "Echo").subarray(0, 5));
    const silent = await h.client();
    const busy = await h.client();
    const closedErr = silent.wait();
    const longCall = settle(busy.unary(TestMethods.echo, msg({ delayMs: 900 })));
    const start = Date.now();
    await halfHeader.waitClosed(3000);
    const err = await within(closedErr, 3000, "silent client closed by the idle timeout");
    assertTtrpcError(err, Code.Unavailable, /^ttrpc: closed/);
    assert.ok(Date.now() - start >= 250, "not closed before the timeout");
    const later = await settle(silent.unary(TestMethods.echo, msg()));
    assertFailed(later, Code.Unavailable, /^ttrpc: closed/);
    const r = await longCall;
    assert.ok(r.ok, "a call in progress keeps its connection open past the idle timeout");
    assert.equal(busy.closed, false);
    await goodCalls(busy, 4, 2);
    // Once quiet, the busy connection goes too.
    await within(busy.wait(), 3000, "busy client closed once idle");
    await h.expectIdle(0);
  });

  it("maxConnections: the connection over the limit gets RESOURCE_EXHAUSTED, then is closed", async (t) => {
    const h = await Harness.start(t, { maxConnections: 2 });
    const a = await h.client();
    const b = await h.client();
    await goodCalls(a, 2, 1);
    await goodCalls(b, 2, 1);
    const c = await h.client();
    const r = await settle(c.unary(TestMethods.echo, msg()));
    assertFailed(r, Code.ResourceExhausted, "ttrpc: server connection limit (2) reached");
    await within(c.wait(), 3000, "refused connection closed");
    assert.equal(h.server.connectionCount, 2);
    a.close();
    await waitFor(() => h.server.connectionCount === 1, 3000, "a's connection gone");
    const d = await h.client();
    await goodCalls(d, 4, 2);
    await goodCalls(b, 4, 2);
    await h.expectIdle(2);
  });

  it("maxConcurrentStreams: calls over the per-connection limit get RESOURCE_EXHAUSTED", async (t) => {
    const h = await Harness.start(t, { maxConcurrentStreams: 4 });
    const a = await h.client();
    const b = await h.client();
    const slow = Array.from({ length: 4 }, (_, i) => a.unary<Msg, Msg>(TestMethods.echo, msg({ id: i + 1, delayMs: 400 })));
    await waitFor(() => h.server.activeCalls === 4, 3000, "4 calls running");
    const text = "ttrpc: too many concurrent streams on this connection (limit 4)";
    assertFailed(await settle(a.unary(TestMethods.echo, msg())), Code.ResourceExhausted, text);
    assertFailed(await settle(collect(a.serverStream(TestMethods.ticks, msg({ count: 2 })))), Code.ResourceExhausted, text);
    // Another connection has its own budget.
    await goodCalls(b, 8, 4);
    const done = await Promise.all(slow);
    assert.deepEqual(
      done.map((m) => m.id),
      [1, 2, 3, 4],
    );
    await goodCalls(a, 8, 4);
    await h.expectIdle(2);
  });

  it("thousands of streams opened and never read cannot exhaust server memory", async (t) => {
    // The default of 1000 calls per connection bounds them.
    const h = await Harness.start(t);
    const good = await h.client();
    const raw = await h.raw();
    // Pause reading at once: nothing the server sends is ever consumed.
    raw.socket.pause();
    const payload = encodeMsg(msg({ count: 0, data: new Uint8Array(1024) }));
    const before = await retainedBytes();
    const frames: Buffer[] = [];
    for (let i = 0; i < 3000; i++) frames.push(requestFrame(2 * i + 1, "Ticks", payload, 0x01));
    // Not awaited: a server may stop reading from a peer that never reads.
    void raw.write(Buffer.concat(frames));
    // At most maxConcurrentStreams (1000) start; the rest are refused.
    await waitFor(
      () => h.server.activeCalls > 0,
      10_000,
      () => `streams open (${h.server.activeCalls})`,
    );
    await sleep(300);
    const open = h.server.activeCalls;
    t.diagnostic(`${open} of 3000 streams started while the peer read nothing`);
    assert.ok(open <= 1000, `${open} streams started for a peer that reads nothing`);
    const calling = keepCalling(good);
    await sleep(500);
    const grown = (await retainedBytes()) - before;
    assert.ok((await calling.stop()) > 0, "the good client made calls");
    t.diagnostic(`3000 unread 1 KiB streams: retained memory +${(grown / MiB).toFixed(1)} MiB`);
    // Each stream's handler is parked on back-pressure with at most one message written past it.
    assert.ok(grown < 64 * MiB, `server memory grew by ${(grown / MiB).toFixed(1)} MiB for 3000 unread 1 KiB streams`);
    await raw.destroy();
    await h.expectIdle(1, 5000);
  });

  it("a client that pipelines requests and never reads the answers cannot make the server buffer them all", async (t) => {
    const baseline = resourceCounts();
    const server = new Server();
    server.register(TestService, testImpl());
    const sockets: net.Socket[] = [];
    const listener = net.createServer((s) => {
      sockets.push(s);
      server.serve(s);
    });
    const path = socketPath();
    await new Promise<void>((resolve) => listener.listen(path, resolve));
    const raw = await RawPeer.connect(path);
    t.after(async () => {
      await raw.destroy();
      await server.close();
      await new Promise((resolve) => listener.close(resolve));
    });
    raw.socket.pause();
    // 20,000 Echo calls carrying 4 KiB each: 80 MiB of answers nobody reads.
    const payload = encodeMsg(msg({ data: new Uint8Array(4096) }));
    let sent = 0;
    let maxBuffered = 0;
    let stalls = 0;
    const deadline = Date.now() + 10_000;
    for (let batch = 0; batch < 100 && Date.now() < deadline; batch++) {
      const frames: Buffer[] = [];
      for (let i = 0; i < 200; i++) frames.push(requestFrame(2 * ++sent - 1, "Echo", payload));
      // Sending stalls when the server stops reading: that is the back-pressure.
      const flushed = await Promise.race([raw.write(Buffer.concat(frames)).then(() => true), sleep(200).then(() => false)]);
      maxBuffered = Math.max(maxBuffered, sockets[0]?.writableLength ?? 0);
      if (!flushed && ++stalls >= 3) break;
    }
    await sleep(200);
    maxBuffered = Math.max(maxBuffered, sockets[0]?.writableLength ?? 0);
    t.diagnostic(`${sent} pipelined requests, answers never read: server buffered at most ${(maxBuffered / MiB).toFixed(1)} MiB`);
    assert.ok(
      maxBuffered < 16 * MiB,
      `the server buffered ${(maxBuffered / MiB).toFixed(1)} MiB of unread answers (writableLength) for ${sent} pipelined requests`,
    );
    await raw.destroy();
    await server.close();
    await new Promise((resolve) => listener.close(resolve));
    await expectResourcesAtBaseline(baseline);
  });
});
