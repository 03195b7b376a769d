import * as assert from "node:assert/strict";
import type { Connection } from "@ttrpc-ts/runtime";
import { msg, TestMethods } from "./test-service.js";

/**
 * Makes `total` Echo calls, `concurrency` at a time, each with a 5 s
 * timeout, and checks every answer is the request echoed back.
 */
export async function goodCalls(client: Connection, total = 50, concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const id = ++next;
      const res = await client.unary<ReturnType<typeof msg>, ReturnType<typeof msg>>(TestMethods.echo, msg({ id, text: `good ${id}` }), {
        timeoutMs: 5000,
      });
      assert.equal(res.id, id);
      assert.equal(res.text, `good ${id}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Keeps a well-behaved client calling until `stop()` is called; `stop`
 * resolves with the number of calls completed and rethrows the first failure.
 */
export function keepCalling(client: Connection): { stop(): Promise<number> } {
  let running = true;
  let done = 0;
  const loop = (async () => {
    while (running) {
      await goodCalls(client, 4, 4);
      done += 4;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return done;
    },
  };
}
