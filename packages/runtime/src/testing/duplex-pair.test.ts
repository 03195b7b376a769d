import assert from "node:assert/strict";
import type { Duplex } from "node:stream";
import { describe, it } from "node:test";
import { duplexPair, fallbackPair } from "./duplex-pair.js";

async function read(d: Duplex, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of d) {
    chunks.push(c as Buffer);
    n += (c as Buffer).length;
    if (n >= bytes) break;
  }
  return Buffer.concat(chunks);
}

for (const [name, make] of [
  ["duplexPair", duplexPair],
  ["fallbackPair (Node 20)", fallbackPair],
] as const) {
  describe(name, () => {
    it("carries bytes both ways, in order", async () => {
      const [a, b] = make();
      a.write("hello ");
      a.write("world");
      b.write(Buffer.from([1, 2, 3]));
      assert.equal((await read(b, 11)).toString(), "hello world");
      assert.deepEqual([...(await read(a, 3))], [1, 2, 3]);
      a.destroy();
      b.destroy();
    });

    it("applies backpressure: a write completes only when the other side reads", async () => {
      const [a, b] = make();
      const big = Buffer.alloc(64 * 1024 * 8);
      let done = false;
      a.write(big, () => {
        done = true;
      });
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(done, false, "nobody read yet");
      assert.equal((await read(b, big.length)).length, big.length);
      await new Promise((r) => setImmediate(r));
      assert.equal(done, true);
      a.destroy();
    });

    it("end on one side ends the other", async () => {
      const [a, b] = make();
      a.end("x");
      const chunks: Buffer[] = [];
      for await (const c of b) chunks.push(c as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), "x");
      b.destroy();
    });
  });
}

describe("duplexPair destroy", () => {
  it("destroying one side closes the other, as a socket would", async () => {
    const [a, b] = duplexPair();
    const closed = new Promise((r) => b.once("close", r));
    a.destroy();
    await closed;
    assert.equal(b.destroyed, true);
  });
});
