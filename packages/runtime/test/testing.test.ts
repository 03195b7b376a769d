// @ttrpc-ts/runtime/testing: in-memory server/client pairs, fakes, contexts.
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, Metadata, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { connectInMemory, createHandlerContext, createTestClient } from "@ttrpc-ts/runtime/testing";
import { assertFailed } from "./support/errors.js";
import { Streaming, streamingImpl } from "./support/harness.js";
import { settle } from "./support/wait.js";

describe("@ttrpc-ts/runtime/testing", () => {
  it("createTestClient: a typed client backed by a fake implementation; missing methods are UNIMPLEMENTED", async () => {
    const calls: string[] = [];
    const fake = createTestClient(Streaming, {
      async echo(req, ctx) {
        calls.push(`${ctx.method} ${ctx.metadata.get("who") ?? ""}`);
        return { seq: req.seq * 10, msg: req.msg };
      },
    });
    assert.deepEqual(await fake.echo({ seq: 4, msg: "m" }, { metadata: { who: "test" } }), {
      $typeName: "ttrpc.integration.streaming.EchoPayload",
      seq: 40,
      msg: "m",
    });
    assert.deepEqual(calls, ["Echo test"]);
    const r = await settle(fake.sumStream((async function* () {})()));
    assertFailed(r, Code.Unimplemented, /method SumStream/);
    assert.ok(!r.ok && r.error instanceof TtrpcError);
  });

  it("connectInMemory: the server's limits, deadlines and peer apply as over a socket", async () => {
    const server = new Server({ maxMessageSize: 64 }).register(Streaming, streamingImpl());
    const conn = connectInMemory(server, { peer: { pid: 42 } });
    const ok = await conn.unary(Streaming.method.echo, { seq: 1, msg: "x" });
    assert.equal((ok as { seq: number }).seq, 2);
    assertFailed(await settle(conn.unary(Streaming.method.echo, { seq: 1, msg: "x".repeat(100) })), Code.ResourceExhausted);
    const parts: number[] = [];
    for await (const p of conn.serverStream<unknown, { add: number }>(Streaming.method.divideStream, { sum: 6, num: 3 })) parts.push(p.add);
    assert.equal(
      parts.reduce((a, b) => a + b, 0),
      6,
    );
    assert.equal(server.connectionCount, 1);
    conn.close();
    await new Promise((r) => setImmediate(r));
    assert.equal(server.connectionCount, 0, "closing the client ends the server side");
  });

  it("createHandlerContext: every field optional; metadata from a plain object; timeoutMs sets the deadline", () => {
    const ctx = createHandlerContext({ metadata: { tenant: "acme" }, timeoutMs: 1000 });
    assert.equal(ctx.metadata.get("tenant"), "acme");
    assert.ok(ctx.deadline !== undefined && ctx.deadline > Date.now() && ctx.deadline <= Date.now() + 1000);
    assert.equal(ctx.signal.aborted, false);
    const bare = createHandlerContext();
    assert.equal(bare.metadata.size, 0);
    assert.equal(bare.deadline, undefined);
    const md = new Metadata({ a: "1" });
    assert.equal(createHandlerContext({ metadata: md }).metadata, md);
  });
});
