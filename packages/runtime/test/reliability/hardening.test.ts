// The defences of PROTOCOL.md "Limits and defences": each case counts
// entries, bytes or calls (never RSS or wall-clock thresholds) and fails
// without its defence.
import * as assert from "node:assert/strict";
import { once } from "node:events";
import * as net from "node:net";
import { Duplex } from "node:stream";
import { describe, it } from "node:test";
import { Code, Connection, type HandlerContext, Server } from "@ttrpc-ts/runtime";
import { encodeFrame, encodeFrameHeader, FrameType, type MethodDef } from "@ttrpc-ts/runtime/protocol";
import { assertFailed } from "../support/errors.js";
import { Harness } from "../support/harness.js";
import { RawPeer } from "../support/raw-peer.js";
import { socketPath } from "../support/socket-path.js";
import { decodeMsg, encodeMsg, type Msg, msg, requestFrame, SERVICE, TestMethods, testRequestBody } from "../support/test-service.js";
import { settle, waitFor, within } from "../support/wait.js";
import { requestBody } from "../support/wire.js";

const MiB = 1 << 20;

/** A Request for Echo with `n` metadata entries `{k: v}`, built raw. */
function metadataFlood(service: string, n: number): Uint8Array {
  const head = testRequestBody("Echo", encodeMsg(msg({ id: 1 })), service);
  const entry = [0x2a, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76];
  const out = new Uint8Array(head.length + n * entry.length);
  out.set(head, 0);
  for (let i = 0; i < n; i++) out.set(entry, head.length + i * entry.length);
  return out;
}

