// Our server against hand-built frames on a raw socket: Go's stream-id
// rules, unknown frames, size limits, malformed envelopes and the edge
// cases of the reference's "extra cases a TS suite should add" (§6).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, type HandlerContext } from "@ttrpc-ts/runtime";
import { FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import { EchoPayloadSchema, PartSchema, SumSchema } from "./support/gen/streaming_pb.js";
import { startServer } from "./support/harness.js";
import type { RawPeer } from "./support/raw-peer.js";
import { Snake, ThingSchema } from "./support/snake-service.js";
import { sleep, until, within } from "./support/util.js";
import { requestBody, STREAMING } from "./support/wire.js";

const echo = (seq: number, msg = "") => toBinary(EchoPayloadSchema, create(EchoPayloadSchema, { seq, msg }));
const part = (add: number) => toBinary(PartSchema, create(PartSchema, { add }));
const RC_ND = FrameFlag.RemoteClosed | FrameFlag.NoData;

async function expectError(raw: RawPeer, id: number, code: Code, message: string | RegExp): Promise<void> {
  const res = await raw.response(id);
  assert.ok(res.status, `a status on stream ${id}`);
  assert.equal(res.status.code, code, `code on stream ${id}: ${res.status.message}`);
  if (typeof message === "string") assert.equal(res.status.message, message);
  else assert.match(res.status.message, message);
  assert.equal(res.payload.length, 0);
}

/** Sends Echo{seq} on `id` and checks the OK answer seq + 1. */
async function expectEchoWorks(raw: RawPeer, id: number, seq = 1): Promise<void> {
  await raw.request(id, { service: STREAMING, method: "Echo", payload: echo(seq, "ok") });
  const res = await raw.response(id);
  assert.equal(res.status, undefined, `OK on stream ${id}: ${res.status?.message}`);
  assert.equal(fromBinary(EchoPayloadSchema, res.payload).seq, seq + 1);
}

/** A handler gate: `wait` blocks until `open` is called. */
function gate(): { wait(): Promise<void>; open(): void; entered: Promise<void> } {
  let open!: () => void;
  let entered!: () => void;
  const p = new Promise<void>((r) => (open = r));
  const e = new Promise<void>((r) => (entered = r));
  return {
    wait: () => {
      entered();
      return p;
    },
    open: () => open(),
    entered: e,
  };
}

describe("stream ids", { timeout: 30_000 }, () => {
  it("an even id gets INVALID_ARGUMENT on that id, and the connection stays up", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(2, { service: STREAMING, method: "Echo", payload: echo(1) });
    await expectError(raw, 2, Code.InvalidArgument, "StreamID must be odd for client initiated streams");
    await expectEchoWorks(raw, 1);
  });

  it("id 0 fails the odd check", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(0, { service: STREAMING, method: "Echo", payload: echo(1) });
    await expectError(raw, 0, Code.InvalidArgument, "StreamID must be odd for client initiated streams");
  });

  it("the odd check comes first: a Data or unknown-type frame on an even id is refused too", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.data(4, 0, echo(1));
    await expectError(raw, 4, Code.InvalidArgument, "StreamID must be odd for client initiated streams");
    await raw.send(6, 0x07, 0);
    await expectError(raw, 6, Code.InvalidArgument, "StreamID must be odd for client initiated streams");
  });

  it("a reused or lower id is refused; the connection stays up", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await expectEchoWorks(raw, 5);
    await raw.request(5, { service: STREAMING, method: "Echo", payload: echo(1) });
    await expectError(raw, 5, Code.InvalidArgument, "StreamID cannot be re-used and must increment");
    await raw.request(3, { service: STREAMING, method: "Echo", payload: echo(1) });
    await expectError(raw, 3, Code.InvalidArgument, "StreamID cannot be re-used and must increment");
    await expectEchoWorks(raw, 7);
  });

  it("gaps are allowed (1, 7, 101, 0xffffffff)", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await expectEchoWorks(raw, 1);
    await expectEchoWorks(raw, 7);
    await expectEchoWorks(raw, 101);
    await expectEchoWorks(raw, 0xffffffff);
  });

  it("ids are per connection", async (t) => {
    const h = await startServer(t);
    const a = await h.raw();
    const b = await h.raw();
    await expectEchoWorks(a, 9);
    await expectEchoWorks(b, 1);
  });

  it("Data for an id never opened: StreamID is no longer active", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.data(5, 0, echo(1));
    await expectError(raw, 5, Code.InvalidArgument, "StreamID is no longer active");
    await expectEchoWorks(raw, 7);
  });

  it("Data for a finished unary call: StreamID is no longer active", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await expectEchoWorks(raw, 1);
    await raw.data(1, RC_ND);
    await expectError(raw, 1, Code.InvalidArgument, "StreamID is no longer active");
  });
});

