// Stream back-pressure (PROTOCOL.md §8): a fast producer must not grow memory without bound,
// and a slow (but progressing) consumer keeps its stream.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, Connection, connect, createClient, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { EchoPayloadSchema, Streaming } from "../support/gen/streaming_pb.js";

const MiB = 1024 * 1024;

describe("stream back-pressure", () => {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-bp-"));
  const socket = join(dir, "s.sock");
  let produced = 0;
  const server = new Server({ streamBufferSize: 4, streamBufferTimeoutMs: 1000 });

  before(async () => {
    server.register(Streaming, {
      async *echoStream(reqs) {
        for await (const r of reqs) yield r;
      },
      async *emptyPayloadStream() {
        const msg = "y".repeat(16 * 1024);
        for (let i = 0; i < 40; i++) {
          produced++;
          yield { seq: i, msg };
        }
      },
    });
    await server.listen(socket);
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bidi echo of 10,000 messages of 64 KiB: bytes buffered each way stay within the budgets", async () => {
    // Counted in bytes, never RSS (which depends on when the collector runs).
    const sock = net.connect(socket);
    await once(sock, "connect");
    const client = new Connection(sock);
    const svc = createClient(Streaming, client);
    const msg = "z".repeat(64 * 1024 - 16);
    const size = toBinary(EchoPayloadSchema, create(EchoPayloadSchema, { seq: 1, msg })).length;
    assert.ok(size >= 64 * 1024 - 16);
    const count = 10_000;
    async function* requests() {
      for (let i = 0; i < count; i++) yield { seq: i, msg };
    }
    const peak = { out: 0, clientIn: 0, serverIn: 0 };
    const sample = () => {
      peak.out = Math.max(peak.out, sock.writableLength);
      peak.clientIn = Math.max(peak.clientIn, client.bufferedBytes);
      peak.serverIn = Math.max(peak.serverIn, server.bufferedBytes);
    };
    const sampler = setInterval(sample, 1);
    let received = 0;
    try {
      for await (const e of svc.echoStream(requests())) {
        sample();
        assert.equal(e.seq, received);
        received++;
      }
    } finally {
      clearInterval(sampler);
      client.close();
    }
    assert.equal(received, count);
    // 640 MiB go each way. Out: the socket's mark plus the frames of one
    // tick. In: at most the stream buffers (4 messages on the server, 4 MiB
    // on the client) plus one message.
    assert.ok(peak.out <= 1 * MiB, `client queued ${peak.out} bytes out`);
    assert.ok(peak.serverIn <= 5 * size, `server held ${peak.serverIn} bytes unread`);
    assert.ok(peak.clientIn <= 4 * MiB + size, `client held ${peak.clientIn} bytes unread`);
  });

  it("a slow consumer that keeps reading is not failed, and the producer is held back", async () => {
    const client = await connect(socket, { streamBufferSize: 4, streamBufferTimeoutMs: 500 });
    const svc = createClient(Streaming, client);
    produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    try {
      for await (const e of svc.emptyPayloadStream({})) {
        assert.equal(e.seq, consumed);
        consumed++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        // Slower than the producer, but never stalled for the buffer timeout.
        await sleep(25);
      }
    } finally {
      client.close();
    }
    assert.equal(consumed, 40);
    // 16 KiB messages: what is in flight is bounded by the stream buffer,
    // the socket's buffers and one write high-water mark, far below 40.
    assert.ok(maxAhead < 40, `producer ran ${maxAhead} messages ahead of the consumer`);
  });

  it("a stream nobody reads fails with RESOURCE_EXHAUSTED after the timeout; other calls go on", async () => {
    const client = await connect(socket, { streamBufferSize: 2, streamBufferTimeoutMs: 300 });
    const svc = createClient(Streaming, client);
    try {
      const it = svc.emptyPayloadStream({})[Symbol.asyncIterator]();
      const first = await it.next();
      assert.equal(first.value?.seq, 0);
      // Do not read more. Other traffic on the same connection still works.
      const started = Date.now();
      async function* reqs() {
        for (let i = 0; i < 5; i++) yield { seq: i, msg: "a" };
      }
      const echoed: number[] = [];
      for await (const e of svc.echoStream(reqs())) echoed.push(e.seq);
      assert.deepEqual(echoed, [0, 1, 2, 3, 4]);
      assert.ok(Date.now() - started < 5000);
      await sleep(400);
      await assert.rejects(
        (async () => {
          for (;;) if ((await it.next()).done) break;
        })(),
        (e: unknown) => e instanceof TtrpcError && e.code === Code.ResourceExhausted && e.rawMessage === "ttrpc: stream buffer full",
      );
      assert.equal(client.activeCalls, 0);
    } finally {
      client.close();
    }
  });
});
