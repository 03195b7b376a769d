// Graceful shutdown under load. Calls accepted before
// shutdown() complete; new connections and new calls are refused; past the
// drain deadline the remaining calls end with UNAVAILABLE.
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { Code, connect } from "@ttrpc-ts/runtime";
import { assertFailed, assertTtrpcError } from "../support/errors.js";
import { Harness } from "../support/harness.js";
import { type Msg, msg, requestFrame, TestMethods } from "../support/test-service.js";
import { collect, settle, waitFor, within } from "../support/wait.js";

describe("graceful shutdown", () => {
  it("under load: every accepted call completes, new connections and calls are refused", async (t) => {
    const h = await Harness.start(t);
    const clients = await Promise.all(Array.from({ length: 4 }, () => h.client()));
    const unary: Array<Promise<Msg>> = [];
    const streams: Array<Promise<Msg[]>> = [];
    let id = 0;
    for (const c of clients) {
      for (let i = 0; i < 50; i++) {
        const n = ++id;
        // Long enough that the first calls are still running when the last is
        // accepted, even on a loaded machine (100 ms was not: the count of 204
        // was never reached at once).
        unary.push(c.unary<Msg, Msg>(TestMethods.echo, msg({ id: n, delayMs: 1500 + (n % 7) * 40 })));
      }
      streams.push(collect(c.serverStream<Msg, Msg>(TestMethods.ticks, msg({ id: ++id, count: 20, delayMs: 80 }))));
    }
    await waitFor(
      () => h.server.activeCalls === 204,
      5000,
      () => `204 calls accepted (${h.server.activeCalls})`,
    );
    const start = Date.now();
    const shutdown = h.server.shutdown();
    // New calls on a connection that is draining: refused, clearly.
    const late = await settle(clients[0]!.unary(TestMethods.echo, msg()));
    assertFailed(late, Code.Unavailable, "ttrpc: server shutting down");
    // New connections: the listener is closed and its file removed.
    assertFailed(await settle(connect(h.path)), Code.Unavailable, /no such socket/);
    const done = await within(Promise.all(unary), 5000, "accepted unary calls complete");
    assert.deepEqual(
      done.map((m) => m.id).sort((a, b) => a - b),
      Array.from({ length: 204 }, (_, i) => i + 1).filter((n) => n % 51 !== 0),
    );
    for (const s of await within(Promise.all(streams), 5000, "accepted streams complete")) assert.equal(s.length, 20);
    await within(shutdown, 5000, "shutdown resolves once drained");
    t.diagnostic(`drained 204 calls in ${Date.now() - start} ms`);
    assert.equal(h.server.connectionCount, 0);
    await within(Promise.all(clients.map((c) => c.wait())), 3000, "clients see their connection closed");
    await h.expectIdle(0);
  });

  it("a unary call that has sent nothing yet is waited for (Go closes it, §1.15)", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client();
    const call = c.unary<Msg, Msg>(TestMethods.echo, msg({ id: 5, delayMs: 300 }));
    await waitFor(() => h.server.activeCalls === 1, 3000, "call accepted");
    await h.server.shutdown();
    assert.equal((await call).id, 5);
    await h.expectIdle(0);
  });

  it("past the drain deadline, remaining calls end with UNAVAILABLE", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client();
    const hung = [
      ...Array.from({ length: 10 }, () => c.unary(TestMethods.hang, msg())),
      collect(c.serverStream(TestMethods.ticks, msg({ count: 0, delayMs: 20 }))),
      collect(
        c.bidiStream(
          TestMethods.chat,
          (async function* () {
            yield msg();
            await new Promise(() => {});
          })(),
        ),
      ),
    ].map((p) => settle(p));
    const quick = c.unary<Msg, Msg>(TestMethods.echo, msg({ id: 1, delayMs: 50 }));
    await waitFor(() => h.server.activeCalls === 13, 3000, "13 calls accepted");
    const start = Date.now();
    await within(h.server.shutdown({ timeoutMs: 300 }), 3000, "shutdown with a deadline resolves");
    const ms = Date.now() - start;
    t.diagnostic(`shutdown({timeoutMs: 300}) took ${ms} ms`);
    // Not before the deadline; how long after it depends on the machine's load.
    assert.ok(ms >= 250, `shutdown took ${ms} ms`);
    assert.equal((await quick).id, 1, "a call that finished within the deadline succeeded");
    for (const r of await within(Promise.all(hung), 3000, "hung calls settle")) assertFailed(r, Code.Unavailable, "ttrpc: server closed");
    await waitFor(() => h.probe.running === 0, 3000, "handlers stopped");
    assert.equal(h.probe.abortReasons.length, 12);
    for (const reason of h.probe.abortReasons) assertTtrpcError(reason, Code.Unavailable, "ttrpc: server closed");
    await h.expectIdle(0);
  });

  it("the last call to end while draining still gets its own final frame (error or end of stream)", async (t) => {
    const h = await Harness.start(t);
    const c = await h.client();
    // Each case is the only call on its connection, so it is the last one
    // to end while the server drains.
    const failing = settle(c.unary(TestMethods.echo, msg({ id: 3, delayMs: 100, text: "throw" })));
    await waitFor(() => h.server.activeCalls === 1, 3000, "call accepted");
    const c2 = await h.client();
    const stream = settle(collect(c2.serverStream<Msg, Msg>(TestMethods.ticks, msg({ count: 5, delayMs: 40 }))));
    await waitFor(() => h.server.activeCalls === 2, 3000, "stream accepted");
    await within(h.server.shutdown(), 3000, "shutdown resolves");
    assertFailed(await failing, Code.NotFound, "thing 3 not found");
    const s = await stream;
    assert.ok(s.ok, `stream ended cleanly, got ${s.ok ? "" : String(s.error)}`);
    assert.equal(s.value.length, 5);
    await h.expectIdle(0);
  });

  it("idle, stalled and half-open connections do not hold shutdown up", async (t) => {
    const h = await Harness.start(t);
    const idle = await h.client();
    const stalled = await h.raw();
    await stalled.write(requestFrame(1, "Echo").subarray(0, 4));
    // A peer that never closes its side (half-open) and never reads.
    const halfOpen = net.connect({ path: h.path, allowHalfOpen: true });
    halfOpen.on("error", () => {});
    await new Promise((resolve) => halfOpen.once("connect", resolve));
    halfOpen.pause();
    t.after(() => halfOpen.destroy());
    await waitFor(() => h.server.connectionCount === 3, 3000, "3 connections");
    const start = Date.now();
    await within(h.server.shutdown(), 5000, "shutdown resolves");
    t.diagnostic(`shutdown with idle, stalled and half-open peers took ${Date.now() - start} ms`);
    assert.equal(h.server.connectionCount, 0);
    await within(idle.wait(), 3000, "idle client sees the close");
    await stalled.waitClosed(3000);
    halfOpen.destroy();
    await h.expectIdle(0);
  });

  it("a connection accepted while its onConnection hook is pending during shutdown is refused", async (t) => {
    let release: ((ok: boolean) => void) | undefined;
    const h = await Harness.start(t, {
      onConnection: () =>
        new Promise<boolean>((resolve) => {
          release = resolve;
        }),
    });
    const c = await h.client();
    const call = settle(c.unary(TestMethods.echo, msg()));
    await waitFor(() => release !== undefined, 3000, "hook called");
    await new Promise((r) => setTimeout(r, 20));
    const shutdown = h.server.shutdown();
    release?.(true);
    await within(shutdown, 3000, "shutdown resolves");
    assertFailed(await within(call, 3000, "call settles"), Code.Unavailable);
    assert.equal(h.probe.started.size, 0, "no handler ran");
    await h.expectIdle(0);
  });
});
