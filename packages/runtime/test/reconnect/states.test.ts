// ReconnectingConnection's state model, over in-memory connections whose
// "server" the test takes down and brings back at will.
import * as assert from "node:assert/strict";
import type { Duplex } from "node:stream";
import { describe, it, type TestContext } from "node:test";
import { Code, createClient, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { type ConnectionState, ReconnectingConnection } from "@ttrpc-ts/runtime/reconnect";
import { duplexPair } from "@ttrpc-ts/runtime/testing";
import { assertFailed } from "../support/errors.js";
import { Streaming, streamingImpl } from "../support/harness.js";
import { settle, waitFor } from "../support/wait.js";

/** Closes `rc` when the test ends, passed or failed: a failed assertion must not leave it redialing. */
function closedAfter(t: TestContext, rc: ReconnectingConnection): ReconnectingConnection {
  t.after(() => rc.close());
  return rc;
}

/** A client of a ReconnectingConnection whose server is down, so every call waits (up to `waitTimeoutMs`). */
function waitingOnDownServer(t: TestContext, waitTimeoutMs: number) {
  const srv = switchable();
  srv.down();
  const rc = closedAfter(t, new ReconnectingConnection("mem", { dial: srv.dial, backoff: { initialMs: 5, maxMs: 20 }, waitTimeoutMs }));
  return { rc, svc: createClient(Streaming, rc) };
}

/** A server that can be switched off: while down, dials fail like ECONNREFUSED. */
function switchable() {
  const server = new Server().register(Streaming, {
    ...streamingImpl(),
    // Never answers until the connection goes.
    async echoNull(_reqs, ctx) {
      await new Promise((r) => ctx.signal.addEventListener("abort", r));
      return {};
    },
  });
  const ends: Duplex[] = [];
  let up = true;
  let dials = 0;
  return {
    dial: async (): Promise<Duplex> => {
      dials++;
      if (!up) throw new Error("connection refused");
      const [a, b] = duplexPair();
      server.serve(b);
      ends.push(b);
      return a;
    },
    down() {
      up = false;
      for (const e of ends.splice(0)) e.destroy();
    },
    up() {
      up = true;
    },
    get dials() {
      return dials;
    },
  };
}

function track(rc: ReconnectingConnection): ConnectionState[] {
  const states: ConnectionState[] = [rc.state];
  rc.onStateChange((s) => states.push(s));
  return states;
}

describe("ReconnectingConnection", () => {
  it("idle until the first call; ready; a drop fails calls in flight UNAVAILABLE, then redials; close is for good", async (t) => {
    const srv = switchable();
    const closes: TtrpcError[] = [];
    const rc = closedAfter(
      t,
      new ReconnectingConnection("mem", { dial: srv.dial, backoff: { initialMs: 5, maxMs: 20 }, onClose: (e) => closes.push(e) }),
    );
    const states = track(rc);
    assert.equal(rc.state, "idle");
    assert.equal(srv.dials, 0, "nothing dialed before the first call");
    const svc = createClient(Streaming, rc);
    assert.equal((await svc.echo({ seq: 1, msg: "a" })).seq, 2);
    assert.equal(rc.state, "ready");

    async function* never() {
      yield { seq: 1, msg: "x" };
      await new Promise(() => {});
    }
    const inFlight = settle(svc.echoNull(never()));
    await waitFor(() => rc.activeCalls === 1, 2000, "call in flight");
    srv.down();
    assertFailed(await inFlight, Code.Unavailable, /closed/);
    await waitFor(() => rc.state === "connecting", 2000, "connecting after the drop");
    // Calls made now wait for the server to come back.
    const waiting = [svc.echo({ seq: 10 }), svc.echo({ seq: 20 })];
    await waitFor(() => srv.dials >= 4, 2000, "redial attempts while down");
    srv.up();
    assert.deepEqual(
      (await Promise.all(waiting)).map((r) => r.seq),
      [11, 21],
    );
    assert.equal(rc.connects, 2);
    assert.equal(closes.length, 0, "a drop is not a close");

    rc.close();
    assert.equal(rc.state, "closed");
    assertFailed(await settle(svc.echo({ seq: 1 })), Code.Unavailable, /client closed/);
    await new Promise((r) => setImmediate(r));
    assert.equal(closes.length, 1);
    assert.deepEqual(states, ["idle", "connecting", "ready", "connecting", "ready", "closed"]);
  });

  it("a waiting call ends at its deadline (DEADLINE_EXCEEDED), its signal (CANCELLED) or waitTimeoutMs (UNAVAILABLE)", async (t) => {
    const { rc, svc } = waitingOnDownServer(t, 150);
    assertFailed(await settle(svc.echo({}, { timeoutMs: 40 })), Code.DeadlineExceeded, /waiting for a connection/);
    const ac = new AbortController();
    const aborted = settle(svc.echo({}, { signal: ac.signal }));
    ac.abort();
    assertFailed(await aborted, Code.Canceled);
    assertFailed(await settle(svc.echo({})), Code.Unavailable, /not connected to mem after 150 ms: .*connection refused/);
    // Streams wait the same way, from their first read.
    const drain = async (): Promise<number> => {
      let n = 0;
      for await (const _ of svc.divideStream({ sum: 1, num: 1 }, { timeoutMs: 30 })) n++;
      return n;
    };
    assertFailed(await settle(drain()), Code.DeadlineExceeded);
    assert.equal(rc.state, "connecting");
    rc.close();
  });

  it("a wait that its deadline ends is DEADLINE_EXCEEDED even when the timer fires before Date.now() reaches the deadline", async (t) => {
    // Timers and Date.now() round differently: a timer may fire a
    // millisecond "early" by the wall clock. Here the wall clock lags 5 ms.
    const { svc } = waitingOnDownServer(t, 1000);
    const realNow = Date.now;
    t.after(() => {
      Date.now = realNow;
    });
    const call = settle(svc.echo({}, { timeoutMs: 30 }));
    Date.now = () => realNow() - 5;
    assertFailed(await call, Code.DeadlineExceeded, /waiting for a connection/);
  });

  it("maxAttempts failed dials in a row: closed for good, waiting calls fail, onClose fires once", async (t) => {
    const srv = switchable();
    srv.down();
    const closes: string[] = [];
    const rc = closedAfter(t, new ReconnectingConnection("mem", { dial: srv.dial, maxAttempts: 3, backoff: { initialMs: 1, maxMs: 5 } }));
    rc.onClose((e) => closes.push(e.rawMessage));
    const r = await settle(rc.ready());
    assertFailed(r, Code.Unavailable, /gave up reconnecting to mem after 3 attempts: .*connection refused/);
    assert.equal(srv.dials, 3);
    assert.equal(rc.state, "closed");
    await new Promise((res) => setImmediate(res));
    assert.equal(closes.length, 1);
    assert.ok(r.ok === false && r.error instanceof TtrpcError, "the application's TtrpcError class");
  });
});
