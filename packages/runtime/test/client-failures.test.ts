// Our client against a fake raw server: what it sends, and how it fails
// when the server misbehaves, disappears, or is too slow.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import * as net from "node:net";
import { describe, it } from "node:test";
import { create, type DescMethod, toBinary } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import { Code, connect, createClient, TtrpcError } from "@ttrpc-ts/runtime";
import { FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import { EchoPayloadSchema, PartSchema } from "./support/gen/streaming_pb.js";
import { connectFake, Streaming } from "./support/harness.js";
import { Snake } from "./support/snake-service.js";
import { makeStaleSocket } from "./support/sockets.js";
import { collect, failure, forever, isStatus, Pushable, quiet, sleep, tempDir, within } from "./support/util.js";
import { responseBody } from "./support/wire.js";

const echo = (seq: number, msg = "") => toBinary(EchoPayloadSchema, create(EchoPayloadSchema, { seq, msg }));
const part = (add: number) => toBinary(PartSchema, create(PartSchema, { add }));
const RC_ND = FrameFlag.RemoteClosed | FrameFlag.NoData;
const ok = (payload?: Uint8Array) => responseBody(payload === undefined ? {} : { payload });

describe("dropped connections", { timeout: 30_000 }, () => {
  it("server socket destroyed mid-call: every pending call rejects at once with UNAVAILABLE, later calls at once, onClose once", async (t) => {
    const closes: TtrpcError[] = [];
    const { client, peer, svc } = await connectFake(t, { onClose: (e) => closes.push(e) });
    const extra: TtrpcError[] = [];
    client.onClose((e) => extra.push(e));
    const pending = [svc.echo({ seq: 1 }), svc.echo({ seq: 2 }), svc.echo({ seq: 3 }, { timeoutMs: 60_000 })];
    const stream = quiet(collect(svc.divideStream({ sum: 1, num: 1 })));
    const bidi = quiet(collect(svc.echoStream((async function* () {})())));
    for (let i = 0; i < 5; i++) await peer.next();
    const settled = Promise.allSettled([...pending, stream, bidi]);
    peer.destroy();
    const results = await within(settled, 3000, "pending calls to fail");
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof TtrpcError);
      assert.equal(r.reason.code, Code.Unavailable, r.reason.message);
    }
    assert.equal(client.closed, true);
    assert.equal(client.activeCalls, 0);
    await within(assert.rejects(svc.echo({ seq: 4 }), isStatus(Code.Unavailable)), 1000, "a call on a closed client");
    await assert.rejects(collect(svc.divideStream({ num: 0 })), isStatus(Code.Unavailable));
    await sleep(50);
    assert.equal(closes.length, 1, "onClose option called once");
    assert.equal(extra.length, 1, "onClose listener called once");
    assert.equal(closes[0]?.code, Code.Unavailable);
    // Registering after the close still gets called, once.
    const late = await within(client.wait(), 1000, "wait() after close");
    assert.equal(late.code, Code.Unavailable);
  });

  it("the server ending the connection cleanly (EOF) closes the client too", async (t) => {
    const { client, peer } = await connectFake(t);
    peer.socket.end();
    const err = await within(client.wait(), 3000, "client close");
    assert.equal(err.code, Code.Unavailable);
    assert.equal(client.closed, true);
  });

  it("close() fails calls in progress with UNAVAILABLE `ttrpc: client closed` and refuses later ones", async (t) => {
    let closes = 0;
    const { client, peer, svc } = await connectFake(t, { onClose: () => closes++ });
    const p = quiet(svc.echo({ seq: 1 }));
    const s = quiet(collect(svc.echoStream((async function* () {})())));
    await peer.next();
    await peer.next();
    const checks = [
      assert.rejects(p, isStatus(Code.Unavailable, "ttrpc: client closed")),
      assert.rejects(s, isStatus(Code.Unavailable, "ttrpc: client closed")),
    ];
    client.close();
    client.close();
    await Promise.all(checks);
    await assert.rejects(svc.echo({ seq: 2 }), isStatus(Code.Unavailable));
    await peer.closed;
    await sleep(20);
    assert.equal(closes, 1);
  });
});