describe("unknown frame types", { timeout: 30_000 }, () => {
  it("types 0x00, 0x02, 0x04 and 0x07 on odd ids are ignored, silently", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.send(1, 0x07, 0, Uint8Array.of(1, 2, 3));
    await raw.send(3, 0x00, 0);
    await raw.send(5, FrameType.Response, 0, Uint8Array.of(0x12, 0));
    await raw.send(7, 0x04, 0xff);
    await raw.expectQuiet(200);
    // They do not use up their ids either (only Requests do).
    await expectEchoWorks(raw, 1);
  });

  it("an unknown type on a live stream leaves the stream alone", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, part(2));
    await raw.send(1, 0x09, 0, part(100));
    await raw.data(1, RC_ND);
    const res = await raw.response(1);
    assert.equal(res.status, undefined);
    const s = fromBinary(SumSchema, res.payload);
    assert.equal(s.sum, 2);
    assert.equal(s.num, 1);
  });
});

describe("message size limit (4 MiB, inclusive)", { timeout: 30_000 }, () => {
  /** A Request envelope for Echo of exactly `size` bytes. */
  function echoRequestOfSize(size: number): Uint8Array {
    const build = (n: number) => requestBody({ service: STREAMING, method: "Echo", payload: echo(0, "x".repeat(n)) });
    const first = build(size - 64).length;
    const body = build(size - 64 + (size - first));
    assert.equal(body.length, size);
    return body;
  }
  const lengthEcho = { echo: (req: { msg: string }) => ({ seq: req.msg.length }) };

  it("a Request frame of exactly 4194304 bytes is accepted", async (t) => {
    const h = await startServer(t, { impl: lengthEcho });
    const raw = await h.raw();
    await raw.send(1, FrameType.Request, 0, echoRequestOfSize(4194304));
    const res = await raw.response(1, 20_000);
    assert.equal(res.status, undefined, res.status?.message);
    assert.ok(fromBinary(EchoPayloadSchema, res.payload).seq > 4_190_000);
  });

  it("4194305 bytes: RESOURCE_EXHAUSTED with Go's text on that id; the id is not used up; the connection stays up", async (t) => {
    const h = await startServer(t, { impl: lengthEcho });
    const raw = await h.raw();
    await raw.send(3, FrameType.Request, 0, echoRequestOfSize(4194305));
    await expectError(raw, 3, Code.ResourceExhausted, "message length 4194305 exceed maximum message size of 4194304");
    // Go never records the id of an oversize frame.
    await raw.send(3, FrameType.Request, 0, echoRequestOfSize(1000));
    const res = await raw.response(3);
    assert.equal(res.status, undefined, res.status?.message);
  });

  it("an oversize Data frame is refused the same way", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.sendHeader(4194305, 1, FrameType.Data, 0);
    await raw.write(Buffer.alloc(4194305));
    await expectError(raw, 1, Code.ResourceExhausted, "message length 4194305 exceed maximum message size of 4194304");
    await expectEchoWorks(raw, 3);
  });

  it("an oversize Data frame on a live stream ends that stream: one final frame, the handler is told, later Data refused", async (t) => {
    let signal: AbortSignal | undefined;
    const h = await startServer(t, {
      impl: {
        async sumStream(parts, ctx) {
          signal = ctx.signal;
          let num = 0;
          for await (const _ of parts) num++;
          return { num };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.sendHeader(4194305, 1, FrameType.Data, 0);
    await raw.write(Buffer.alloc(4194305));
    await expectError(raw, 1, Code.ResourceExhausted, "message length 4194305 exceed maximum message size of 4194304");
    await until(() => signal?.aborted === true, 3000, "the handler's signal to abort");
    await raw.data(1, RC_ND);
    await expectError(raw, 1, Code.InvalidArgument, "StreamID is no longer active");
    await raw.expectQuiet(100, 1);
    assert.equal(h.server.activeCalls, 0);
  });

  it("a 32 MiB body is drained, not kept; the connection then answers", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    const len = 32 << 20;
    await raw.sendHeader(len, 1, FrameType.Request, 0);
    await expectError(raw, 1, Code.ResourceExhausted, `message length ${len} exceed maximum message size of 4194304`);
    const chunk = Buffer.alloc(1 << 20);
    for (let i = 0; i < 32; i++) await raw.write(chunk);
    await expectEchoWorks(raw, 3);
  });

  it("a 4 GiB announced length is answered at once and nothing like it is buffered", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    const other = await h.raw();
    const before = process.memoryUsage().arrayBuffers;
    await raw.sendHeader(0xffffffff, 1, FrameType.Request, 0);
    await expectError(raw, 1, Code.ResourceExhausted, "message length 4294967295 exceed maximum message size of 4194304");
    const chunk = Buffer.alloc(1 << 20);
    for (let i = 0; i < 16; i++) await raw.write(chunk);
    await sleep(50);
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 512 << 20, `array buffers grew by ${grown} bytes`);
    assert.equal(raw.isClosed, false, "the connection is kept");
    await expectEchoWorks(other, 1);
  });

  it("a Response over 4 MiB becomes RESOURCE_EXHAUSTED for that call; the connection stays up", async (t) => {
    const h = await startServer(t, {
      impl: { echo: (req) => ({ seq: req.seq + 1, msg: req.msg === "big" ? "x".repeat(5 << 20) : req.msg }) },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1, "big") });
    const res = await raw.response(1, 20_000);
    assert.equal(res.status?.code, Code.ResourceExhausted);
    assert.match(res.status?.message ?? "", /^message length 52428\d\d exceed maximum message size of 4194304$/);
    await expectEchoWorks(raw, 3);
  });

  it("after an oversize Response the call is over: no second Response when its deadline passes", async (t) => {
    const h = await startServer(t, { impl: { echo: () => ({ msg: "x".repeat(5 << 20) }) } });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1), timeoutNano: 300_000_000n });
    const res = await raw.response(1, 20_000);
    assert.equal(res.status?.code, Code.ResourceExhausted);
    await raw.expectQuiet(700, 1);
  });

  it("after an oversize Response the call is over: signal aborted, no call left active, shutdown does not wait for it", async (t) => {
    let signal: AbortSignal | undefined;
    const h = await startServer(t, {
      impl: {
        echo: (_req, ctx) => {
          signal = ctx.signal;
          return { msg: "x".repeat(5 << 20) };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1) });
    const res = await raw.response(1, 20_000);
    assert.equal(res.status?.code, Code.ResourceExhausted);
    await sleep(50);
    assert.equal(signal?.aborted, true, "the handler's signal is aborted once the call is over");
    assert.equal(h.server.activeCalls, 0, "the call is accounted as finished");
    await within(h.server.shutdown(), 3000, "shutdown with no call in progress");
  });

  it("an oversize streamed message fails that stream with RESOURCE_EXHAUSTED", async (t) => {
    const h = await startServer(t, {
      impl: {
        async *echoStream() {
          yield { seq: 1 };
          yield { seq: 2, msg: "x".repeat(5 << 20) };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "EchoStream" }, FrameFlag.RemoteOpen);
    const first = await raw.next(1);
    assert.equal(first.type, FrameType.Data);
    const res = await raw.response(1, 20_000);
    assert.equal(res.status?.code, Code.ResourceExhausted);
    assert.match(res.status?.message ?? "", /^message length 52428\d\d exceed maximum message size of 4194304$/);
    await expectEchoWorks(raw, 3);
  });
});

describe("malformed requests", { timeout: 30_000 }, () => {
  it("Request bytes that are not a ttrpc.Request: INVALID_ARGUMENT `unmarshal request error: ...`", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.send(1, FrameType.Request, 0, Uint8Array.of(0x0a, 0x50, 0x61));
    await expectError(raw, 1, Code.InvalidArgument, /^unmarshal request error: ./);
    await raw.send(3, FrameType.Request, 0, Uint8Array.of(0xff, 0xff, 0xff));
    await expectError(raw, 3, Code.InvalidArgument, /^unmarshal request error: ./);
    await expectEchoWorks(raw, 5);
  });

  it("a payload that does not decode as the method's input: INTERNAL `ttrpc: error unmarshalling payload: ...`", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: Uint8Array.of(0x12, 0x09, 0x61) });
    await expectError(raw, 1, Code.Internal, /^ttrpc: error unmarshalling payload: ./);
    await raw.request(3, { service: STREAMING, method: "DivideStream", payload: Uint8Array.of(0x08) }, 1);
    await expectError(raw, 3, Code.Internal, /^ttrpc: error unmarshalling payload: ./);
    await expectEchoWorks(raw, 5);
  });

  it("a streamed message that does not decode: INTERNAL, the stream ends", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, Uint8Array.of(0x08));
    await expectError(raw, 1, Code.Internal, /^ttrpc: error unmarshalling payload: ./);
    await raw.data(1, RC_ND);
    await expectError(raw, 1, Code.InvalidArgument, "StreamID is no longer active");
  });

  it("a zero-length Request: UNIMPLEMENTED `service ` (with the trailing space)", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.send(1, FrameType.Request, 0);
    await expectError(raw, 1, Code.Unimplemented, "service ");
  });

  it("unknown service / method: UNIMPLEMENTED with Go's texts", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: "no.Such", method: "Svc" });
    await expectError(raw, 1, Code.Unimplemented, "service no.Such");
    await raw.request(3, { service: STREAMING, method: "Nope" });
    await expectError(raw, 3, Code.Unimplemented, "method Nope");
    // Names are case-sensitive.
    await raw.request(5, { service: STREAMING, method: "echo" });
    await expectError(raw, 5, Code.Unimplemented, "method echo");
  });

  it("a method the implementation left out answers UNIMPLEMENTED", async (t) => {
    const h = await startServer(t, {
      register: (s) => s.register(Snake, {}),
    });
    const raw = await h.raw();
    await raw.request(1, { service: "testing.snake.v1.Snake", method: "do_thing" });
    await expectError(raw, 1, Code.Unimplemented, "method do_thing");
  });
});

