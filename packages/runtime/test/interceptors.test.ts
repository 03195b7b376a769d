// Client and server interceptors: order, what they can see and change.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CallNext, Code, type Interceptor, Metadata, type StreamResponse, TtrpcError } from "@ttrpc-ts/runtime";
import { FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import { applyInterceptors } from "../src/interceptor.js";
import { connectFake, startServer } from "./support/harness.js";
import { collect, isStatus, quiet, sleep } from "./support/util.js";
import { responseBody } from "./support/wire.js";

const ok = () => responseBody({});

/** An interceptor that logs `name>` before and `<name` after. */
const logging =
  (log: string[], name: string): Interceptor =>
  (next) =>
  async (req) => {
    log.push(`${name}>`);
    try {
      return await next(req);
    } finally {
      log.push(`<${name}`);
    }
  };

describe("applyInterceptors", { timeout: 30_000 }, () => {
  it("no interceptors: the call itself", () => {
    const call: CallNext = async () => ({ stream: false, message: 1 });
    assert.equal(applyInterceptors(call, undefined), call);
    assert.equal(applyInterceptors(call, []), call);
  });

  it("the first is the outermost", async () => {
    const log: string[] = [];
    const call: CallNext = async () => {
      log.push("call");
      return { stream: false, message: 1 };
    };
    const chained = applyInterceptors(call, [logging(log, "a"), logging(log, "b"), logging(log, "c")]);
    await chained({ stream: false } as never);
    assert.deepEqual(log, ["a>", "b>", "c>", "call", "<c", "<b", "<a"]);
  });
});

describe("client interceptors", { timeout: 30_000 }, () => {
  it("run in order, first outermost, around the call", async (t) => {
    const log: string[] = [];
    const { peer, svc } = await connectFake(t, { interceptors: [logging(log, "a"), logging(log, "b")] });
    const p = svc.echo({ seq: 1 });
    const r = await peer.nextRequest();
    assert.deepEqual(log, ["a>", "b>"]);
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
    assert.deepEqual(log, ["a>", "b>", "<b", "<a"]);
  });

  it("see the method, message, metadata and deadline, and their changes go on the wire", async (t) => {
    const seen: Array<{ name: string; stream: boolean; md: string | undefined; deadline: number | undefined }> = [];
    const { peer, svc } = await connectFake(t, {
      interceptors: [
        (next) => async (req) => {
          seen.push({ name: req.method.name, stream: req.stream, md: req.metadata.get("from-caller"), deadline: req.deadline });
          req.metadata.set("X-Added", "yes");
          req.deadline = Date.now() + 30_000;
          if (!req.stream) req.message = { seq: 42, msg: "changed" };
          return next(req);
        },
      ],
    });
    const p = svc.echo({ seq: 1 }, { metadata: { "from-caller": "c" }, timeoutMs: 2000 });
    const r = await peer.nextRequest();
    assert.equal(seen[0]?.name, "Echo");
    assert.equal(seen[0]?.stream, false);
    assert.equal(seen[0]?.md, "c");
    assert.ok(seen[0]?.deadline !== undefined && seen[0].deadline - Date.now() <= 2000);
    assert.deepEqual(
      r.metadata.map((kv) => [kv.key, kv.value]),
      [
        ["from-caller", "c"],
        ["x-added", "yes"],
      ],
    );
    const ns = Number(r.timeoutNano);
    assert.ok(ns > 20e9 && ns <= 30e9, `the changed deadline is sent: ${ns / 1e9} s`);
    assert.equal(Buffer.from(r.payload).toString("hex"), "082a1207" + Buffer.from("changed").toString("hex"));
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
  });

  it("a replaced Metadata object is what is sent; a removed deadline sends none", async (t) => {
    const { peer, svc } = await connectFake(t, {
      interceptors: [
        (next) => async (req) => {
          req.metadata = new Metadata({ only: "this" });
          req.deadline = undefined;
          return next(req);
        },
      ],
    });
    const p = svc.echo({}, { metadata: { dropped: "x" }, timeoutMs: 1000 });
    const r = await peer.nextRequest();
    assert.deepEqual(
      r.metadata.map((kv) => [kv.key, kv.value]),
      [["only", "this"]],
    );
    assert.equal(Number(r.timeoutNano), 0);
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
  });

  it("a deadline shortened by an interceptor is also enforced locally", async (t) => {
    const { peer, svc } = await connectFake(t, {
      interceptors: [
        (next) => async (req) => {
          req.deadline = Date.now() + 100;
          return next(req);
        },
      ],
    });
    const p = quiet(svc.echo({}));
    await peer.nextRequest();
    await assert.rejects(p, isStatus(Code.DeadlineExceeded));
  });

  it("can answer without calling next, and can map errors", async (t) => {
    const { peer, svc } = await connectFake(t, {
      interceptors: [
        (next) => async (req) => {
          try {
            return await next(req);
          } catch (e) {
            throw new TtrpcError(`mapped: ${(e as TtrpcError).rawMessage}`, Code.Aborted);
          }
        },
        (next) => async (req) => {
          if (!req.stream && (req.message as { seq: number }).seq === 99) return { stream: false, message: { seq: 100, msg: "cached" } };
          return next(req);
        },
      ],
    });
    const cached = await svc.echo({ seq: 99 });
    assert.equal(cached.msg, "cached");
    await peer.expectQuiet(50);
    const p = quiet(svc.echo({ seq: 1 }));
    const r = await peer.nextRequest();
    await peer.send(r.frame.streamId, FrameType.Response, 0, responseBody({ code: Code.NotFound, message: "gone" }));
    await assert.rejects(p, isStatus(Code.Aborted, "mapped: gone"));
  });

  it("stream interceptors see stream requests, can add metadata and wrap the response stream", async (t) => {
    const kinds: string[] = [];
    const { peer, svc } = await connectFake(t, {
      interceptors: [
        (next) => async (req) => {
          kinds.push(`${req.method.kind}:${req.stream}`);
          if (!req.stream) return next(req);
          req.metadata.set("stream-md", "1");
          const res = (await next(req)) as StreamResponse;
          return {
            stream: true,
            message: (async function* () {
              for await (const m of res.message) yield { ...(m as object), add: (m as { add: number }).add * 10 };
            })(),
          };
        },
      ],
    });
    const s = quiet(collect(svc.divideStream({ num: 1 })));
    const r = await peer.nextRequest();
    assert.equal(r.frame.flags, FrameFlag.RemoteClosed);
    assert.deepEqual(
      r.metadata.map((kv) => [kv.key, kv.value]),
      [["stream-md", "1"]],
    );
    await peer.send(r.frame.streamId, FrameType.Data, 0, Uint8Array.of(0x08, 0x03));
    await peer.send(r.frame.streamId, FrameType.Data, FrameFlag.RemoteClosed | FrameFlag.NoData);
    assert.deepEqual(
      (await s).map((p) => p.add),
      [30],
    );

    const c = quiet(svc.sumStream((async function* () {})()));
    const r2 = await peer.nextRequest();
    await peer.next(r2.frame.streamId);
    await peer.send(r2.frame.streamId, FrameType.Response, 0, ok());
    await c;
    const b = quiet(collect(svc.echoStream((async function* () {})())));
    const r3 = await peer.nextRequest();
    await peer.next(r3.frame.streamId);
    await peer.send(r3.frame.streamId, FrameType.Data, FrameFlag.RemoteClosed | FrameFlag.NoData);
    await b;
    assert.deepEqual(kinds, ["server_streaming:true", "client_streaming:true", "bidi_streaming:true"]);
  });

  it("a client-stream interceptor can wrap the request stream", async (t) => {
    const { peer, svc } = await connectFake(t, {
      interceptors: [
        (next) => async (req) => {
          if (!req.stream) return next(req);
          const source = req.message;
          req.message = (async function* () {
            yield { add: 7 };
            yield* source;
          })();
          return next(req);
        },
      ],
    });
    const p = quiet(
      svc.sumStream(
        (async function* () {
          yield { add: 1 };
        })(),
      ),
    );
    const r = await peer.nextRequest();
    const first = await peer.next(r.frame.streamId);
    const second = await peer.next(r.frame.streamId);
    assert.deepEqual([...first.payload], [0x08, 7]);
    assert.deepEqual([...second.payload], [0x08, 1]);
    await peer.next(r.frame.streamId);
    await peer.send(r.frame.streamId, FrameType.Response, 0, ok());
    await p;
  });
});

describe("server interceptors", { timeout: 30_000 }, () => {
  it("run in order around the handler, first outermost", async (t) => {
    const log: string[] = [];
    const h = await startServer(t, {
      inMemory: true,
      server: { interceptors: [logging(log, "a"), logging(log, "b")] },
      impl: {
        echo: (req) => {
          log.push("handler");
          return req;
        },
      },
    });
    const { svc } = await h.streaming();
    await svc.echo({});
    assert.deepEqual(log, ["a>", "b>", "handler", "<b", "<a"]);
  });

  it("see method, metadata, deadline and the handler context", async (t) => {
    const seen: unknown[] = [];
    const h = await startServer(t, {
      inMemory: true,
      server: {
        interceptors: [
          (next) => async (req) => {
            const left = req.deadline === undefined ? undefined : req.deadline - Date.now();
            seen.push(
              req.method.name,
              req.stream,
              req.metadata.get("k"),
              left !== undefined && left > 10_000,
              req.context?.method,
              req.context?.service,
            );
            return next(req);
          },
        ],
      },
    });
    const { svc } = await h.streaming();
    await svc.echo({}, { metadata: { K: "v" }, timeoutMs: 20_000 });
    assert.deepEqual(seen, ["Echo", false, "v", true, "Echo", "ttrpc.integration.streaming.Streaming"]);
  });

  it("metadata changed in place reaches the handler; the request message can be replaced", async (t) => {
    let handlerSaw: unknown;
    const h = await startServer(t, {
      inMemory: true,
      server: {
        interceptors: [
          (next) => async (req) => {
            req.metadata.set("auth-user", "alice");
            if (!req.stream) req.message = { ...(req.message as object), msg: "rewritten" };
            return next(req);
          },
        ],
      },
      impl: {
        echo: (req, ctx) => {
          handlerSaw = [req.msg, ctx.metadata.get("auth-user")];
          return req;
        },
      },
    });
    const { svc } = await h.streaming();
    await svc.echo({ msg: "original" });
    assert.deepEqual(handlerSaw, ["rewritten", "alice"]);
  });

  it("can refuse a call: the handler does not run, the client gets the error", async (t) => {
    let ran = false;
    const h = await startServer(t, {
      inMemory: true,
      server: {
        interceptors: [
          (next) => async (req) => {
            if (req.metadata.get("token") !== "secret") throw new TtrpcError("no token", Code.Unauthenticated);
            return next(req);
          },
        ],
      },
      impl: {
        echo: (req) => {
          ran = true;
          return { seq: req.seq + 1 };
        },
      },
    });
    const { svc } = await h.streaming();
    await assert.rejects(svc.echo({}), isStatus(Code.Unauthenticated, "no token"));
    assert.equal(ran, false);
    assert.equal((await svc.echo({ seq: 1 }, { metadata: { token: "secret" } })).seq, 2);
    assert.equal(ran, true);
  });

  it("an interceptor throwing a plain Error gives UNKNOWN with its message", async (t) => {
    const h = await startServer(t, {
      inMemory: true,
      server: {
        interceptors: [
          () => async () => {
            throw new Error("interceptor broke");
          },
        ],
      },
    });
    const { svc } = await h.streaming();
    await assert.rejects(svc.echo({}), isStatus(Code.Unknown, "interceptor broke"));
  });

  it("stream interceptors see stream requests and can wrap both directions", async (t) => {
    const kinds: string[] = [];
    let inputCount = 0;
    const h = await startServer(t, {
      inMemory: true,
      server: {
        interceptors: [
          (next) => async (req) => {
            kinds.push(`${req.method.name}:${req.stream}`);
            if (!req.stream) return next(req);
            const source = req.message;
            req.message = (async function* () {
              for await (const m of source) {
                inputCount++;
                yield m;
              }
            })();
            const res = (await next(req)) as StreamResponse;
            if (req.method.kind !== "bidi_streaming") return res;
            return {
              stream: true,
              message: (async function* () {
                for await (const m of res.message) yield { ...(m as object), msg: "wrapped" };
              })(),
            };
          },
        ],
      },
    });
    const { svc } = await h.streaming();
    const sum = await svc.sumStream(
      (async function* () {
        yield { add: 1 };
        yield { add: 2 };
      })(),
    );
    assert.equal(sum.sum, 3);
    const echoed = await collect(
      svc.echoStream(
        (async function* () {
          yield { seq: 1, msg: "a" };
        })(),
      ),
    );
    assert.deepEqual(
      echoed.map((e) => [e.seq, e.msg]),
      [[2, "wrapped"]],
    );
    const parts = await collect(svc.divideStream({ sum: 2, num: 1 }));
    assert.equal(parts.length, 3);
    assert.deepEqual(kinds, ["SumStream:true", "EchoStream:true", "DivideStream:true"]);
    assert.equal(inputCount, 4, "2 parts + 1 echo + the server-streaming request");
  });

  it("an interceptor can observe how long a call took (async around next)", async (t) => {
    const durations: number[] = [];
    const h = await startServer(t, {
      inMemory: true,
      server: {
        interceptors: [
          (next) => async (req) => {
            const start = Date.now();
            const res = await next(req);
            durations.push(Date.now() - start);
            return res;
          },
        ],
      },
      impl: {
        echo: async (req) => {
          await sleep(30);
          return req;
        },
      },
    });
    const { svc } = await h.streaming();
    await svc.echo({});
    assert.equal(durations.length, 1);
    assert.ok((durations[0] ?? 0) >= 20);
  });
});

describe("server interceptors replacing context values", () => {
  it("a replaced metadata object and deadline reach the handler's context", async () => {
    const { Metadata, Server, connect, createClient } = await import("../src/index.js");
    const { Streaming } = await import("./support/gen/streaming_pb.js");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "ttrpc-icpt-"));
    const far = Date.now() + 3_600_000;
    let seen: { tenant: string | undefined; deadline: number | undefined } | undefined;
    const server = new Server({
      interceptors: [
        (next) => (req) => {
          req.metadata = new Metadata({ tenant: "replaced" });
          req.deadline = far;
          return next(req);
        },
      ],
    });
    server.register(Streaming, {
      echo(req, ctx) {
        seen = { tenant: ctx.metadata.get("tenant"), deadline: ctx.deadline };
        return req;
      },
    });
    await server.listen(join(dir, "s.sock"));
    const client = await connect(join(dir, "s.sock"));
    try {
      await createClient(Streaming, client).echo({ seq: 1 }, { metadata: { tenant: "original" } });
      assert.deepEqual(seen, { tenant: "replaced", deadline: far });
    } finally {
      client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