describe("deadlines and cancellation", { timeout: 30_000 }, () => {
  it("the client deadline fires first: DEADLINE_EXCEEDED; the late reply is dropped quietly; the connection still works", async (t) => {
    const { client, peer, svc } = await connectFake(t);
    const p = assert.rejects(svc.echo({ seq: 1 }, { timeoutMs: 150 }), isStatus(Code.DeadlineExceeded));
    const req = await peer.nextRequest();
    await p;
    assert.equal(client.activeCalls, 0);
    await peer.send(req.frame.streamId, FrameType.Response, 0, ok(echo(2)));
    await peer.send(req.frame.streamId, FrameType.Data, 0, echo(3));
    const q = quiet(svc.echo({ seq: 5 }));
    const r2 = await peer.nextRequest();
    await peer.send(r2.frame.streamId, FrameType.Response, 0, ok(echo(6)));
    assert.equal((await q).seq, 6);
    assert.equal(client.closed, false);
  });

  it("a deadline already passed fails at once with DEADLINE_EXCEEDED and sends nothing", async (t) => {
    const { peer, svc } = await connectFake(t);
    await assert.rejects(svc.echo({ seq: 1 }, { deadline: Date.now() - 1000 }), isStatus(Code.DeadlineExceeded));
    await assert.rejects(collect(svc.divideStream({}, { deadline: new Date(Date.now() - 1000) })), isStatus(Code.DeadlineExceeded));
    await peer.expectQuiet(100);
  });

  it("an aborted call rejects CANCELLED; an already-aborted signal sends nothing", async (t) => {
    const { client, peer, svc } = await connectFake(t);
    const ac = new AbortController();
    const p = quiet(svc.echo({ seq: 1 }, { signal: ac.signal }));
    await peer.nextRequest();
    ac.abort();
    await assert.rejects(p, isStatus(Code.Canceled));
    assert.equal(client.activeCalls, 0);
    const done = new AbortController();
    done.abort();
    await assert.rejects(svc.echo({ seq: 1 }, { signal: done.signal }), isStatus(Code.Canceled));
    await peer.expectQuiet(100);
  });

  it("abort with a TtrpcError reason rejects with that error", async (t) => {
    const { peer, svc } = await connectFake(t);
    const ac = new AbortController();
    const p = quiet(svc.echo({ seq: 1 }, { signal: ac.signal }));
    await peer.nextRequest();
    ac.abort(new TtrpcError("stop now", Code.Aborted));
    await assert.rejects(p, isStatus(Code.Aborted, "stop now"));
  });

  it("timeout_nano on the wire comes from timeoutMs, deadline, or defaultTimeoutMs; none sends 0", async (t) => {
    const { peer, svc } = await connectFake(t, { defaultTimeoutMs: 80_000 });
    const answer = async () => {
      const r = await peer.nextRequest();
      await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
      return Number(r.timeoutNano);
    };
    const calls = [
      svc.echo({}, { timeoutMs: 5000 }),
      svc.echo({}, { deadline: new Date(Date.now() + 60_000) }),
      svc.echo({}),
      svc.echo({}, { timeoutMs: 5000, deadline: Date.now() + 1000 }),
    ];
    const [fromTimeout, fromDeadline, fromDefault, earlier] = [await answer(), await answer(), await answer(), await answer()];
    await Promise.all(calls);
    assert.ok(fromTimeout > 4e9 && fromTimeout <= 5e9, `timeoutMs 5000 → ${fromTimeout}`);
    assert.ok(fromDeadline > 50e9 && fromDeadline <= 60e9, `deadline +60 s → ${fromDeadline}`);
    assert.ok(fromDefault > 70e9 && fromDefault <= 80e9, `default 80 s → ${fromDefault}`);
    assert.ok(earlier > 0 && earlier <= 1e9, `earlier of the two → ${earlier}`);

    const { peer: p2, svc: s2 } = await connectFake(t);
    const c = s2.echo({});
    const r = await p2.nextRequest();
    assert.equal(Number(r.timeoutNano), 0);
    await p2.send(r.frame.streamId, FrameType.Response, 0, ok());
    await c;
  });

  it("defaultTimeoutMs applies only to calls that set no timeout: an explicit later deadline is kept", async (t) => {
    const { peer, svc } = await connectFake(t, { defaultTimeoutMs: 1000 });
    const p = quiet(svc.echo({}, { deadline: Date.now() + 60_000 }));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
    const ns = Number(r.timeoutNano);
    assert.ok(ns > 50e9 && ns <= 60e9, `deadline +60 s with a 1 s default → ${ns / 1e9} s`);
  });

  it("streams send timeout_nano and metadata too (unlike Go's NewStream)", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(collect(svc.divideStream({ num: 1 }, { timeoutMs: 5000, metadata: { "X-Id": "7" } })));
    const r = await peer.nextRequest();
    assert.ok(Number(r.timeoutNano) > 4e9);
    assert.deepEqual(
      r.metadata.map((kv) => [kv.key, kv.value]),
      [["x-id", "7"]],
    );
    await peer.send(r.frame.streamId, FrameType.Data, RC_ND);
    await s;
  });

  it("a stream whose deadline passes fails DEADLINE_EXCEEDED, and a client stream half-closes", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(
      collect(
        svc.echoStream(
          (async function* () {
            yield { seq: 1 };
            await forever();
          })(),
          { timeoutMs: 200 },
        ),
      ),
    );
    const open = await peer.nextRequest();
    const id = open.frame.streamId;
    assert.equal((await peer.next(id)).flags, 0);
    await assert.rejects(s, isStatus(Code.DeadlineExceeded));
    const close = await peer.next(id);
    assert.equal(close.type, FrameType.Data);
    assert.equal(close.flags, RC_ND);
  });

  it("an aborted stream rejects CANCELLED", async (t) => {
    const { peer, svc } = await connectFake(t);
    const ac = new AbortController();
    const it = svc.divideStream({ num: 5 }, { signal: ac.signal })[Symbol.asyncIterator]();
    const first = it.next();
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Data, 0, part(1));
    assert.equal((await first).value?.add, 1);
    ac.abort();
    await assert.rejects(it.next(), isStatus(Code.Canceled));
  });
});