describe("dispatch by registered kind, not by flags", { timeout: 30_000 }, () => {
  it("a unary method called with flags 0x02 (and 0x01, 0x06) answers normally", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    let id = 1;
    for (const flags of [0x02, 0x01, 0x06]) {
      await raw.request(id, { service: STREAMING, method: "Echo", payload: echo(4) }, flags);
      const res = await raw.response(id);
      assert.equal(res.status, undefined, `flags ${flags}`);
      assert.equal(fromBinary(EchoPayloadSchema, res.payload).seq, 5);
      id += 2;
    }
  });

  it("a server-streaming method called with flags 0 still streams", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(
      1,
      { service: STREAMING, method: "DivideStream", payload: toBinary(SumSchema, create(SumSchema, { sum: 4, num: 2 })) },
      0,
    );
    const adds: number[] = [];
    for (;;) {
      const f = await raw.next(1);
      assert.equal(f.type, FrameType.Data);
      if (f.flags & FrameFlag.RemoteClosed) {
        assert.equal(f.flags, RC_ND);
        break;
      }
      adds.push(fromBinary(PartSchema, f.payload).add);
    }
    assert.deepEqual(adds, [0, 2, 2, 0]);
  });

  it("a bidi method called with flags 0 still takes Data frames", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "EchoStream" }, 0);
    await raw.data(1, 0, echo(10, "a"));
    const f = await raw.next(1);
    assert.equal(fromBinary(EchoPayloadSchema, f.payload).seq, 11);
    await raw.data(1, RC_ND);
    const end = await raw.next(1);
    assert.equal(end.type, FrameType.Data);
    assert.equal(end.flags, RC_ND);
  });

  it("a server-streaming method with an empty or absent payload gets a default request (Go #126)", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "EmptyPayloadStream" }, 1);
    const seqs: number[] = [];
    for (;;) {
      const f = await raw.next(1);
      if (f.flags & FrameFlag.RemoteClosed) break;
      seqs.push(fromBinary(EchoPayloadSchema, f.payload).seq);
    }
    assert.deepEqual(seqs, [1, 2]);
  });
});

