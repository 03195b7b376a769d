// Restarts: the server killed (SIGKILL) and restarted under a
// connected client, and the socket file removed under a running server.
import * as assert from "node:assert/strict";
import { existsSync, unlinkSync } from "node:fs";
import { describe, it } from "node:test";
import { Code, connect } from "@ttrpc-ts/runtime";
import { startChildServer } from "../support/child-server.js";
import { assertFailed } from "../support/errors.js";
import { goodCalls } from "../support/good-client.js";
import { expectResourcesAtBaseline, Harness, resourceCounts } from "../support/harness.js";
import { socketPath } from "../support/socket-path.js";
import { type Msg, msg, TestMethods } from "../support/test-service.js";
import { collect, settle, within } from "../support/wait.js";

describe("server process killed and restarted", () => {
  it("kill -9 mid-call: pending calls fail UNAVAILABLE promptly; after a restart a new connect works", async (t) => {
    const baseline = resourceCounts();
    const path = socketPath("child");
    let server = await startChildServer(path);
    t.after(() => server.kill("SIGKILL"));
    const client = await connect(path);
    await goodCalls(client, 20, 4);
    const forever = async function* (): AsyncIterable<Msg> {
      for (let i = 0; ; i++) {
        yield msg({ id: i });
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const pending = [
      client.unary(TestMethods.hang, msg()),
      client.unary(TestMethods.echo, msg({ delayMs: 30_000 })),
      collect(client.serverStream(TestMethods.ticks, msg({ count: 0, delayMs: 2 }))),
      client.clientStream(TestMethods.sum, forever()),
      collect(client.bidiStream(TestMethods.chat, forever())),
    ].map((p) => settle(p));
    await new Promise((r) => setTimeout(r, 100));
    const start = Date.now();
    assert.equal(await server.kill("SIGKILL"), "SIGKILL");
    const results = await within(Promise.all(pending), 3000, "pending calls settle after kill -9");
    const elapsed = Date.now() - start;
    t.diagnostic(`5 pending calls settled ${elapsed} ms after kill -9`);
    assert.ok(elapsed < 2000, `settled ${elapsed} ms after the kill`);
    for (const r of results) assertFailed(r, Code.Unavailable, /^ttrpc: closed/);
    assert.equal(client.closed, true);
    assert.equal(client.activeCalls, 0);
    assertFailed(await settle(client.unary(TestMethods.echo, msg())), Code.Unavailable, /^ttrpc: closed/);
    // The killed server left its socket file behind: connecting is refused, clearly.
    assert.ok(existsSync(path), "stale socket file left by the killed process");
    const refused = await settle(connect(path));
    assertFailed(refused, Code.Unavailable, /connection refused \(no server is listening on this socket\)/);
    // A restarted server replaces the stale file; new connections work.
    server = await startChildServer(path);
    const again = await connect(path);
    await goodCalls(again, 50, 8);
    assert.deepEqual(
      await collect(again.serverStream<Msg, Msg>(TestMethods.ticks, msg({ count: 5 }))).then((m) => m.map((x) => x.seq)),
      [1, 2, 3, 4, 5],
    );
    again.close();
    assert.equal(await server.kill("SIGTERM"), 0, "graceful exit on SIGTERM");
    assert.equal(existsSync(path), false, "the socket file is removed on shutdown");
    await expectResourcesAtBaseline(baseline);
  });
});

describe("socket file removed", () => {
  it("existing connections keep working; new connects fail UNAVAILABLE with the reason", async (t) => {
    const h = await Harness.start(t);
    const client = await h.client();
    await goodCalls(client, 10, 2);
    unlinkSync(h.path);
    await goodCalls(client, 50, 8);
    const r = await settle(connect(h.path));
    assertFailed(r, Code.Unavailable, `connect ${h.path}: no such socket (is the server running?)`);
    await goodCalls(client, 10, 2);
    await h.expectIdle(1);
    // close() copes with the file being gone already.
    client.close();
    await h.close();
  });
});