describe("what the client puts on the wire", { timeout: 30_000 }, () => {
  it("stream ids are odd and strictly increasing on the wire under many concurrent calls", async (t) => {
    const { peer, svc } = await connectFake(t);
    const n = 300;
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < n; i++) {
      if (i % 10 === 3) calls.push(collect(svc.divideStream({ num: i })));
      else if (i % 10 === 7) calls.push(svc.sumStream((async function* () {})()));
      else calls.push(svc.echo({ seq: i }));
    }
    const ids: number[] = [];
    while (ids.length < n) {
      const f = await peer.next();
      if (f.type !== FrameType.Request) continue;
      ids.push(f.streamId);
      if (f.flags === FrameFlag.RemoteClosed) await peer.send(f.streamId, FrameType.Data, RC_ND);
      else await peer.send(f.streamId, FrameType.Response, 0, ok());
    }
    await Promise.all(calls);
    for (let i = 0; i < n; i++) assert.equal(ids[i], 1 + 2 * i, `request #${i}`);
  });

  it("metadata keys go out in lower case, every value as its own KeyValue", async (t) => {
    const { peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}, { metadata: { "X-Trace-ID": ["a", "b"], Foo: "bar" } }));
    const r = await peer.nextRequest();
    assert.deepEqual(
      r.metadata.map((kv) => [kv.key, kv.value]),
      [
        ["x-trace-id", "a"],
        ["x-trace-id", "b"],
        ["foo", "bar"],
      ],
    );
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
  });

  it("a request of the wrong type is refused locally with INVALID_ARGUMENT; nothing is sent", async (t) => {
    const { peer, svc } = await connectFake(t);
    const wrong = create(PartSchema, { add: 1 }) as never;
    // Bounded: a client that sent these anyway would wait for an answer forever.
    await within(assert.rejects(svc.echo(wrong), isStatus(Code.InvalidArgument, /unsupported message type/)), 2000, "echo(Part)");
    await within(assert.rejects(svc.echo("text" as never), isStatus(Code.InvalidArgument)), 2000, "echo(string)");
    await within(assert.rejects(collect(svc.divideStream(wrong)), isStatus(Code.InvalidArgument)), 2000, "divideStream(Part)");
    await peer.expectQuiet(100);
    const s = quiet(
      svc.sumStream(
        (async function* () {
          yield { add: 1 };
          yield create(EchoPayloadSchema, { seq: 1 }) as never;
        })(),
      ),
    );
    const r = await peer.nextRequest();
    assert.equal((await peer.next(r.frame.streamId)).flags, 0);
    assert.equal((await peer.next(r.frame.streamId)).flags, RC_ND, "the bad message is not sent; the stream is half-closed");
    await within(assert.rejects(s, isStatus(Code.InvalidArgument)), 2000, "the stream to fail");
  });

  it("an oversize request is refused locally with RESOURCE_EXHAUSTED; nothing is sent; the connection stays up", async (t) => {
    const { client, peer, svc } = await connectFake(t);
    const e = await failure(svc.echo({ msg: "x".repeat(4 << 20) }));
    assert.equal(e.code, Code.ResourceExhausted);
    assert.match(e.rawMessage, /^message length 41943\d\d exceed maximum message size of 4194304$/);
    await peer.expectQuiet(100);
    assert.equal(client.activeCalls, 0);
    const p = quiet(svc.echo({ seq: 1 }));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok(echo(2)));
    assert.equal((await p).seq, 2);
  });

  it("an oversize streamed message fails the stream locally and half-closes", async (t) => {
    const { peer, svc } = await connectFake(t);
    const big = quiet(
      collect(
        svc.echoStream(
          (async function* () {
            yield { msg: "x".repeat(5 << 20) };
          })(),
        ),
      ),
    );
    const r2 = await peer.nextRequest();
    await assert.rejects(big, isStatus(Code.ResourceExhausted, /^message length 52428\d\d exceed maximum message size of 4194304$/));
    const close = await peer.next(r2.frame.streamId);
    assert.equal(close.flags, RC_ND, "a CloseSend, not the oversize message");
  });

  it("a request iterable that throws fails the call with its message and half-closes", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(
      svc.sumStream(
        (async function* () {
          yield { add: 1 };
          throw new Error("source broke");
        })(),
      ),
    );
    const failed = failure(s);
    const r = await peer.nextRequest();
    assert.equal((await peer.next(r.frame.streamId)).flags, 0);
    assert.equal((await peer.next(r.frame.streamId)).flags, RC_ND);
    const e = await failed;
    assert.equal(e.rawMessage, "source broke");
  });

  it("snake_case methods go out under their proto name (`do_thing`), through createClient and Client.unary", async (t) => {
    const { client, peer } = await connectFake(t);
    const snake = createClient(Snake, client) as unknown as Record<string, (req: object) => Promise<unknown>>;
    assert.equal(typeof snake.do_thing, "function");
    const p = quiet((snake.do_thing as (req: object) => Promise<unknown>)({ value: "x" }));
    const r = await peer.nextRequest();
    assert.equal(r.service, "testing.snake.v1.Snake");
    assert.equal(r.method, "do_thing");
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
    const s = quiet(collect(client.serverStream(Snake.methods[1] as DescMethod, { value: "y" })));
    const r2 = await peer.nextRequest();
    assert.equal(r2.method, "stream_things");
    await peer.send(r2.frame.streamId, FrameType.Data, RC_ND);
    await s;
  });

  it("streamOpenFlags 0x06 opens client streams like Rust", async (t) => {
    const { peer, svc } = await connectFake(t, { streamOpenFlags: 0x06 });
    const s = quiet(svc.sumStream((async function* () {})()));
    const r = await peer.nextRequest();
    assert.equal(r.frame.flags, 0x06);
    await peer.next(r.frame.streamId);
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await s;
  });

  it("breaking out of a server stream stops listening: later frames for it are dropped", async (t) => {
    const { client, peer, svc } = await connectFake(t);
    const r = (async () => {
      for await (const p of svc.divideStream({ num: 10 })) return p.add;
      return -1;
    })();
    const req = await peer.nextRequest();
    await peer.send(req.frame.streamId, FrameType.Data, 0, part(4));
    assert.equal(await r, 4);
    assert.equal(client.activeCalls, 0);
    await peer.send(req.frame.streamId, FrameType.Data, 0, part(5));
    await peer.send(req.frame.streamId, FrameType.Data, RC_ND);
    const p = quiet(svc.echo({}));
    const r2 = await peer.nextRequest();
    assert.equal(r2.frame.streamId, req.frame.streamId + 2);
    await peer.send(r2.frame.streamId, FrameType.Response, 0, ok());
    await p;
  });

  it("breaking out of a bidi stream half-closes it", async (t) => {
    const { peer, svc } = await connectFake(t);
    const r = (async () => {
      for await (const m of svc.echoStream((async function* () {})())) return m.seq;
      return -1;
    })();
    const req = await peer.nextRequest();
    const id = req.frame.streamId;
    assert.equal((await peer.next(id)).flags, RC_ND, "the empty request stream ends first");
    await peer.send(id, FrameType.Data, 0, echo(9));
    assert.equal(await r, 9);
  });
});

