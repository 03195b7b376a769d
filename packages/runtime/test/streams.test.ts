// Our client against our server: the Go suite's functional tests
// (stream_test.go, integration/streaming_test.go, server_test.go).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, TtrpcError } from "@ttrpc-ts/runtime";
import { startServer } from "./support/harness.js";
import { collect, isStatus, Pushable, quiet, sleep, until } from "./support/util.js";

describe("unary (server_test.go)", { timeout: 30_000 }, () => {
  it("TestServer: concurrent calls, each with its own metadata, echoed back", async (t) => {
    const h = await startServer(t, {
      impl: { echo: async (req, ctx) => ({ seq: req.seq, msg: `${req.msg}:${ctx.metadata.get("foo")}` }) },
    });
    const { svc } = await h.streaming();
    const names = Array.from({ length: 20 }, (_, i) => `call-${i}`);
    const res = await Promise.all(names.map((n, i) => svc.echo({ seq: i, msg: n }, { metadata: { foo: n } })));
    res.forEach((r, i) => {
      assert.equal(r.seq, i);
      assert.equal(r.msg, `call-${i}:call-${i}`);
    });
  });

  it("TestServerUnimplemented: an unknown method is UNIMPLEMENTED", async (t) => {
    const h = await startServer(t, { register: () => {} });
    const { client } = await h.streaming();
    const m = {
      service: "Not",
      name: "Found",
      localName: "found",
      kind: "unary" as const,
      encodeInput: (b: Uint8Array) => b,
      decodeInput: (b: Uint8Array) => b,
      encodeOutput: (b: Uint8Array) => b,
      decodeOutput: (b: Uint8Array) => b,
    };
    await assert.rejects(client.unary(m, new Uint8Array(0)), isStatus(Code.Unimplemented, "service Not"));
  });

  it("TestServerRequestTimeout: the client's deadline arrives as the handler's (within a tolerance)", async (t) => {
    let serverDeadline: number | undefined;
    const h = await startServer(t, {
      impl: {
        echo: (req, ctx) => {
          serverDeadline = ctx.deadline;
          return req;
        },
      },
    });
    const { svc } = await h.streaming();
    const deadline = Date.now() + 30_000;
    await svc.echo({}, { deadline });
    assert.ok(serverDeadline !== undefined);
    assert.ok(Math.abs(serverDeadline - deadline) < 1000, `off by ${serverDeadline - deadline} ms`);
  });

  it("TestClientEOF: after the server closes, a new call fails UNAVAILABLE and the close callback ran", async (t) => {
    let closed = 0;
    const h = await startServer(t);
    const { client, svc } = await h.streaming({ onClose: () => closed++ });
    await svc.echo({});
    await h.server.close();
    await client.wait();
    assert.equal(closed, 1);
    await assert.rejects(svc.echo({}), isStatus(Code.Unavailable));
  });

  it("many unary calls in flight on one connection all complete", async (t) => {
    const h = await startServer(t, {
      impl: {
        echo: async (req) => {
          await sleep(req.seq % 7);
          return { seq: req.seq + 1 };
        },
      },
    });
    const { svc } = await h.streaming();
    const res = await Promise.all(Array.from({ length: 500 }, (_, i) => svc.echo({ seq: i })));
    for (const [i, r] of res.entries()) assert.equal(r.seq, i + 1);
  });
});

