// Listen options and addresses: tcp://, the backlog, the handshake hook.
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { Duplex } from "node:stream";
import { describe, it } from "node:test";
import { Code, connect, Server } from "@ttrpc-ts/runtime";
import { defaultBacklog } from "@ttrpc-ts/runtime/protocol";
import { assertFailed } from "../support/errors.js";
import { socketPath } from "../support/socket-path.js";
import { type Msg, msg, TestMethods, TestService, testImpl } from "../support/test-service.js";
import { settle, waitFor } from "../support/wait.js";

function testServer(options: ConstructorParameters<typeof Server>[0] = {}): Server {
  return new Server(options).register(TestService, testImpl());
}

describe("tcp://host:port", () => {
  it("listen on port 0 resolves with the bound address; connect and call over it", async (t) => {
    const server = testServer();
    const bound = await server.listen("tcp://127.0.0.1:0");
    t.after(() => server.close());
    assert.match(bound, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(bound, "tcp://127.0.0.1:0");
    const conn = await connect(bound);
    assert.equal((await conn.unary<Msg, Msg>(TestMethods.echo, msg({ text: "tcp" }))).text, "tcp");
    conn.close();
  });

  it("connection refused is UNAVAILABLE with the reason", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const r = await settle(connect(`tcp://127.0.0.1:${port}`));
    assertFailed(r, Code.Unavailable, new RegExp(`connect tcp://127.0.0.1:${port}: connection refused`));
  });

  it("a malformed address is INVALID_ARGUMENT for connect and an Error for listen", async () => {
    assertFailed(await settle(connect("tcp://127.0.0.1")), Code.InvalidArgument, /invalid tcp address/);
    await assert.rejects(new Server().listen("tcp://nohost"), /invalid tcp address/);
  });
});

describe("listen backlog", () => {
  it("defaults to the system's somaxconn on Linux", { skip: process.platform !== "linux" }, async () => {
    const { readFileSync } = await import("node:fs");
    const somaxconn = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
    assert.equal(defaultBacklog(), Math.min(somaxconn, 65535));
  });

  it("is passed to listen; bad values are refused", async (t) => {
    const server = testServer();
    t.after(() => server.close());
    const path = await server.listen(socketPath("bl"), { backlog: 8 });
    const conn = await connect(path);
    await conn.unary(TestMethods.echo, msg());
    conn.close();
    await assert.rejects(server.listen(socketPath("bl"), { backlog: 0 }), /listen backlog must be a positive integer, got 0/);
    await assert.rejects(server.listen(socketPath("bl"), { backlog: 1.5 }), /positive integer/);
  });
});

describe("handshake hook", () => {
  it("runs before the first frame; a throw closes the connection and reports why", async (t) => {
    const reasons: string[] = [];
    let seen = 0;
    const server = testServer({
      handshake: async (socket, info) => {
        seen++;
        // Authenticate: the peer must send the token line first.
        const line = await readLine(socket);
        if (line !== "token-123") throw new Error(`bad token from a peer on ${info.address}`);
      },
      onHandshakeError: (err) => reasons.push(err.message),
    });
    const path = socketPath("hs");
    await server.listen(path);
    t.after(() => server.close());

    const good = new net.Socket();
    await new Promise<void>((r) => good.connect(path, r));
    good.write("token-123\n");
    const conn = await connect(good);
    assert.equal((await conn.unary<Msg, Msg>(TestMethods.echo, msg({ text: "authed" }))).text, "authed");
    conn.close();

    const bad = await connect(path);
    const r = await settle(bad.unary(TestMethods.echo, msg()));
    assertFailed(r, Code.Unavailable, /closed/);
    await waitFor(() => reasons.length === 1, 2000, "handshake error reported");
    assert.equal(seen, 2);
    assert.match(reasons[0] ?? "", new RegExp(`bad token from a peer on ${path.replaceAll("/", "\\/")}`));
  });

  it("can wrap the connection: the server speaks ttrpc through the returned Duplex", async (t) => {
    // A toy wrapping: every byte XOR 0x5a both ways.
    const server = testServer({ handshake: (socket) => xorStream(socket) });
    const path = await server.listen(socketPath("wrap"));
    t.after(() => server.close());
    const raw = new net.Socket();
    await new Promise<void>((r) => raw.connect(path, r));
    const conn = await connect(xorStream(raw));
    assert.equal((await conn.unary<Msg, Msg>(TestMethods.echo, msg({ text: "wrapped" }))).text, "wrapped");
    conn.close();
  });

  it("a handshake that never finishes is cut off at handshakeTimeoutMs", async (t) => {
    const reasons: string[] = [];
    const server = testServer({
      handshake: () => new Promise(() => {}),
      handshakeTimeoutMs: 100,
      onHandshakeError: (err) => reasons.push(err.message),
    });
    const path = await server.listen(socketPath("hst"));
    t.after(() => server.close());
    const conn = await connect(path);
    const r = await settle(conn.unary(TestMethods.echo, msg()));
    assertFailed(r, Code.Unavailable, /closed/);
    assert.deepEqual(reasons, ["handshake took longer than 100 ms"]);
  });
});

/** Reads one line from the socket without consuming anything past it. */
function readLine(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onReadable = (): void => {
      for (let c = socket.read() as Buffer | null; c !== null; c = socket.read() as Buffer | null) {
        const nl = c.indexOf(0x0a);
        if (nl < 0) {
          text += c.toString();
          continue;
        }
        text += c.toString("utf8", 0, nl);
        if (nl + 1 < c.length) socket.unshift(c.subarray(nl + 1));
        socket.off("readable", onReadable);
        socket.off("end", onEnd);
        resolve(text);
        return;
      }
    };
    const onEnd = (): void => reject(new Error("closed before a line"));
    socket.on("readable", onReadable);
    socket.once("end", onEnd);
  });
}

function xorStream(inner: Duplex): Duplex {
  const flip = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x5a));
  const outer: Duplex = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      inner.write(flip(chunk), cb);
    },
    read() {
      inner.resume();
    },
    final(cb) {
      inner.end(cb);
    },
    destroy(err, cb) {
      inner.destroy();
      cb(err);
    },
  });
  inner.on("data", (b: Buffer) => {
    if (!outer.push(flip(b))) inner.pause();
  });
  inner.on("end", () => outer.push(null));
  inner.on("close", () => outer.destroy());
  inner.on("error", () => {});
  return outer;
}