describe("what the client accepts", { timeout: 30_000 }, () => {
  it("a Response with Rust's explicit OK status `0a 00` is a success", async (t) => {
    const { peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Response, 0, Buffer.concat([Buffer.from([0x0a, 0x00]), ok(echo(3))]));
    assert.equal((await p).seq, 3);
  });

  it("error details survive", async (t) => {
    const { peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    const detail = anyPack(DurationSchema, create(DurationSchema, { seconds: 9n }));
    await peer.send(
      r.frame.streamId,
      FrameType.Response,
      0,
      responseBody({ code: Code.FailedPrecondition, message: "no", details: [detail] }),
    );
    const e = await failure(p);
    assert.equal(e.code, Code.FailedPrecondition);
    assert.equal(e.rawMessage, "no");
    assert.equal(e.findDetails(DurationSchema)[0]?.seconds, 9n);
  });

  it("an oversize frame for a call fails it with RESOURCE_EXHAUSTED (Go's text); the connection stays up", async (t) => {
    const { client, peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    await peer.sendHeader(4194305, r.frame.streamId, FrameType.Response, 0);
    await assert.rejects(p, isStatus(Code.ResourceExhausted, "message length 4194305 exceed maximum message size of 4194304"));
    await peer.write(Buffer.alloc(4194305));
    const q = quiet(svc.echo({ seq: 1 }));
    const r2 = await peer.nextRequest();
    await peer.send(r2.frame.streamId, FrameType.Response, 0, ok(echo(2)));
    assert.equal((await q).seq, 2);
    assert.equal(client.closed, false);
  });

  it("exactly 4 MiB is accepted", async (t) => {
    const { peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    // Response{payload: EchoPayload{msg}} of exactly 4194304 bytes.
    const build = (n: number) => ok(echo(0, "y".repeat(n)));
    const n = 4194304 - 64 + (4194304 - build(4194304 - 64).length);
    const body = build(n);
    assert.equal(body.length, 4194304);
    await peer.send(r.frame.streamId, FrameType.Response, 0, body);
    assert.equal((await p).msg.length, n);
  });

  it("frames for unknown ids are dropped quietly", async (t) => {
    const { client, peer, svc } = await connectFake(t);
    await peer.send(99, FrameType.Response, 0, ok());
    await peer.send(101, FrameType.Data, 0, echo(1));
    await peer.send(2, FrameType.Response, 0, ok());
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
    assert.equal(client.closed, false);
  });

  it('a Data frame on a unary call: INTERNAL `unexpected "data" message received: protocol error`', async (t) => {
    const { peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Data, 0, echo(1));
    await assert.rejects(p, isStatus(Code.Internal, 'unexpected "data" message received: protocol error'));
  });

  it("a Request or unknown-type frame on a live call is a protocol error", async (t) => {
    const { peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Request, 0);
    await assert.rejects(p, isStatus(Code.Internal, 'unexpected "request" message received: protocol error'));
    const s = quiet(collect(svc.divideStream({})));
    const r2 = await peer.nextRequest();
    await peer.send(r2.frame.streamId, 0x07, 0);
    await assert.rejects(s, isStatus(Code.Internal, 'unexpected "unknown" message received: protocol error'));
  });

  it("Data on a client-streaming call: `received data from non-streaming server: protocol error`", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(svc.sumStream((async function* () {})()));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Data, 0, part(1));
    await assert.rejects(s, isStatus(Code.Internal, "received data from non-streaming server: protocol error"));
  });

  it("a Response that is not a ttrpc.Response, or whose payload does not decode: INTERNAL", async (t) => {
    const { peer, svc } = await connectFake(t);
    const p = quiet(svc.echo({}));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Response, 0, Uint8Array.of(0x12, 0x40, 0x01));
    await assert.rejects(p, isStatus(Code.Internal, /^ttrpc: error unmarshalling response: /));
    const q = quiet(svc.echo({}));
    const r2 = await peer.nextRequest();
    await peer.send(r2.frame.streamId, FrameType.Response, 0, ok(Uint8Array.of(0x12, 0x09, 0x61)));
    await assert.rejects(q, isStatus(Code.Internal));
  });

  it("a streamed message that does not decode fails the stream with INTERNAL", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(collect(svc.divideStream({})));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Data, 0, Uint8Array.of(0x08));
    await assert.rejects(s, isStatus(Code.Internal, /^ttrpc: error unmarshalling payload: /));
  });

  it("server-streaming: zero-length Data is a default message; Data(RC) with a payload is the last message", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(collect(svc.divideStream({})));
    const r = await peer.nextRequest();
    const id = r.frame.streamId;
    await peer.send(id, FrameType.Data, 0);
    await peer.send(id, FrameType.Data, 0, part(2));
    await peer.send(id, FrameType.Data, FrameFlag.RemoteClosed, part(3));
    assert.deepEqual(
      (await s).map((p) => p.add),
      [0, 2, 3],
    );
  });

  it("server-streaming: messages before an error Response are delivered, then the error", async (t) => {
    const { peer, svc } = await connectFake(t);
    const got: number[] = [];
    const s = (async () => {
      for await (const p of svc.divideStream({})) got.push(p.add);
    })();
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Data, 0, part(1));
    await peer.send(r.frame.streamId, FrameType.Data, 0, part(2));
    await peer.send(r.frame.streamId, FrameType.Response, 0, responseBody({ code: Code.Aborted, message: "late" }));
    await assert.rejects(s, isStatus(Code.Aborted, "late"));
    assert.deepEqual(got, [1, 2]);
  });

  it("server-streaming: a Response with OK status ends the stream cleanly", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(collect(svc.divideStream({})));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Data, 0, part(1));
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    assert.equal((await s).length, 1);
  });

  it("client-streaming: the Response payload is the result; an empty Response is a default result", async (t) => {
    const { peer, svc } = await connectFake(t);
    const s = quiet(svc.sumStream((async function* () {})()));
    const r = await peer.nextRequest();
    await peer.next(r.frame.streamId);
    await peer.send(r.frame.streamId, FrameType.Response, 0);
    const sum = await s;
    assert.deepEqual([sum.sum, sum.num], [0, 0]);
  });

  it("client-streaming: the server may answer before the client finished sending; the rest is not sent", async (t) => {
    const { client, peer, svc } = await connectFake(t);
    let sent = 0;
    const s = quiet(
      svc.sumStream(
        (async function* () {
          for (;;) {
            sent++;
            yield { add: 1 };
            await sleep(5);
          }
        })(),
      ),
    );
    const r = await peer.nextRequest();
    await peer.next(r.frame.streamId);
    await peer.send(r.frame.streamId, FrameType.Response, 0, responseBody({ code: Code.InvalidArgument, message: "enough" }));
    await assert.rejects(s, isStatus(Code.InvalidArgument, "enough"));
    await sleep(50);
    const after = sent;
    await sleep(100);
    assert.ok(sent <= after + 1, `the request iterable is no longer pulled (${after} → ${sent})`);
    assert.equal(client.activeCalls, 0);
  });
});