describe("streaming (stream_test.go, integration/streaming_test.go)", { timeout: 30_000 }, () => {
  it("TestStreamClient: unary Echo, then a bidi EchoStream of 100 round trips, then EOF", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    assert.equal((await svc.echo({ seq: 1, msg: "hello" })).seq, 2);
    const requests = new Pushable<{ seq: number; msg: string }>();
    const it = svc.echoStream(requests)[Symbol.asyncIterator]();
    for (let i = 0; i < 100; i++) {
      requests.push({ seq: i, msg: `m${i}` });
      const r = await it.next();
      assert.equal(r.done, false);
      assert.equal(r.value?.seq, i + 1);
      assert.equal(r.value?.msg, `m${i}`);
    }
    requests.end();
    assert.equal((await it.next()).done, true);
  });

  it("EchoStream: 50 pings, CloseSend, EOF", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    const out = await collect(
      svc.echoStream(
        (async function* () {
          for (let i = 0; i < 50; i++) yield { seq: i, msg: "ping" };
        })(),
      ),
    );
    assert.deepEqual(
      out.map((o) => o.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it("SumStream: 202 parts with default-valued ones at both ends", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    let want = 0;
    const res = await svc.sumStream(
      (async function* () {
        yield {};
        for (let i = 1; i <= 200; i++) {
          want += i;
          yield { add: i };
        }
        yield {};
      })(),
    );
    assert.equal(res.sum, want);
    assert.equal(res.num, 202);
  });

  it("DivideStream: {392, 30} gives 32 parts summing to 392, empty ones at both ends", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    const parts = await collect(svc.divideStream({ sum: 392, num: 30 }));
    assert.equal(parts.length, 32);
    assert.equal(parts[0]?.add, 0);
    assert.equal(parts[31]?.add, 0);
    assert.equal(
      parts.reduce((a, p) => a + p.add, 0),
      392,
    );
    assert.deepEqual(
      (await collect(svc.divideStream({ sum: -7, num: 2 }))).map((p) => p.add),
      [0, -4, -3, 0],
    );
    await assert.rejects(collect(svc.divideStream({ sum: 1, num: 0 })), isStatus(Code.InvalidArgument));
  });

  it("EchoNull: 100 messages in order, Empty result", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    const res = await svc.echoNull(
      (async function* () {
        for (let i = 0; i < 100; i++) yield { seq: i };
      })(),
    );
    assert.equal(res.$typeName, "google.protobuf.Empty");
    await assert.rejects(
      svc.echoNull(
        (async function* () {
          yield { seq: 0 };
          yield { seq: 5 };
        })(),
      ),
      isStatus(Code.InvalidArgument, "unexpected seq 5, want 1"),
    );
  });

  it("EchoNullStream: 10 Empty messages for each input, then EOF", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    const out = await collect(
      svc.echoNullStream(
        (async function* () {
          for (let i = 0; i < 7; i++) yield { seq: i };
        })(),
      ),
    );
    assert.equal(out.length, 70);
  });

  it("EmptyPayloadStream: seq 1 and 2, then EOF (Go #126)", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    assert.deepEqual(
      (await collect(svc.emptyPayloadStream({}))).map((e) => e.seq),
      [1, 2],
    );
  });

  it("many streams of every kind interleaved on one connection", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    const jobs: Array<Promise<void>> = [];
    for (let i = 0; i < 30; i++) {
      jobs.push(
        (async () => {
          const out = await collect(
            svc.echoStream(
              (async function* () {
                for (let j = 0; j < 20; j++) yield { seq: i * 100 + j };
              })(),
            ),
          );
          assert.deepEqual(
            out.map((o) => o.seq),
            Array.from({ length: 20 }, (_, j) => i * 100 + j + 1),
          );
        })(),
      );
      jobs.push(
        (async () => {
          const parts = await collect(svc.divideStream({ sum: i, num: 3 }));
          assert.equal(
            parts.reduce((a, p) => a + p.add, 0),
            i,
          );
        })(),
      );
      jobs.push(
        (async () => {
          const s = await svc.sumStream(
            (async function* () {
              for (let j = 0; j < i; j++) yield { add: 1 };
            })(),
          );
          assert.equal(s.num, i);
        })(),
      );
    }
    await Promise.all(jobs);
  });

  it("a large message (just under 4 MiB) goes both ways", async (t) => {
    const h = await startServer(t);
    const { svc } = await h.streaming();
    const msg = "q".repeat(4 * 1024 * 1024 - 64);
    const r = await svc.echo({ seq: 1, msg });
    assert.equal(r.msg.length, msg.length);
    const out = await collect(
      svc.echoStream(
        (async function* () {
          yield { seq: 1, msg };
          yield { seq: 2, msg };
        })(),
      ),
    );
    assert.equal(out.length, 2);
    assert.equal(out[1]?.msg.length, msg.length);
  });

  it("a stream started but never iterated sends nothing", async (t) => {
    let opened = 0;
    const h = await startServer(t, {
      impl: {
        // biome-ignore lint/correctness/useYield: only counts
        async *divideStream() {
          opened++;
        },
      },
    });
    const { svc } = await h.streaming();
    svc.divideStream({});
    await sleep(100);
    assert.equal(opened, 0);
  });
});