describe("client streams", { timeout: 30_000 }, () => {
  it("a client-streaming Request that carries a payload: it is the first message", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream", payload: part(5) }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, part(1));
    await raw.data(1, RC_ND);
    const res = await raw.response(1);
    const s = fromBinary(SumSchema, res.payload);
    assert.deepEqual([s.sum, s.num], [6, 2]);
  });

  it("default-valued messages (zero-length Data without ND) are delivered", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, 0);
    await raw.data(1, 0, part(3));
    await raw.data(1, 0);
    await raw.data(1, RC_ND);
    const s = fromBinary(SumSchema, (await raw.response(1)).payload);
    assert.deepEqual([s.sum, s.num], [3, 3]);
  });

  it("Data(RC) with zero length and no ND is one default message and the close", async (t) => {
    const h = await startServer(t);
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, part(1));
    await raw.data(1, FrameFlag.RemoteClosed);
    const s = fromBinary(SumSchema, (await raw.response(1)).payload);
    assert.deepEqual([s.sum, s.num], [1, 2]);
  });

  it("RC Data with a payload: the message is delivered, then INVALID_ARGUMENT `data close message cannot include data`", async (t) => {
    const got: number[] = [];
    const h = await startServer(t, {
      impl: {
        async sumStream(parts) {
          for await (const p of parts) got.push(p.add);
          return { num: got.length };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, part(1));
    await raw.data(1, FrameFlag.RemoteClosed, part(2));
    await expectError(raw, 1, Code.InvalidArgument, "data close message cannot include data");
    await raw.expectQuiet(100, 1);
    assert.deepEqual(got, [1, 2]);
    await raw.data(1, RC_ND);
    await expectError(raw, 1, Code.InvalidArgument, "StreamID is no longer active");
  });

  it("Data after the client's own close: INVALID_ARGUMENT `data handling error: ...`, the call ends", async (t) => {
    const h = await startServer(t, {
      impl: {
        async sumStream(parts) {
          for await (const _ of parts);
          await sleep(200);
          return {};
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, RC_ND);
    await raw.data(1, 0, part(1));
    await expectError(raw, 1, Code.InvalidArgument, /^data handling error: /);
    await raw.expectQuiet(300, 1);
  });

  it("Data after the server has finished the stream: StreamID is no longer active", async (t) => {
    const h = await startServer(t, {
      impl: {
        async *echoStream(reqs) {
          for await (const r of reqs) {
            yield { seq: r.seq + 1 };
            return;
          }
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "EchoStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, echo(1));
    assert.equal((await raw.next(1)).flags, 0);
    const end = await raw.next(1);
    assert.equal(end.flags, RC_ND);
    await raw.data(1, 0, echo(2));
    await expectError(raw, 1, Code.InvalidArgument, "StreamID is no longer active");
    await expectEchoWorks(raw, 3);
  });

  it("a server stream may finish before the client half-closes, and the handler's signal then aborts", async (t) => {
    let signal: AbortSignal | undefined;
    const h = await startServer(t, {
      impl: {
        async *echoStream(_reqs, ctx) {
          signal = ctx.signal;
          yield { seq: 1 };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "EchoStream" }, FrameFlag.RemoteOpen);
    await raw.next(1);
    assert.equal((await raw.next(1)).flags, RC_ND);
    assert.equal(signal?.aborted, true);
  });
});

describe("Data on calls that take no client stream", { timeout: 30_000 }, () => {
  it("a Data frame on an in-flight unary id: INVALID_ARGUMENT on that id, no crash, the connection works", async (t) => {
    const g = gate();
    const h = await startServer(t, {
      impl: {
        echo: async (req) => {
          await g.wait();
          return { seq: req.seq + 1 };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1) });
    await g.entered;
    await raw.data(1, 0, echo(2));
    const res = await raw.response(1);
    assert.equal(res.status?.code, Code.InvalidArgument);
    g.open();
    await raw.expectQuiet(100, 1);
    await expectEchoWorks(raw, 3);
  });

  it("a Data frame on an in-flight server-streaming id does not crash the server", async (t) => {
    const g = gate();
    const h = await startServer(t, {
      impl: {
        async *divideStream() {
          await g.wait();
          yield { add: 1 };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "DivideStream", payload: part(1) }, 1);
    await g.entered;
    await raw.data(1, 0, part(1));
    const f = await raw.next(1);
    assert.equal(f.type, FrameType.Response);
    g.open();
    await expectEchoWorks(raw, 3);
  });
});

describe("names and metadata", { timeout: 30_000 }, () => {
  it("snake_case method names: registered and dispatched by the proto name", async (t) => {
    const h = await startServer(t, {
      register: (s) =>
        s.register(Snake, {
          do_thing: (req: { value: string }) => ({ value: `did ${req.value}` }),
        } as never),
    });
    const raw = await h.raw();
    const thing = toBinary(ThingSchema, create(ThingSchema, { value: "x" }));
    await raw.request(1, { service: "testing.snake.v1.Snake", method: "do_thing", payload: thing });
    const res = await raw.response(1);
    assert.equal(res.status, undefined, res.status?.message);
    assert.equal((fromBinary(ThingSchema, res.payload) as unknown as { value: string }).value, "did x");
    // Go's server would register the Go name; ours does not answer to it.
    await raw.request(3, { service: "testing.snake.v1.Snake", method: "DoThing", payload: thing });
    await expectError(raw, 3, Code.Unimplemented, "method DoThing");
  });

  it("metadata keys sent with capitals are found case-insensitively; values keep their order", async (t) => {
    let ctx: HandlerContext | undefined;
    const h = await startServer(t, {
      impl: {
        echo: (req, c) => {
          ctx = c;
          return req;
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, {
      service: STREAMING,
      method: "Echo",
      payload: echo(1),
      metadata: [
        ["Foo", "bar"],
        ["FOO", "baz"],
        ["containerd-namespace-ttrpc", "k8s.io"],
      ],
    });
    await raw.response(1);
    assert.ok(ctx);
    assert.equal(ctx.metadata.get("foo"), "bar");
    assert.deepEqual(ctx.metadata.getAll("Foo"), ["bar", "baz"]);
    assert.equal(ctx.metadata.get("containerd-namespace-ttrpc"), "k8s.io");
    assert.deepEqual(
      [...ctx.metadata],
      [
        ["Foo", "bar"],
        ["Foo", "baz"],
        ["containerd-namespace-ttrpc", "k8s.io"],
      ],
    );
  });

  it("timeout_nano becomes the handler's deadline; none means no deadline", async (t) => {
    const seen: Array<number | undefined> = [];
    const h = await startServer(t, {
      impl: {
        echo: (req, c) => {
          seen.push(c.timeRemaining());
          return req;
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1), timeoutNano: 30_000_000_000n });
    await raw.response(1);
    await raw.request(3, { service: STREAMING, method: "Echo", payload: echo(1) });
    await raw.response(3);
    const [left, none] = seen;
    assert.ok(left !== undefined && left > 20_000 && left <= 30_000, `time left ${left}`);
    assert.equal(none, undefined);
  });

  it("a timeout_nano already expired (negative) ends the call with DEADLINE_EXCEEDED", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: async (req, c) => {
          await new Promise((r) => c.signal.addEventListener("abort", r));
          return req;
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1), timeoutNano: -1_000_000n });
    const res = await raw.response(1);
    assert.equal(res.status?.code, Code.DeadlineExceeded);
  });
});