describe("after a stream has ended", { timeout: 30_000 }, () => {
  for (const how of ["an error Response", "an OK Response"] as const) {
    it(`a client stream ended by the server with ${how}: nothing more is sent on it, not even a CloseSend`, async (t) => {
      const { peer, svc } = await connectFake(t);
      const requests = new Pushable<{ add: number }>();
      requests.push({ add: 1 });
      const s = quiet(svc.sumStream(requests));
      const r = await peer.nextRequest();
      const id = r.frame.streamId;
      assert.equal((await peer.next(id)).flags, 0);
      await peer.send(id, FrameType.Response, 0, how === "an OK Response" ? ok() : responseBody({ code: Code.Aborted, message: "enough" }));
      await s.catch(() => {});
      requests.push({ add: 2 });
      requests.end();
      await peer.expectQuiet(150, id);
    });
  }

  it("a bidi stream the server finished early: nothing more is sent on it (no requests, no CloseSend)", async (t) => {
    const { peer, svc } = await connectFake(t);
    const requests = new Pushable<{ seq: number }>();
    requests.push({ seq: 1 });
    const out = quiet(collect(svc.echoStream(requests)));
    const r = await peer.nextRequest();
    const id = r.frame.streamId;
    await peer.next(id);
    await peer.send(id, FrameType.Data, RC_ND);
    assert.deepEqual(await out, []);
    requests.push({ seq: 2 });
    requests.end();
    await peer.expectQuiet(150, id);
  });
});