describe("proxying", { timeout: 30_000 }, () => {
  it("a typed client registered as the implementation proxies every kind of call", async (t) => {
    const upstream = await startServer(t);
    const { svc: toUpstream } = await upstream.streaming();
    const proxy = await startServer(t, { impl: toUpstream as never });
    const { svc } = await proxy.streaming();
    assert.equal((await svc.echo({ seq: 1, msg: "via" })).seq, 2);
    assert.equal((await collect(svc.divideStream({ sum: 6, num: 3 }))).length, 5);
    const sum = await svc.sumStream(
      (async function* () {
        yield { add: 2 };
        yield { add: 3 };
      })(),
    );
    assert.deepEqual([sum.sum, sum.num], [5, 2]);
    const echoed = await collect(
      svc.echoStream(
        (async function* () {
          yield { seq: 10 };
          yield { seq: 20 };
        })(),
      ),
    );
    assert.deepEqual(
      echoed.map((e) => e.seq),
      [11, 21],
    );
    await assert.rejects(collect(svc.divideStream({ sum: 1, num: 0 })), isStatus(Code.InvalidArgument));
  });

  it("a handler passing its context as call options forwards deadline, metadata and cancellation", async (t) => {
    let upstreamDeadline: number | undefined;
    let upstreamMd: string | undefined;
    let upstreamSignal: AbortSignal | undefined;
    const upstream = await startServer(t, {
      impl: {
        echo: async (req, ctx) => {
          upstreamDeadline = ctx.deadline;
          upstreamMd = ctx.metadata.get("trace");
          upstreamSignal = ctx.signal;
          if (req.msg === "hang") await new Promise((r) => ctx.signal.addEventListener("abort", r));
          return req;
        },
      },
    });
    const { svc: up } = await upstream.streaming();
    let forwarded: unknown;
    const proxy = await startServer(t, {
      impl: {
        echo: (req, ctx) =>
          up.echo(req, ctx).catch((e: unknown) => {
            forwarded = e;
            throw e;
          }),
      },
    });
    const { client, svc } = await proxy.streaming();
    const deadline = Date.now() + 30_000;
    await svc.echo({ msg: "x" }, { deadline, metadata: { Trace: "t-1" } });
    assert.ok(upstreamDeadline !== undefined && Math.abs(upstreamDeadline - deadline) < 1000);
    assert.equal(upstreamMd, "t-1");

    const hanging = quiet(svc.echo({ msg: "hang" }));
    await until(() => upstreamSignal !== undefined && !upstreamSignal.aborted, 3000, "the upstream call to start");
    client.close();
    await assert.rejects(hanging, isStatus(Code.Unavailable));
    // The proxy's upstream call ends at once with the reason its own call ended.
    await until(() => forwarded !== undefined, 3000, "the upstream call to be cancelled");
    assert.ok(forwarded instanceof TtrpcError);
    assert.equal(forwarded.code, Code.Unavailable);
    // ttrpc has no cancel frame: the upstream handler only learns at its deadline or when its connection closes.
    assert.equal(upstreamSignal?.aborted, false);
  });
});