describe("hardening: bounded cost per peer", () => {
  it("metadata over 1024 entries is RESOURCE_EXHAUSTED; an unknown service is UNIMPLEMENTED before metadata counts", async (t) => {
    const h = await Harness.start(t);
    const raw = await h.raw();
    await raw.write(encodeFrame(1, FrameType.Request, 0, metadataFlood(SERVICE, 1024)));
    assert.equal((await raw.response(1)).status, undefined, "1024 entries are fine");
    await raw.write(encodeFrame(3, FrameType.Request, 0, metadataFlood(SERVICE, 1025)));
    const over = await raw.response(3);
    assert.equal(over.status?.code, Code.ResourceExhausted);
    assert.match(over.status?.message ?? "", /metadata of 1025 entries and 6150 bytes exceeds the limit of 1024 entries and 65536 bytes/);
    await raw.write(encodeFrame(5, FrameType.Request, 0, metadataFlood("no.Such", 500_000)));
    assert.equal((await raw.response(5)).status?.code, Code.Unimplemented);
    assert.equal(h.probe.started.get("Echo"), 1);
    await raw.destroy();
    await h.expectIdle(0);
  });

  it("metadata up to a raised maxMetadataBytes is accepted", async (t) => {
    const h = await Harness.start(t, { maxMetadataBytes: 128 << 10 });
    const raw = await h.raw();
    await raw.write(
      encodeFrame(1, FrameType.Request, 0, requestBody({ service: SERVICE, method: "Echo", metadata: [["k", "x".repeat(100 << 10)]] })),
    );
    assert.equal((await raw.response(1)).status, undefined);
    await raw.destroy();
  });

  it("metadata over 64 KiB is refused by default", async (t) => {
    const h = await Harness.start(t);
    const raw = await h.raw();
    const big = "x".repeat(100 << 10);
    await raw.write(encodeFrame(1, FrameType.Request, 0, requestBody({ service: SERVICE, method: "Echo", metadata: [["k", big]] })));
    assert.equal((await raw.response(1)).status?.code, Code.ResourceExhausted);
    await raw.destroy();
  });

  it("a declared but unimplemented method named like an Object.prototype member is UNIMPLEMENTED", async (t) => {
    const names = ["hasOwnProperty", "isPrototypeOf", "constructor", "__proto__", "toString", "valueOf"];
    const methods: MethodDef[] = names.map((localName) => ({ ...TestMethods.echo, name: localName, localName }));
    const h = await Harness.start(t, {}, (server) => {
      server.register({ typeName: SERVICE, methods: [...methods, TestMethods.echo] }, { echo: (m: Msg) => m });
    });
    const raw = await h.raw();
    let id = 1;
    for (const name of names) {
      await raw.write(requestFrame(id, name, encodeMsg(msg())));
      const res = await raw.response(id);
      assert.equal(res.status?.code, Code.Unimplemented, `${name}: ${res.status?.message}`);
      assert.equal(res.status?.message, `method ${name}`);
      id += 2;
    }
    await raw.destroy();
  });

  it("a class-based implementation still finds its methods", async (t) => {
    class Impl {
      echo(m: Msg) {
        return m;
      }
    }
    const h = await Harness.start(t, {}, (server) => server.register({ typeName: SERVICE, methods: [TestMethods.echo] }, new Impl()));
    const client = await h.client();
    const res = await client.unary<Msg, Msg>(TestMethods.echo, msg({ id: 5 }));
    assert.equal(res.id, 5);
  });

  it("a 4 MiB invalid-UTF-8 method name: the error Response stays small and says it was truncated", async (t) => {
    const h = await Harness.start(t);
    const raw = await h.raw();
    // 0xff decodes as U+FFFD, 3 bytes each: echoed whole, a 12 MiB error frame.
    const name = new Uint8Array(4 * MiB - 64).fill(0xff);
    const exact = requestBodyRaw(SERVICE, name);
    await raw.write(Buffer.concat([encodeFrameHeader(exact.length, 1, FrameType.Request, 0), exact]));
    const f = await raw.waitResponse(1, 20_000);
    const res = await raw.response(1);
    assert.equal(res.status?.code, Code.Unimplemented);
    assert.ok(f.payload.length <= 1024, `error Response of ${f.payload.length} bytes`);
    assert.ok(res.status?.message.endsWith("…(truncated)"));
    await raw.destroy();
  });

  it("maxConcurrentStreams defaults to 1000 per connection", async (t) => {
    const h = await Harness.start(t);
    const raw = await h.raw();
    const frames: Buffer[] = [];
    for (let i = 0; i < 1001; i++) frames.push(requestFrame(2 * i + 1, "Hang", encodeMsg(msg())));
    await raw.write(Buffer.concat(frames));
    const res = await raw.response(2001, 20_000);
    assert.equal(res.status?.code, Code.ResourceExhausted);
    assert.match(res.status?.message ?? "", /limit 1000/);
    assert.equal(h.server.activeCalls, 1000);
    await raw.destroy();
    await h.expectIdle(0, 10_000);
  });

  it("requests for 1 MiB answers that are never read: the server stops reading them, it does not answer all", async (t) => {
    const h = await Harness.start(t);
    const raw = await h.raw();
    raw.socket.pause();
    const n = 500;
    const frames: Buffer[] = [];
    // 500 small Requests in one write, each asking for 1 MiB back: 500 MiB if all were answered.
    for (let i = 0; i < n; i++) frames.push(requestFrame(2 * i + 1, "Echo", encodeMsg(msg({ count: MiB }))));
    void raw.write(Buffer.concat(frames));
    await waitFor(() => (h.probe.started.get("Echo") ?? 0) > 0, 5000, "the first answer");
    await new Promise((r) => setTimeout(r, 300));
    const answered = h.probe.started.get("Echo") ?? 0;
    t.diagnostic(`${answered} of ${n} requests read while the answers were not`);
    // Reading stops inside the 20 KiB chunk once the answers back up.
    // Reading yields to the answers every 64 Requests and stops once they back up.
    assert.ok(answered <= 128, `${answered} requests read and answered`);
    await raw.destroy();
  });

  it("server streams of 1 MiB messages that are never read: messages produced while the socket is backed up are not encoded or queued", async (t) => {
    let produced = 0;
    let encoded = 0;
    const counted: MethodDef<Msg, Msg> = {
      ...TestMethods.ticks,
      encodeOutput: (m) => {
        encoded++;
        return encodeMsg(m);
      },
    };
    const h = await Harness.start(t, {}, (server) =>
      server.register(
        { typeName: SERVICE, methods: [counted] },
        {
          ticks: async function* () {
            for (;;) {
              produced++;
              yield msg({ data: new Uint8Array(MiB) });
            }
          },
        },
      ),
    );
    const raw = await h.raw();
    raw.socket.pause();
    // 50 stream Requests in one write: their handlers start in one turn.
    const frames: Buffer[] = [];
    for (let i = 0; i < 50; i++) frames.push(requestFrame(2 * i + 1, "Ticks", encodeMsg(msg())));
    await raw.write(Buffer.concat(frames));
    await waitFor(() => produced >= 50, 5000, "every handler's first message");
    await new Promise((r) => setTimeout(r, 200));
    t.diagnostic(`${produced} messages produced, ${encoded} encoded and queued`);
    // One message fills the socket past its mark; the others wait, unencoded.
    assert.equal(produced, 50);
    assert.ok(encoded <= 2, `${encoded} messages of 1 MiB encoded while the socket was backed up`);
    await raw.destroy();
  });

  it("a long server stream to a peer that reads as fast as it is written lets the event loop turn", async (t) => {
    const total = 100_000;
    let produced = 0;
    const server = new Server();
    server.register(
      { typeName: SERVICE, methods: [TestMethods.ticks] },
      {
        ticks: async function* () {
          for (let i = 1; i <= total; i++) {
            produced++;
            yield msg({ seq: i });
          }
        },
      },
    );
    // A peer that takes every write at once (a fast reader on another
    // core): the socket never fills, so only the per-turn write budget can
    // make the stream yield to the event loop.
    let written = 0;
    const peer = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        callback();
      },
    });
    server.serve(peer);
    t.after(() => {
      peer.destroy();
      return server.close();
    });
    let atTurn = -1;
    peer.push(requestFrame(1, "Ticks", encodeMsg(msg())));
    await waitFor(() => produced > 0, 5000, "the stream's first message");
    setImmediate(() => {
      atTurn = produced;
    });
    await waitFor(() => atTurn >= 0, 60_000, "an event-loop turn");
    t.diagnostic(`the event loop turned after ${atTurn} of ${total} messages (${written} bytes written)`);
    assert.ok(atTurn < total / 10, `the stream ran ${atTurn} messages without letting the event loop turn`);
  });

  it("a 1-year timeout_nano gives the handler a deadline a year away, and the call succeeds", async (t) => {
    let seen: number | undefined;
    const h = await Harness.start(t, {}, (server) =>
      server.register(
        { typeName: SERVICE, methods: [TestMethods.echo] },
        {
          echo: async (m: Msg, ctx: HandlerContext) => {
            seen = ctx.deadline;
            await new Promise((r) => setTimeout(r, 20));
            return m;
          },
        },
      ),
    );
    const raw = await h.raw();
    const year = 365 * 24 * 3600 * 1000;
    await raw.write(
      encodeFrame(1, FrameType.Request, 0, testRequestBody("Echo", encodeMsg(msg({ id: 3 })), SERVICE, BigInt(year) * 1_000_000n)),
    );
    const res = await raw.response(1);
    assert.equal(res.status, undefined, res.status?.message);
    assert.equal(decodeMsg(res.payload).id, 3);
    assert.ok(seen !== undefined && Math.abs(seen - (Date.now() + year)) < 60_000, `deadline ${seen}`);
    await raw.destroy();
  });

  it("a client with a huge timeoutMs: the call succeeds (no timer overflow)", async (t) => {
    const h = await Harness.start(t);
    const client = await h.client();
    const res = await client.unary<Msg, Msg>(TestMethods.echo, msg({ id: 4, delayMs: 30 }), { timeoutMs: 400 * 24 * 3600 * 1000 });
    assert.equal(res.id, 4);
  });

  it("client: a frame announced at 4 GiB closes the connection and fails every pending call at once", async (t) => {
    const path = socketPath("huge");
    const srv = net.createServer();
    srv.listen(path);
    await once(srv, "listening");
    t.after(() => srv.close());
    const accepted = once(srv, "connection");
    const sock = net.connect(path);
    const client = new Connection(sock);
    const [server] = (await accepted) as [net.Socket];
    const peer = RawPeer.wrap(server);
    const a = settle(client.unary(TestMethods.echo, msg()));
    const b = settle(client.unary(TestMethods.hang, msg()));
    await peer.next();
    await peer.next();
    await peer.write(encodeFrameHeader(0xffffffff, 1, FrameType.Response, 0));
    for (const s of await within(Promise.all([a, b]), 5000, "pending calls to fail")) {
      assertFailed(s, Code.Unavailable, /frame of 4294967295 bytes \(limit 4194304\): protocol error/);
    }
    assert.equal(client.closed, true);
    await peer.destroy();
  });

  it("client: a modest oversize frame (under 16 MiB) fails only its call; the connection stays", async (t) => {
    const path = socketPath("modest");
    const srv = net.createServer();
    srv.listen(path);
    await once(srv, "listening");
    t.after(() => srv.close());
    const accepted = once(srv, "connection");
    const client = new Connection(net.connect(path));
    const [server] = (await accepted) as [net.Socket];
    const peer = RawPeer.wrap(server);
    const a = settle(client.unary(TestMethods.echo, msg()));
    await peer.next();
    await peer.write(encodeFrameHeader(5 * MiB, 1, FrameType.Response, 0));
    assertFailed(await a, Code.ResourceExhausted, "message length 5242880 exceed maximum message size of 4194304");
    assert.equal(client.closed, false);
    client.close();
    await peer.destroy();
  });

  it("a connection that never sends a frame is closed after firstFrameTimeoutMs", async (t) => {
    const h = await Harness.start(t, { firstFrameTimeoutMs: 200 });
    const raw = await h.raw();
    await raw.waitClosed(5000);
    const talking = await h.client();
    await talking.unary(TestMethods.echo, msg());
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(talking.closed, false, "a connection that spoke is kept");
  });
});

/** A Request whose method field holds `name` as raw bytes. */
function requestBodyRaw(service: string, name: Uint8Array): Uint8Array {
  const s = Buffer.from(service);
  const head = Buffer.from([0x0a, s.length, ...s, 0x12]);
  const len: number[] = [];
  let v = name.length;
  while (v > 0x7f) {
    len.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  len.push(v);
  return Buffer.concat([head, Buffer.from(len), name]);
}