describe("connect", { timeout: 30_000 }, () => {
  it("a missing socket: UNAVAILABLE with a clear message", async () => {
    const tmp = tempDir();
    try {
      const path = tmp.path("none.sock");
      const e = await failure(connect(path));
      assert.equal(e.code, Code.Unavailable);
      assert.ok(e.rawMessage.includes(path), e.rawMessage);
      assert.match(e.rawMessage, /no such socket/);
    } finally {
      tmp.cleanup();
    }
  });

  it("a socket file nobody listens on: UNAVAILABLE, connection refused", async () => {
    const tmp = tempDir();
    try {
      const path = tmp.path("stale.sock");
      makeStaleSocket(path);
      const e = await failure(connect(path));
      assert.equal(e.code, Code.Unavailable);
      assert.match(e.rawMessage, /refused/);
    } finally {
      tmp.cleanup();
    }
  });

  it("a file that is not a socket: UNAVAILABLE", async () => {
    const tmp = tempDir();
    try {
      const path = tmp.path("plain");
      writeFileSync(path, "x");
      const e = await failure(connect(path));
      assert.equal(e.code, Code.Unavailable);
    } finally {
      tmp.cleanup();
    }
  });

  it("an unsupported address: INVALID_ARGUMENT", async () => {
    await assert.rejects(connect("vsock://3:1024"), isStatus(Code.InvalidArgument, /unsupported address/));
  });

  it("a connected Duplex can be used directly", async (t) => {
    const { fake } = await connectFake(t);
    const socket = net.connect(fake.path);
    await new Promise((r) => socket.once("connect", r));
    const client = await connect(socket);
    t.after(() => client.close());
    const peer = await fake.accept();
    const svc = createClient(Streaming, client);
    const p = quiet(svc.echo({ seq: 1 }));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok(echo(2)));
    assert.equal((await p).seq, 2);
  });
});
