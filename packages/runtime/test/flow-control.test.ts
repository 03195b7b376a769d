// Flow control (PROTOCOL.md §8): one stream nobody reads must not stall the connection. Its
// bounded buffer fails it after streamBufferTimeoutMs; the other calls on
// the same connection go on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code } from "@ttrpc-ts/runtime";
import { encodeFrame, FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import { PartSchema, SumSchema } from "./support/gen/streaming_pb.js";
import { connectFake, startServer } from "./support/harness.js";
import { collect, deferred, failure, forever, isStatus, Pushable, quiet, sleep, until, within } from "./support/util.js";
import { hex, STREAMING } from "./support/wire.js";

const part = (add: number) => toBinary(PartSchema, create(PartSchema, { add }));

describe("client side: an unread stream", { timeout: 30_000 }, () => {
  it("does not block a unary call and another stream on the same connection; it then fails with `ttrpc: stream buffer full`", async (t) => {
    const h = await startServer(t);
    const { client, svc } = await h.streaming({ streamBufferSize: 2, streamBufferTimeoutMs: 300 });

    // A bidi stream that keeps getting answers nobody reads.
    const requests = new Pushable<{ seq: number; msg: string }>();
    for (let i = 0; i < 50; i++) requests.push({ seq: i, msg: "unread" });
    const unread = svc.echoStream(requests)[Symbol.asyncIterator]();
    assert.equal((await unread.next()).value?.seq, 1, "opened (one message read)");
    await sleep(50);

    const started = Date.now();
    const unary = svc.echo({ seq: 7 });
    const other = collect(
      svc.echoStream(
        (async function* () {
          for (let i = 0; i < 20; i++) yield { seq: i, msg: "read" };
        })(),
      ),
    );
    const [u, o] = await within(Promise.all([unary, other]), 10_000, "the other calls");
    const took = Date.now() - started;
    t.diagnostic(`other calls completed after ${took} ms (buffer timeout 300 ms)`);
    assert.equal(u.seq, 8);
    assert.equal(o.length, 20);

    const e = await within(
      failure(async () => {
        for (;;) if ((await unread.next()).done) break;
      }),
      5000,
      "the unread stream to fail",
    );
    assert.equal(e.code, Code.ResourceExhausted);
    assert.equal(e.rawMessage, "ttrpc: stream buffer full");
    requests.end();
    await until(() => client.activeCalls === 0, 3000, "no call left on the client");
    // The connection itself is fine.
    assert.equal((await svc.echo({ seq: 1 })).seq, 2);
  });

  it("a server stream nobody reads fails the same way; the connection keeps working", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming({ streamBufferSize: 2, streamBufferTimeoutMs: 200 });
    // Far more than fits in the socket buffers, so it cannot all arrive before reading pauses.
    const it = svc.divideStream({ sum: 100000, num: 100000 })[Symbol.asyncIterator]();
    await it.next();
    await sleep(400);
    assert.equal((await within(svc.echo({ seq: 1 }), 5000, "echo")).seq, 2);
    await within(
      assert.rejects(
        (async () => {
          for (;;) if ((await it.next()).done) break;
        })(),
        isStatus(Code.ResourceExhausted, "ttrpc: stream buffer full"),
      ),
      5000,
      "the unread stream to fail",
    );
  });

  it("a stream that arrived whole before anyone read it is delivered whole (nothing was held up)", async (t) => {
    const h = await startServer(t);
    // The buffer holds the whole stream: its close is read, nothing waits on the reader.
    const { svc } = await h.streaming({ streamBufferSize: 16, streamBufferTimeoutMs: 100 });
    const it = svc.divideStream({ sum: 10, num: 10 })[Symbol.asyncIterator]();
    await it.next();
    await sleep(300);
    let n = 1;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      n++;
    }
    assert.equal(n, 12);
  });

  it("a reader that keeps making progress is not failed, even after a burst larger than the buffer (Go's rule)", async (t) => {
    const { peer, svc } = await connectFake(t, { streamBufferSize: 2, streamBufferTimeoutMs: 300 });
    const got: number[] = [];
    const all = deferred();
    const reading = (async () => {
      for await (const p of svc.divideStream({})) {
        got.push(p.add);
        if (got.length === 30) all.resolve();
        await sleep(20);
      }
    })();
    const r = await peer.nextRequest();
    const id = r.frame.streamId;
    // 30 messages in one write: one socket chunk, far over the buffer of 2.
    const frames = [];
    for (let i = 1; i <= 30; i++) frames.push(encodeFrame(id, FrameType.Data, 0, part(i)));
    await peer.write(Buffer.concat(frames));
    const failed = quiet(reading);
    await within(Promise.race([all.promise, failed]), 10_000, "the reader to read the burst");
    await peer.data(id, FrameFlag.RemoteClosed | FrameFlag.NoData);
    await within(reading, 5000, "the reader");
    assert.equal(got.length, 30);
  });

  it("a slow reader that keeps making progress is not failed", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming({ streamBufferSize: 2, streamBufferTimeoutMs: 1000 });
    let n = 0;
    for await (const _ of svc.divideStream({ sum: 20, num: 20 })) {
      n++;
      await sleep(10);
    }
    assert.equal(n, 22);
  });
});

