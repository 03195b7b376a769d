// How our server turns handler failures into statuses, and how handlers
// learn that their call is over (client gone, deadline, completion).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import { Code, TtrpcError } from "@ttrpc-ts/runtime";
import { FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import { EchoPayloadSchema, SumSchema } from "./support/gen/streaming_pb.js";
import { startServer } from "./support/harness.js";
import { collect, failure, forever, isStatus, quiet, sleep, until, within } from "./support/util.js";
import { asciiHex, hex, parseResponse, STREAMING } from "./support/wire.js";

const echo = (seq: number, msg = "") => toBinary(EchoPayloadSchema, create(EchoPayloadSchema, { seq, msg }));

/** Resolves with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(signal.reason), { once: true }));
}

describe("handler errors become statuses", { timeout: 30_000 }, () => {
  it("a thrown TtrpcError is sent with its code, message and details", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: () => {
          throw new TtrpcError("no such thing", Code.NotFound, { details: [{ desc: DurationSchema, value: { seconds: 3n } }] });
        },
      },
    });
    const { svc } = await h.streaming();
    const e = await failure(svc.echo({}));
    assert.equal(e.code, Code.NotFound);
    assert.equal(e.rawMessage, "no such thing");
    assert.equal(e.findDetails(DurationSchema)[0]?.seconds, 3n);
  });

  it("details given as Any are sent unchanged", async (t) => {
    const detail = anyPack(DurationSchema, create(DurationSchema, { nanos: 7 }));
    const h = await startServer(t, {
      impl: {
        echo: async () => {
          throw new TtrpcError("x", Code.Aborted, { details: [detail] });
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1) });
    const res = await raw.response(1);
    assert.equal(res.status?.details.length, 1);
    assert.equal(res.status?.details[0]?.typeUrl, detail.typeUrl);
    assert.equal(hex(res.status?.details[0]?.value ?? new Uint8Array()), hex(detail.value));
  });

  it("a plain Error becomes UNKNOWN with its message (vector 6)", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: () => {
          throw new Error("plain error");
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1) });
    const f = await raw.next(1);
    assert.equal(hex(f.payload), `0a0f0802120b${asciiHex("plain error")}`);
  });

  it("a thrown TtrpcError with code OK is still a failure (UNKNOWN), never a silent empty success", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: () => {
          throw new TtrpcError("not really ok", Code.OK);
        },
      },
    });
    const { svc } = await h.streaming();
    const e = await failure(svc.echo({ seq: 1 }));
    assert.equal(e.code, Code.Unknown, e.message);
  });

  it("a rejected promise is the same as a throw", async (t) => {
    const h = await startServer(t, { impl: { echo: () => Promise.reject(new TtrpcError("later", Code.Unavailable)) } });
    const { svc } = await h.streaming();
    await assert.rejects(svc.echo({}), isStatus(Code.Unavailable, "later"));
  });

  it("a thrown non-Error value becomes UNKNOWN with its string", async (t) => {
    const values: unknown[] = ["just a string", 42, undefined, { toString: () => "custom" }];
    let i = 0;
    const h = await startServer(t, {
      impl: {
        echo: () => {
          throw values[i++];
        },
      },
    });
    const { svc } = await h.streaming();
    await assert.rejects(svc.echo({}), isStatus(Code.Unknown, "just a string"));
    await assert.rejects(svc.echo({}), isStatus(Code.Unknown, "42"));
    await assert.rejects(svc.echo({}), isStatus(Code.Unknown, "undefined"));
    await assert.rejects(svc.echo({}), isStatus(Code.Unknown, "custom"));
  });

  it("a unary handler returning undefined or null: UNKNOWN `ttrpc: marshal called with nil`", async (t) => {
    const results = [undefined, null];
    let i = 0;
    const h = await startServer(t, { impl: { echo: () => results[i++] as never } });
    const { svc } = await h.streaming();
    await assert.rejects(svc.echo({}), isStatus(Code.Unknown, "ttrpc: marshal called with nil"));
    await assert.rejects(svc.echo({}), isStatus(Code.Unknown, "ttrpc: marshal called with nil"));
  });

  it("a client-streaming handler returning undefined: the same", async (t) => {
    const h = await startServer(t, {
      impl: {
        sumStream: async (parts) => {
          for await (const _ of parts);
          return undefined as never;
        },
      },
    });
    const { svc } = await h.streaming();
    await assert.rejects(
      svc.sumStream(
        (async function* () {
          yield {};
        })(),
      ),
      isStatus(Code.Unknown, "ttrpc: marshal called with nil"),
    );
  });

  it("a stream handler yielding undefined: UNKNOWN `ttrpc: marshal called with nil` after what it sent", async (t) => {
    const h = await startServer(t, {
      impl: {
        async *divideStream() {
          yield { add: 1 };
          yield undefined as never;
        },
      },
    });
    const { svc } = await h.streaming();
    const got: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of svc.divideStream({})) got.push(p.add);
      })(),
      isStatus(Code.Unknown, "ttrpc: marshal called with nil"),
    );
    assert.deepEqual(got, [1]);
  });

  it("a unary handler returning a non-message value: INTERNAL (Go: `ttrpc: error unsupported response type`)", async (t) => {
    const results: unknown[] = ["a string", 42, true];
    let i = 0;
    const h = await startServer(t, { impl: { echo: () => results[i++] as never } });
    const { svc } = await h.streaming();
    for (const v of results) {
      const e = await failure(svc.echo({}));
      assert.equal(e.code, Code.Internal, `returning ${JSON.stringify(v)} gave ${e.message}`);
    }
  });

  it("a handler returning a message of another type: INTERNAL, not a silently empty reply", async (t) => {
    const h = await startServer(t, {
      impl: {
        sumStream: async () => create(EchoPayloadSchema, { seq: 5, msg: "wrong type" }) as never,
      },
    });
    const { svc } = await h.streaming();
    const e = await failure(svc.sumStream((async function* () {})()));
    assert.equal(e.code, Code.Internal, e.message);
  });

  it("a stream handler yielding a non-message or a message of another type: INTERNAL", async (t) => {
    const h = await startServer(t, {
      impl: {
        async *divideStream(req) {
          yield { add: 1 };
          yield (req.num === 1 ? "not a message" : create(EchoPayloadSchema, { seq: 1 })) as never;
        },
      },
    });
    const { svc } = await h.streaming();
    await assert.rejects(collect(svc.divideStream({ num: 1 })), isStatus(Code.Internal));
    await assert.rejects(collect(svc.divideStream({ num: 2 })), isStatus(Code.Internal));
  });

  it("a message that cannot be serialized: INTERNAL `ttrpc: error marshaling payload: ...`", async (t) => {
    const h = await startServer(t, { impl: { sumStream: async () => ({ sum: "NaN" as unknown as number }) } });
    const { svc } = await h.streaming();
    await assert.rejects(svc.sumStream((async function* () {})()), isStatus(Code.Internal, /^ttrpc: error marshaling payload: /));
  });

  it("a streaming handler that does not return an iterable: INTERNAL", async (t) => {
    const h = await startServer(t, {
      impl: {
        divideStream: (async () => ({ add: 1 })) as never,
      },
    });
    const { svc } = await h.streaming();
    await assert.rejects(collect(svc.divideStream({})), isStatus(Code.Internal, /must return an AsyncIterable/));
  });

  it("a streaming handler may return a sync iterable", async (t) => {
    const h = await startServer(t, { impl: { divideStream: (() => [{ add: 1 }, { add: 2 }]) as never } });
    const { svc } = await h.streaming();
    assert.deepEqual(
      (await collect(svc.divideStream({}))).map((p) => p.add),
      [1, 2],
    );
  });

  it("a server stream that throws mid-way: the Data sent so far, then an error Response (no RC Data)", async (t) => {
    const h = await startServer(t, {
      impl: {
        async *divideStream() {
          yield { add: 1 };
          yield { add: 2 };
          throw new TtrpcError("half way", Code.DataLoss);
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "DivideStream", payload: new Uint8Array(0) }, FrameFlag.RemoteClosed);
    const frames = [await raw.next(1), await raw.next(1), await raw.next(1)];
    assert.deepEqual(
      frames.map((f) => [f.type, f.flags]),
      [
        [FrameType.Data, 0],
        [FrameType.Data, 0],
        [FrameType.Response, 0],
      ],
    );
    await raw.expectQuiet(100, 1);
  });

  it("a bidi handler that fails before reading anything ends the stream with its error", async (t) => {
    const h = await startServer(t, {
      impl: {
        // biome-ignore lint/correctness/useYield: fails at once
        async *echoStream() {
          throw new TtrpcError("refused", Code.PermissionDenied);
        },
      },
    });
    const { svc } = await h.streaming();
    await assert.rejects(
      collect(
        svc.echoStream(
          (async function* () {
            yield { seq: 1 };
          })(),
        ),
      ),
      isStatus(Code.PermissionDenied, "refused"),
    );
  });

  it("a failing call does not disturb others on the same connection", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: async (req) => {
          await sleep(req.seq % 5);
          if (req.seq % 2 === 1) throw new Error(`odd ${req.seq}`);
          return { seq: req.seq };
        },
      },
    });
    const { svc } = await h.streaming();
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => svc.echo({ seq: i })));
    results.forEach((r, i) => {
      if (i % 2 === 1) {
        assert.equal(r.status, "rejected");
        assert.equal((r as PromiseRejectedResult).reason.rawMessage, `odd ${i}`);
      } else {
        assert.equal(r.status, "fulfilled");
        assert.equal((r as PromiseFulfilledResult<{ seq: number }>).value.seq, i);
      }
    });
  });
});

describe("the handler's signal", { timeout: 30_000 }, () => {
  it("aborts when the client's socket is destroyed mid-call (unary and streams), with UNAVAILABLE", async (t) => {
    const signals: AbortSignal[] = [];
    const h = await startServer(t, {
      impl: {
        echo: async (_req, ctx) => {
          signals.push(ctx.signal);
          await aborted(ctx.signal);
          return {};
        },
        async *divideStream(_req, ctx) {
          signals.push(ctx.signal);
          yield { add: 1 };
          await aborted(ctx.signal);
        },
        async sumStream(parts, ctx) {
          signals.push(ctx.signal);
          for await (const _ of parts);
          return {};
        },
      },
    });
    const { client, svc } = await h.streaming();
    const calls = [
      quiet(svc.echo({})),
      quiet(collect(svc.divideStream({}))),
      quiet(
        svc.sumStream(
          (async function* () {
            yield {};
            await forever();
          })(),
        ),
      ),
    ];
    await until(() => signals.length === 3, 3000, "three handlers running");
    assert.equal(h.server.activeCalls, 3);
    client.close();
    const reasons = await within(Promise.all(signals.map(aborted)), 3000, "handler signals to abort");
    for (const r of reasons) {
      assert.ok(r instanceof TtrpcError, String(r));
      assert.equal(r.code, Code.Unavailable);
    }
    await Promise.allSettled(calls);
    await until(() => h.server.activeCalls === 0 && h.server.connectionCount === 0, 3000, "server to forget the connection");
  });

  it("aborts with DEADLINE_EXCEEDED when the deadline passes; the call ends with DEADLINE_EXCEEDED", async (t) => {
    let reason: unknown;
    const h = await startServer(t, {
      impl: {
        echo: async (_req, ctx) => {
          reason = await aborted(ctx.signal);
          return { seq: 1 };
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "Echo", payload: echo(1), timeoutNano: 150_000_000n });
    const res = await raw.response(1);
    assert.equal(res.status?.code, Code.DeadlineExceeded);
    await until(() => reason !== undefined, 1000, "the handler to see its signal");
    assert.ok(reason instanceof TtrpcError);
    assert.equal(reason.code, Code.DeadlineExceeded);
    await raw.expectQuiet(100, 1);
  });

  it("a server stream whose deadline passes ends with DEADLINE_EXCEEDED after its Data, and the generator is stopped", async (t) => {
    let stopped = false;
    const h = await startServer(t, {
      impl: {
        async *divideStream() {
          try {
            for (let i = 0; ; i++) {
              yield { add: i };
              await sleep(20);
            }
          } finally {
            stopped = true;
          }
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "DivideStream", timeoutNano: 200_000_000n }, FrameFlag.RemoteClosed);
    let data = 0;
    for (;;) {
      const f = await raw.next(1);
      if (f.type === FrameType.Response) {
        assert.equal(parseResponse(f.payload).status?.code, Code.DeadlineExceeded);
        break;
      }
      data++;
    }
    assert.ok(data >= 1, `${data} Data frames before the deadline`);
    await until(() => stopped, 2000, "the generator's finally to run");
    await raw.expectQuiet(100, 1);
  });

  it("a handler blocked reading its client stream is released (its input throws) when the call fails at its deadline", async (t) => {
    let ended: unknown;
    const h = await startServer(t, {
      impl: {
        async sumStream(parts) {
          try {
            for await (const _ of parts);
            ended = "ended normally";
          } catch (e) {
            ended = e;
          }
          return {};
        },
      },
    });
    const raw = await h.raw();
    // The client never half-closes.
    await raw.request(1, { service: STREAMING, method: "SumStream", timeoutNano: 200_000_000n }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, new Uint8Array(0));
    const res = await raw.response(1);
    assert.equal(res.status?.code, Code.DeadlineExceeded);
    await until(() => ended !== undefined, 2000, "the handler's read loop to end");
    assert.ok(ended instanceof TtrpcError, String(ended));
    assert.equal(ended.code, Code.DeadlineExceeded);
    await until(() => h.server.activeCalls === 0, 2000, "no call left");
  });

  it("aborts once the call is over (Go's TestStreamHandlerContextCancelOnReturn)", async (t) => {
    const signals: AbortSignal[] = [];
    const h = await startServer(t, {
      impl: {
        echo: (req, ctx) => {
          signals.push(ctx.signal);
          return req;
        },
        async *divideStream(_req, ctx) {
          signals.push(ctx.signal);
          yield {};
        },
      },
    });
    const { svc } = await h.streaming();
    await svc.echo({});
    await collect(svc.divideStream({}));
    await until(() => signals.every((s) => s.aborted), 2000, "signals to abort");
    assert.equal(signals.length, 2);
  });

  it("a client that gives up locally does not stop the server; the late reply is dropped", async (t) => {
    let finished = false;
    const h = await startServer(t, {
      impl: {
        echo: async (req) => {
          await sleep(300);
          finished = true;
          return req;
        },
      },
    });
    const { client, svc } = await h.streaming();
    await assert.rejects(svc.echo({ seq: 1 }, { timeoutMs: 50 }), isStatus(Code.DeadlineExceeded));
    const ac = new AbortController();
    const p = quiet(svc.echo({ seq: 2 }, { signal: ac.signal }));
    ac.abort();
    await assert.rejects(p, isStatus(Code.Canceled));
    await until(() => finished, 3000, "handler to finish");
    await sleep(50);
    assert.equal((await svc.echo({ seq: 3 })).seq, 3);
    assert.equal(client.closed, false);
  });
});

describe("client-streaming handlers", { timeout: 30_000 }, () => {
  it("a handler that stops reading and answers early: the answer is sent, later Data is refused", async (t) => {
    const h = await startServer(t, {
      impl: {
        async sumStream(parts) {
          for await (const p of parts) return { sum: p.add, num: 1 };
          return {};
        },
      },
    });
    const raw = await h.raw();
    await raw.request(1, { service: STREAMING, method: "SumStream" }, FrameFlag.RemoteOpen);
    await raw.data(1, 0, toBinary(SumSchema, create(SumSchema, { sum: 8 })));
    const res = await raw.response(1);
    assert.equal(res.status, undefined);
    await raw.data(1, 0, new Uint8Array(0));
    const again = await raw.response(1);
    assert.equal(again.status?.code, Code.InvalidArgument);
    assert.equal(again.status?.message, "StreamID is no longer active");
  });

  it("the handler sees the messages in order and then the end", async (t) => {
    const seen: number[] = [];
    const h = await startServer(t, {
      impl: {
        async sumStream(parts) {
          for await (const p of parts) seen.push(p.add);
          return { num: seen.length };
        },
      },
    });
    const { svc } = await h.streaming();
    const r = await svc.sumStream(
      (async function* () {
        for (let i = 0; i < 200; i++) yield { add: i };
      })(),
    );
    assert.equal(r.num, 200);
    assert.deepEqual(
      seen,
      Array.from({ length: 200 }, (_, i) => i),
    );
  });
});
