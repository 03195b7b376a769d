// The retry interceptor on a real connection: a handler that fails with
// UNAVAILABLE a set number of times. Counts calls; the backoff is 1 ms.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Code, connect, createClient, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { createRetryInterceptor, replayable } from "../src/index.js";
import { Streaming } from "./gen/ttrpc/integration/streaming/test_pb.js";

describe("retry interceptor over a socket", () => {
  it("unary and replayable client-streaming calls succeed after failures; the handler runs once per attempt", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "ttrpc-retry-"));
    let echoCalls = 0;
    let sumCalls = 0;
    const server = new Server();
    server.register(Streaming, {
      echo: (req) => {
        if (++echoCalls <= 2) throw new TtrpcError("warming up", Code.Unavailable);
        return { seq: req.seq + 1, msg: req.msg };
      },
      async sumStream(parts) {
        let sum = 0;
        for await (const p of parts) sum += p.add;
        if (++sumCalls === 1) throw new TtrpcError("warming up", Code.Unavailable);
        return { sum, num: 0 };
      },
    });
    await server.listen(join(dir, "s.sock"));
    const client = await connect(join(dir, "s.sock"), {
      interceptors: [createRetryInterceptor({ initialBackoffMs: 1, maxBackoffMs: 1 })],
    });
    t.after(async () => {
      client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const svc = createClient(Streaming, client);
    assert.equal((await svc.echo({ seq: 1, msg: "x" })).seq, 2);
    assert.equal(echoCalls, 3);
    assert.equal((await svc.sumStream(replayable([{ add: 2 }, { add: 3 }]))).sum, 5);
    assert.equal(sumCalls, 2);

    echoCalls = 0;
    const once = await connect(join(dir, "s.sock"), { interceptors: [createRetryInterceptor({ maxAttempts: 2, initialBackoffMs: 1 })] });
    t.after(() => once.close());
    await assert.rejects(createClient(Streaming, once).echo({ seq: 1, msg: "" }), (e: TtrpcError) => e.code === Code.Unavailable);
    assert.equal(echoCalls, 2);
  });
});
