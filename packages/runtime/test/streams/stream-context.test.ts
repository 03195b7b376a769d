// Metadata and deadline travel on streams too (Go's NewStream sends
// neither, its #159) and stream handlers get them like unary ones.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, createClient, type HandlerContext, Server } from "@ttrpc-ts/runtime";
import { Streaming } from "../support/gen/streaming_pb.js";

describe("stream handlers see metadata and deadline", () => {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-sctx-"));
  const socket = join(dir, "s.sock");
  const server = new Server();
  const seen = new Map<string, { tenant: string[]; remaining: number | undefined }>();
  const record = (kind: string, ctx: HandlerContext) =>
    seen.set(kind, { tenant: ctx.metadata.getAll("tenant"), remaining: ctx.timeRemaining() });

  before(async () => {
    server.register(Streaming, {
      async *divideStream(_req, ctx) {
        record("server", ctx);
        yield { add: 1 };
      },
      async sumStream(parts, ctx) {
        record("client", ctx);
        for await (const _ of parts);
        return {};
      },
      async *echoStream(reqs, ctx) {
        record("bidi", ctx);
        for await (const r of reqs) yield r;
      },
    });
    await server.listen(socket);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("server-streaming, client-streaming and bidi", async () => {
    const client = await connect(socket);
    const svc = createClient(Streaming, client);
    const opts = { timeoutMs: 5000, metadata: { Tenant: ["acme", "beta"] } };
    async function* one<T>(v: T) {
      yield v;
    }
    try {
      for await (const _ of svc.divideStream({ sum: 1, num: 1 }, opts));
      await svc.sumStream(one({ add: 1 }), opts);
      for await (const _ of svc.echoStream(one({ seq: 1 }), opts));
    } finally {
      client.close();
    }
    for (const kind of ["server", "client", "bidi"]) {
      const s = seen.get(kind);
      assert.ok(s, `${kind}-streaming handler did not run`);
      assert.deepEqual(s.tenant, ["acme", "beta"], kind);
      assert.ok(s.remaining !== undefined && s.remaining > 3000 && s.remaining <= 5000, `${kind}: ${s.remaining} ms left`);
    }
  });
});
