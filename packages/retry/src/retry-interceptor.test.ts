// The retry interceptor against a fake `next`, a fake clock and a fixed
// random source: attempts, waits and outcomes are counted, never timed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CallNext, Code, Metadata, type StreamRequest, type StreamResponse, TtrpcError, type UnaryRequest } from "@ttrpc-ts/runtime";
import type { RetryClock, RetryOptions } from "./options.js";

type MethodDef = UnaryRequest["method"];
type MethodKind = MethodDef["kind"];

import { replayable } from "./replayable.js";
import { createRetryInterceptor } from "./retry-interceptor.js";

function method(kind: MethodKind): MethodDef {
  const fail = () => {
    throw new Error("not used");
  };
  return {
    service: "test.Svc",
    name: "M",
    localName: "m",
    kind,
    encodeInput: fail,
    decodeInput: fail,
    encodeOutput: fail,
    decodeOutput: fail,
  };
}

/** A clock whose sleeps advance time at once and are recorded; `hold` makes them wait for an abort. */
class FakeClock implements RetryClock {
  t = 1_000_000;
  sleeps: number[] = [];
  hold = false;
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    this.sleeps.push(ms);
    if (!this.hold) {
      this.t += ms;
      return Promise.resolve();
    }
    return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));
  }
}

function unaryReq(extra: Partial<Pick<UnaryRequest, "deadline" | "signal">> = {}): UnaryRequest {
  return {
    stream: false,
    method: method("unary"),
    message: "req",
    metadata: new Metadata({ a: "1" }),
    context: undefined,
    deadline: undefined,
    signal: undefined,
    ...extra,
  };
}

/** A `next` that fails with `codes` in turn, then answers "ok"; counts attempts. */
function failing(codes: Code[]): { next: CallNext; attempts: () => number } {
  let n = 0;
  return {
    attempts: () => n,
    next: async (req) => {
      const code = codes[n++];
      if (code !== undefined) throw new TtrpcError(`attempt ${n}`, code);
      return req.stream ? { stream: true, message: from(["ok"]) } : { stream: false, message: "ok" };
    },
  };
}

async function* from<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

function setup(options: RetryOptions = {}) {
  const clock = new FakeClock();
  const retry = createRetryInterceptor({ clock, random: () => 1, ...options });
  return { clock, retry };
}

describe("retry interceptor, unary", () => {
  it("retries UNAVAILABLE until it succeeds, with exponential caps (random = 1)", async () => {
    const { clock, retry } = setup({ maxAttempts: 4 });
    const f = failing([Code.Unavailable, Code.Unavailable]);
    const res = await retry(f.next)(unaryReq());
    assert.deepEqual(res, { stream: false, message: "ok" });
    assert.equal(f.attempts(), 3);
    assert.deepEqual(clock.sleeps, [100, 200]);
  });

  it("stops after maxAttempts and returns the last error", async () => {
    const { clock, retry } = setup({ maxAttempts: 3 });
    const f = failing([Code.Unavailable, Code.Unavailable, Code.Unavailable, Code.Unavailable]);
    await assert.rejects(retry(f.next)(unaryReq()), (e: TtrpcError) => e.code === Code.Unavailable && e.rawMessage === "attempt 3");
    assert.equal(f.attempts(), 3);
    assert.equal(clock.sleeps.length, 2);
  });

  it("full jitter: each wait is random() times the capped exponential backoff", async () => {
    const draws = [0.5, 0.25, 0, 0.999];
    const { clock, retry } = setup({ maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 300, random: () => draws.shift() ?? 0 });
    const f = failing([Code.Unavailable, Code.Unavailable, Code.Unavailable, Code.Unavailable]);
    await retry(f.next)(unaryReq());
    assert.deepEqual(clock.sleeps, [50, 50, 0, 299.7]);
  });

  it("does not retry codes outside the list; retries the configured ones", async () => {
    const a = setup();
    const notFound = failing([Code.NotFound]);
    await assert.rejects(a.retry(notFound.next)(unaryReq()), (e: TtrpcError) => e.code === Code.NotFound);
    assert.equal(notFound.attempts(), 1);

    const b = setup({ codes: [Code.ResourceExhausted] });
    const exhausted = failing([Code.ResourceExhausted]);
    await b.retry(exhausted.next)(unaryReq());
    assert.equal(exhausted.attempts(), 2);
    const unavailable = failing([Code.Unavailable]);
    await assert.rejects(b.retry(unavailable.next)(unaryReq()));
    assert.equal(unavailable.attempts(), 1);
  });

  it("errors that are not TtrpcErrors are not retried", async () => {
    const { retry } = setup();
    let n = 0;
    await assert.rejects(
      retry(async () => {
        n++;
        throw new Error("bug");
      })(unaryReq()),
      /bug/,
    );
    assert.equal(n, 1);
  });

  it("never starts an attempt at or after the deadline; the last error is returned", async () => {
    const { clock, retry } = setup({ maxAttempts: 10 });
    const f = failing(Array(10).fill(Code.Unavailable));
    // Waits of 100 then 200 (random = 1): the second wait would end at +300, past the deadline at +250.
    await assert.rejects(retry(f.next)(unaryReq({ deadline: clock.t + 250 })), (e: TtrpcError) => e.code === Code.Unavailable);
    assert.equal(f.attempts(), 2);
    assert.deepEqual(clock.sleeps, [100]);
    assert.equal(clock.t, 1_000_100, "only the first wait ran");
  });

  it("an abort during the backoff ends the call at once with CANCELLED", async () => {
    const { clock, retry } = setup();
    clock.hold = true;
    const ac = new AbortController();
    const f = failing([Code.Unavailable]);
    const call = retry(f.next)(unaryReq({ signal: ac.signal }));
    // Let the first attempt fail and the backoff begin.
    while (clock.sleeps.length === 0) await new Promise((r) => setImmediate(r));
    ac.abort();
    await assert.rejects(call, (e: TtrpcError) => e.code === Code.Canceled);
    assert.equal(f.attempts(), 1);
  });

  it("each attempt gets its own copy of the metadata", async () => {
    const { retry } = setup();
    const seen: Metadata[] = [];
    let n = 0;
    await retry(async (req) => {
      seen.push(req.metadata);
      req.metadata.append("a", "changed");
      if (n++ === 0) throw new TtrpcError("x", Code.Unavailable);
      return { stream: false, message: "ok" };
    })(unaryReq());
    assert.deepEqual(
      seen.map((m) => m.getAll("a")),
      [
        ["1", "changed"],
        ["1", "changed"],
      ],
    );
  });

  it("reports each retry to onRetry", async () => {
    const events: string[] = [];
    const { retry } = setup({ onRetry: (e) => events.push(`${e.attempt}:${(e.error as TtrpcError).code}:${e.delayMs}`) });
    await retry(failing([Code.Unavailable, Code.Unavailable]).next)(unaryReq());
    assert.deepEqual(events, ["1:14:100", "2:14:200"]);
  });

  it("rejects impossible options with a clear RangeError", () => {
    assert.throws(() => createRetryInterceptor({ maxAttempts: 0 }), /maxAttempts must be an integer >= 1, got 0/);
    assert.throws(() => createRetryInterceptor({ maxAttempts: 1.5 }), /maxAttempts/);
    assert.throws(() => createRetryInterceptor({ multiplier: 0.5 }), /multiplier must be a finite number >= 1/);
    assert.throws(() => createRetryInterceptor({ initialBackoffMs: -1 }), /initialBackoffMs/);
    assert.throws(
      () => createRetryInterceptor({ initialBackoffMs: 500, maxBackoffMs: 100 }),
      /maxBackoffMs \(100\) is below initialBackoffMs \(500\)/,
    );
    assert.throws(() => createRetryInterceptor({ codes: [Code.OK] }), /0 is not a status code/);
  });
});

