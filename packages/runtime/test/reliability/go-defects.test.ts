// The crashes, leaks and deadlocks of the Go and Rust implementations
// (the ones PROTOCOL.md §9 lists, and more), each reproduced against our server and client:
// we must survive every one.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code } from "@ttrpc-ts/runtime";
import { encodeFrame, encodeFrameHeader, FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import { assertFailed } from "../support/errors.js";
import { goodCalls } from "../support/good-client.js";
import { Harness } from "../support/harness.js";
import { encodeMsg, type Msg, msg, requestFrame, TestMethods, testRequestBody } from "../support/test-service.js";
import { collect, settle, sleep, waitFor, within } from "../support/wait.js";

describe("Go and Rust defects we must survive", () => {
  it("§1.21.1: a Data frame on a running unary call's id is refused, the server lives on", async (t) => {
    const h = await Harness.start(t);
    const raw = await h.raw();
    await raw.write(requestFrame(1, "Echo", encodeMsg(msg({ delayMs: 300 }))));
    await waitFor(() => h.server.activeCalls === 1, 3000, "unary running");
    await raw.write(encodeFrame(1, FrameType.Data, 0, encodeMsg(msg({ id: 5 }))));
    const res = await raw.waitResponse(1);
    assert.equal(res.response?.status?.code, Code.InvalidArgument);
    const good = await h.client();
    await goodCalls(good, 20, 4);
    await h.expectIdle(2);
  });

  it("§1.21.3 / #172: a response over the limit fails that call only; the connection stays up", async (t) => {
    const h = await Harness.start(t, { maxMessageSize: 1024 });
    const c = await h.client();
    const r = await settle(c.unary(TestMethods.echo, msg({ count: 4096 })));
    assertFailed(r, Code.ResourceExhausted, /^message length \d+ exceed maximum message size of 1024$/);
    const s = await settle(collect(c.serverStream(TestMethods.ticks, msg({ count: 3, seq: 4096 }))));
    assertFailed(s, Code.ResourceExhausted, /^message length \d+ exceed maximum message size of 1024$/);
    assert.equal(c.closed, false);
    await goodCalls(c, 10, 2);
    await h.expectIdle(1);
  });

  it("§1.21.5: a request over the client's limit is refused locally and leaves no stream entry", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client({ maxMessageSize: 1024 });
    const r = await settle(c.unary(TestMethods.echo, msg({ data: new Uint8Array(2000) })));
    assertFailed(r, Code.ResourceExhausted, /exceed maximum message size of 1024/);
    assert.equal(c.activeCalls, 0);
    const chunks = async function* (): AsyncIterable<Msg> {
      yield msg({ data: new Uint8Array(10) });
      yield msg({ data: new Uint8Array(2000) });
    };
    assertFailed(await settle(c.clientStream(TestMethods.sum, chunks())), Code.ResourceExhausted, /exceed maximum message size of 1024/);
    assert.equal(c.activeCalls, 0);
    await goodCalls(c, 5, 1);
    await h.expectIdle(1);
  });

  it("§1.21.6: refused requests never move the active-call count (shutdown is not held up)", async (t) => {
    const h = await Harness.start(t, { maxConcurrentStreams: 1 });
    const raw = await h.raw();
    const frames = [
      encodeFrame(2, FrameType.Request, 0, testRequestBody("Echo")), // even id
      encodeFrame(0, FrameType.Request, 0, testRequestBody("Echo")), // id 0
      encodeFrame(1, FrameType.Request, 0, testRequestBody("Svc", undefined, "no.Such")), // unknown service
      encodeFrame(3, FrameType.Request, 0, testRequestBody("Nope")), // unknown method
      encodeFrame(5, FrameType.Request, 0, Buffer.from([0x0a, 0xff, 0xff])), // not a protobuf
      encodeFrame(7, FrameType.Request, 0, new Uint8Array(0)), // zero-length Request
      encodeFrame(9, FrameType.Request, 0, testRequestBody("Echo", Buffer.from([0xff]))), // payload that will not decode
      encodeFrame(11, FrameType.Request, 0, testRequestBody("Echo", encodeMsg(msg({ delayMs: 200 })))), // takes the one slot
      encodeFrame(13, FrameType.Request, 0, testRequestBody("Echo")), // over maxConcurrentStreams
      encodeFrame(7, FrameType.Request, 0, testRequestBody("Echo")), // reused id
      encodeFrame(101, FrameType.Data, 0, new Uint8Array(0)), // data for an unknown stream
      encodeFrame(15, 0x07, 0, new Uint8Array(3)), // unknown type: ignored
    ];
    await raw.write(Buffer.concat(frames));
    await raw.waitFrame((f) => f.streamId === 11, 3000, "the one real call");
    const texts = raw.frames.map((f) => `${f.streamId}:${f.response?.status?.code ?? 0}:${f.response?.status?.message ?? ""}`);
    assert.match(texts[4] ?? "", /^5:3:unmarshal request error: /);
    assert.match(texts[6] ?? "", /^9:13:ttrpc: error unmarshalling payload: /);
    assert.deepEqual(
      texts.filter((_, i) => i !== 4 && i !== 6),
      [
        "2:3:StreamID must be odd for client initiated streams",
        "0:3:StreamID must be odd for client initiated streams",
        "1:12:service no.Such",
        "3:12:method Nope",
        "7:12:service ",
        "13:8:ttrpc: too many concurrent streams on this connection (limit 1)",
        "7:3:StreamID cannot be re-used and must increment",
        "101:3:StreamID is no longer active",
        "11:0:",
      ],
    );
    await h.expectIdle(1);
    const start = Date.now();
    await raw.destroy();
    await within(h.server.shutdown(), 3000, "shutdown with nothing in flight");
    assert.ok(Date.now() - start < 1500);
  });

  it("#236: many fast calls on many connections leave no stream entry behind", async (t) => {
    const h = await Harness.start(t);
    const clients = await Promise.all(Array.from({ length: 4 }, () => h.client()));
    await Promise.all(clients.map((c) => goodCalls(c, 2500, 32)));
    await Promise.all(clients.map((c) => collect(c.serverStream(TestMethods.ticks, msg({ count: 50 })))));
    assert.equal(h.server.activeCalls, 0);
    await h.expectIdle(4);
  });

  it("#229/#235: a stream nobody reads does not stall the other calls on its connection", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client({ streamBufferTimeoutMs: 500 });
    const it = c.serverStream<Msg, Msg>(TestMethods.ticks, msg({ count: 0, data: new Uint8Array(256) }))[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.seq, 1);
    // Never read again. Other calls on the same connection go on.
    const start = Date.now();
    await goodCalls(c, 200, 8);
    t.diagnostic(`200 calls next to an unread stream took ${Date.now() - start} ms`);
    await sleep(700);
    const rest = await settle(
      (async () => {
        for (;;) if ((await it.next()).done) return;
      })(),
    );
    assertFailed(rest, Code.ResourceExhausted, "ttrpc: stream buffer full");
    await goodCalls(c, 20, 4);
    c.close();
    await h.expectIdle(0);
  });

  it("rust#311: the last Data frames of many concurrent streams are neither lost nor reordered", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client();
    const streams = await Promise.all(
      Array.from({ length: 50 }, (_, i) => collect(c.serverStream<Msg, Msg>(TestMethods.ticks, msg({ id: i, count: 300 })))),
    );
    streams.forEach((s, i) => {
      assert.equal(s.length, 300);
      s.forEach((m, j) => {
        assert.equal(m.seq, j + 1);
        assert.equal(m.id, i);
      });
    });
    await h.expectIdle(1);
  });

  it("#126 / rust#169: empty (all-default) messages are delivered in both directions", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client();
    const empties = async function* (): AsyncIterable<Msg> {
      for (let i = 0; i < 100; i++) yield msg();
    };
    const echoed = await collect(c.bidiStream<Msg, Msg>(TestMethods.chat, empties()));
    assert.equal(echoed.length, 100);
    const sum = await c.clientStream<Msg, Msg>(TestMethods.sum, empties());
    assert.equal(sum.count, 100);
    await h.expectIdle(1);
  });

  it("§1.2: the reserved first length byte takes the oversize path and is drained (rust#198)", async (t) => {
    const h = await Harness.start(t);
    const raw = await h.raw();
    const body = Buffer.alloc(0x1000010);
    await raw.write(Buffer.concat([encodeFrameHeader(body.length, 1, FrameType.Request, FrameFlag.RemoteClosed), body]));
    await raw.write(requestFrame(3, "Echo", encodeMsg(msg({ id: 3 }))));
    const ok = await raw.waitResponse(3);
    assert.equal(ok.response?.status, undefined);
    assert.equal((await raw.waitResponse(1)).response?.status?.code, Code.ResourceExhausted);
    await h.expectIdle(1);
  });

  it("a handler still reading its client stream is released when the call fails (deadline)", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client();
    const slow = async function* (): AsyncIterable<Msg> {
      yield msg();
      await new Promise(() => {});
    };
    const r = await settle(collect(c.bidiStream(TestMethods.chat, slow(), { timeoutMs: 200 })));
    assertFailed(r, Code.DeadlineExceeded);
    const s = await settle(c.clientStream(TestMethods.sum, slow(), { timeoutMs: 200 }));
    assertFailed(s, Code.DeadlineExceeded);
    // The server ended both calls at their deadline; their handlers, blocked
    // reading the input stream, must end too rather than wait forever.
    await h.expectIdle(1, 2000);
  });
});