describe("server side: a client-streaming handler that stops reading", { timeout: 30_000 }, () => {
  it("fails with INVALID_ARGUMENT `data handling error: ttrpc: stream buffer full`; other calls proceed", async (t) => {
    let signal: AbortSignal | undefined;
    const h = await startServer(t, {
      server: { streamBufferSize: 2, streamBufferTimeoutMs: 300 },
      impl: {
        async sumStream(parts, ctx) {
          signal = ctx.signal;
          // Reads one message, then never again (without cancelling the stream).
          await parts[Symbol.asyncIterator]().next();
          await forever();
          return {};
        },
      },
    });
    const { svc } = await h.streaming();
    const stuck = quiet(
      svc.sumStream(
        (async function* () {
          // Keeps the stream open: the server cannot know no more is coming.
          for (let i = 0; i < 100; i++) yield { add: 1 };
          await forever();
        })(),
      ),
    );
    await until(() => signal !== undefined, 3000, "the handler to start");
    const other = await within(svc.echo({ seq: 3 }), 10_000, "a unary call on the same connection");
    assert.equal(other.seq, 4);
    const bidi = await within(
      collect(
        svc.echoStream(
          (async function* () {
            yield { seq: 1 };
          })(),
        ),
      ),
      10_000,
      "a stream on the same connection",
    );
    assert.equal(bidi.length, 1);
    await within(
      assert.rejects(stuck, isStatus(Code.InvalidArgument, "data handling error: ttrpc: stream buffer full")),
      10_000,
      "the stuck call to fail",
    );
    await until(() => signal?.aborted === true, 3000, "the handler's signal to abort");
  });

  it("on the wire: the error Response on that stream, later Data refused, the connection answers", async (t) => {
    const h = await startServer(t, {
      server: { streamBufferSize: 2, streamBufferTimeoutMs: 200 },
      impl: {
        async sumStream() {
          await forever();
          return {};
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    for (let i = 0; i < 5; i++) await raw.data(1, 0, part(i));
    const res = await raw.response(1, 5000);
    assert.equal(res.status?.code, Code.InvalidArgument);
    assert.equal(res.status?.message, "data handling error: ttrpc: stream buffer full");
    await raw.data(1, FrameFlag.RemoteClosed | FrameFlag.NoData);
    const after = await raw.response(1);
    assert.equal(after.status?.message, "StreamID is no longer active");
    await raw.request(3, { service: STREAMING, method: "Echo" });
    const echo = await raw.response(3);
    assert.equal(echo.status, undefined);
  });

  it("a handler that keeps reading is not failed after a burst larger than the buffer (Go's rule: the timeout measures progress)", async (t) => {
    let num = 0;
    const h = await startServer(t, {
      server: { streamBufferSize: 2, streamBufferTimeoutMs: 300 },
      impl: {
        async sumStream(parts) {
          for await (const _ of parts) {
            num++;
            await sleep(20);
          }
          return { num };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    // 30 messages in one write: one socket chunk, far over the buffer of 2.
    const frames = [];
    for (let i = 0; i < 30; i++) frames.push(encodeFrame(1, FrameType.Data, 0, part(1)));
    await raw.write(Buffer.concat(frames));
    await until(() => num === 30 || raw.frames.length > 0, 10_000, "the handler to read the burst");
    const early = raw.frames[0];
    assert.equal(early, undefined, `the stream ended early: ${early ? hex(early.payload) : ""}`);
    await raw.data(1, FrameFlag.RemoteClosed | FrameFlag.NoData);
    const res = await raw.response(1, 10_000);
    assert.equal(res.status, undefined, `a steady reader was failed: ${res.status?.message}`);
    assert.equal(fromBinary(SumSchema, res.payload).num, 30);
  });

  it("once the client has half-closed, a slow handler is not failed for what is still buffered", async (t) => {
    const h = await startServer(t, {
      server: { streamBufferSize: 2, streamBufferTimeoutMs: 300 },
      impl: {
        async sumStream(parts) {
          let num = 0;
          for await (const _ of parts) {
            num++;
            await sleep(20);
          }
          return { num };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    // 30 messages and the close in one write: nothing more can come, nothing is held up.
    const frames = [];
    for (let i = 0; i < 30; i++) frames.push(encodeFrame(1, FrameType.Data, 0, part(1)));
    frames.push(encodeFrame(1, FrameType.Data, FrameFlag.RemoteClosed | FrameFlag.NoData, new Uint8Array(0)));
    await raw.write(Buffer.concat(frames));
    const res = await raw.response(1, 10_000);
    assert.equal(res.status, undefined, `failed after the client had closed: ${res.status?.message}`);
    assert.equal(fromBinary(SumSchema, res.payload).num, 30);
  });
});

describe("default-valued messages", { timeout: 30_000 }, () => {
  it("zero-length Data frames are delivered as messages in both directions", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    const sum = await svc.sumStream(
      (async function* () {
        yield {};
        yield { add: 5 };
        yield {};
      })(),
    );
    assert.deepEqual([sum.sum, sum.num], [5, 3]);
    const parts = await collect(svc.divideStream({ sum: 0, num: 3 }));
    assert.deepEqual(
      parts.map((p) => p.add),
      [0, 0, 0, 0, 0],
    );
    const empties = await collect(
      svc.echoNullStream(
        (async function* () {
          yield {};
          yield {};
        })(),
      ),
    );
    assert.equal(empties.length, 20);
  });
});