function streamReq(kind: MethodKind, message: AsyncIterable<unknown>): StreamRequest {
  return {
    stream: true,
    method: method(kind),
    message,
    metadata: new Metadata(),
    context: undefined,
    deadline: undefined,
    signal: undefined,
  };
}

async function collect(res: Awaited<ReturnType<CallNext>>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const m of (res as StreamResponse).message) out.push(m);
  return out;
}

describe("retry interceptor, streams", () => {
  it("bidi streams are never retried", async () => {
    const { retry } = setup();
    const f = failing([Code.Unavailable]);
    await assert.rejects(retry(f.next)(streamReq("bidi_streaming", from([1]))));
    assert.equal(f.attempts(), 1);
  });

  it("client-streaming: retried only with replayable messages, each attempt sending all of them", async () => {
    const { retry } = setup();
    const plain = failing([Code.Unavailable]);
    await assert.rejects(retry(plain.next)(streamReq("client_streaming", from([1, 2]))));
    assert.equal(plain.attempts(), 1);

    const sent: unknown[][] = [];
    let n = 0;
    const res = await retry(async (req) => {
      const got: unknown[] = [];
      for await (const m of (req as StreamRequest).message) got.push(m);
      sent.push(got);
      // The failure arrives as the response is read, as from a real connection.
      const fails = n++ === 0;
      return {
        stream: true,
        message: (async function* () {
          if (fails) throw new TtrpcError("down", Code.Unavailable);
          yield "sum";
        })(),
      };
    })(streamReq("client_streaming", replayable([1, 2])));
    assert.deepEqual(await collect(res), ["sum"]);
    assert.deepEqual(sent, [
      [1, 2],
      [1, 2],
    ]);
  });

  it("server-streaming: not retried by default; with serverStreaming, retried until the first message", async () => {
    const off = setup();
    const f = failing([Code.Unavailable]);
    await assert.rejects(retry1(off.retry, f.next));
    assert.equal(f.attempts(), 1);

    const on = setup({ serverStreaming: true });
    const requests: unknown[] = [];
    let n = 0;
    const next: CallNext = async (req) => {
      for await (const m of (req as StreamRequest).message) requests.push(m);
      const attempt = ++n;
      return {
        stream: true,
        message: (async function* () {
          if (attempt === 1) throw new TtrpcError("down", Code.Unavailable);
          yield "a";
          // After a first message a failure is not retried.
          throw new TtrpcError("later", Code.Unavailable);
        })(),
      };
    };
    const res = await on.retry(next)(streamReq("server_streaming", from(["request"])));
    const got: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const m of (res as StreamResponse).message) got.push(m);
      })(),
      (e: TtrpcError) => e.rawMessage === "later",
    );
    assert.deepEqual(got, ["a"]);
    assert.equal(n, 2);
    assert.deepEqual(requests, ["request", "request"], "the request message is sent again");
  });
});

async function retry1(retry: ReturnType<typeof createRetryInterceptor>, next: CallNext): Promise<unknown[]> {
  return collect(await retry(next)(streamReq("server_streaming", from(["r"]))));
}
