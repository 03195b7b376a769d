// Hybrid vsock (Firecracker / Cloud Hypervisor) against a fake VMM that
// follows the Firecracker protocol: CONNECT <port>\n, OK <hostport>\n, then
// the guest's bytes; no reply when nothing listens on the port.
import * as assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as net from "node:net";
import { describe, it } from "node:test";
import { Code, Connection, connect, Server } from "@ttrpc-ts/runtime";
import { assertFailed } from "../support/errors.js";
import { socketPath } from "../support/socket-path.js";
import { type Msg, msg, TestMethods, TestService, testImpl } from "../support/test-service.js";
import { settle } from "../support/wait.js";
import { startFakeVmm } from "./fake-vmm.js";

async function guestServer(): Promise<{ server: Server; path: string }> {
  const server = new Server();
  server.register(TestService, testImpl());
  const path = socketPath("guest");
  await server.listen(path);
  return { server, path };
}

describe("hybrid vsock, host-initiated (hvsock://<vmm socket>:<port>)", () => {
  it("CONNECT <port>, OK, then ttrpc: unary and streams through the VMM", async (t) => {
    const guest = await guestServer();
    const vmmPath = socketPath("vmm");
    const vmm = await startFakeVmm(vmmPath, { ports: new Map([[1024, guest.path]]) });
    t.after(async () => {
      await vmm.close();
      await guest.server.close();
    });
    const conn = await connect(`hvsock://${vmmPath}:1024`);
    const res = await conn.unary<Msg, Msg>(TestMethods.echo, msg({ id: 7, text: "via vsock" }));
    assert.equal(res.text, "via vsock");
    const ticks: number[] = [];
    for await (const m of conn.serverStream<Msg, Msg>(TestMethods.ticks, msg({ count: 3 }))) ticks.push(m.seq);
    assert.deepEqual(ticks, [1, 2, 3]);
    // Usually one CONNECT; a loaded machine may miss the first 25 ms window.
    assert.ok(vmm.commands.length >= 1 && vmm.commands.every((c) => c === "CONNECT 1024"), vmm.commands.join());
    conn.close();
  });

  it("bytes that arrive in the same read as the OK line reach ttrpc (the guest speaks first)", async (t) => {
    // Reverse roles: the host dials, then serves; the guest is the ttrpc client
    // and sends its Request at once, which the VMM delivers with its OK.
    const hostServer = new Server();
    hostServer.register(TestService, testImpl());
    const guestPath = socketPath("guest");
    const guestCalls: Promise<Msg>[] = [];
    const guestListener = net.createServer((s) => {
      const c = new Connection(s);
      guestCalls.push(c.unary<Msg, Msg>(TestMethods.echo, msg({ text: "guest first" })).finally(() => c.close()));
    });
    await new Promise<void>((r) => guestListener.listen(guestPath, r));
    const vmmPath = socketPath("vmm");
    const vmm = await startFakeVmm(vmmPath, { ports: new Map([[52, guestPath]]), coalesce: true });
    t.after(async () => {
      await vmm.close();
      guestListener.close();
      await hostServer.close();
    });
    const { dialHybridVsock } = await import("@ttrpc-ts/runtime/protocol");
    const socket = await dialHybridVsock(vmmPath, 52);
    hostServer.serve(socket);
    const answers = await Promise.all(guestCalls);
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.text, "guest first");
  });

  it("retries while the guest is not listening yet (the VMM closes without a reply), then connects", async (t) => {
    const guest = await guestServer();
    const vmmPath = socketPath("vmm");
    const vmm = await startFakeVmm(vmmPath, { ports: new Map([[1024, guest.path]]), refuseFirst: 3 });
    t.after(async () => {
      await vmm.close();
      await guest.server.close();
    });
    const conn = await connect(`hvsock://${vmmPath}:1024`);
    assert.equal((await conn.unary<Msg, Msg>(TestMethods.echo, msg({ text: "late" }))).text, "late");
    // Three refusals, then the one that worked (more only if a window ran out on a loaded machine).
    assert.ok(vmm.commands.length >= 4 && vmm.commands.every((c) => c === "CONNECT 1024"), vmm.commands.join());
    conn.close();
  });

  it("no listener on the port: UNAVAILABLE after the connect timeout, with the attempts and the reason", async (t) => {
    const vmmPath = socketPath("vmm");
    const vmm = await startFakeVmm(vmmPath, { ports: new Map() });
    t.after(() => vmm.close());
    const r = await settle(connect(`hvsock://${vmmPath}:2048`, { connectTimeoutMs: 400 }));
    assertFailed(r, Code.Unavailable, /hybrid vsock .* port 2048: no OK reply after \d+ attempts \(last: closed without a reply/);
    // Doubling windows 25, 50, 100, 200 ms fit in 400 ms: a handful of attempts, not a busy loop.
    assert.ok(vmm.commands.length >= 1 && vmm.commands.length <= 6, `${vmm.commands.length} attempts`);
    assert.ok(vmm.commands.every((c) => c === "CONNECT 2048"));
  });

  it("a VMM that never answers: each attempt times out, the dial fails, no socket is left open", async (t) => {
    const vmmPath = socketPath("vmm");
    const held = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      held.add(s);
      s.resume();
      s.on("close", () => held.delete(s));
    });
    await new Promise<void>((r) => silent.listen(vmmPath, r));
    t.after(() => silent.close());
    const r = await settle(connect(`hvsock://${vmmPath}:1024`, { connectTimeoutMs: 300 }));
    assertFailed(r, Code.Unavailable, /no OK reply after \d+ attempts \(last: no reply within \d+ ms\)/);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(held.size, 0, "every attempt's socket was closed");
  });

  it("a reply other than OK fails the attempt", async (t) => {
    const vmmPath = socketPath("vmm");
    const liar = net.createServer((s) => s.end("NOPE\n"));
    await new Promise<void>((r) => liar.listen(vmmPath, r));
    t.after(() => liar.close());
    const r = await settle(connect(`hvsock://${vmmPath}:1024`, { connectTimeoutMs: 200 }));
    assertFailed(r, Code.Unavailable, /last: unexpected reply "NOPE"/);
  });
});

describe("hybrid vsock, guest-initiated (listen on <vmm socket>_<port>)", () => {
  it("the server binds <path>_<port>; a connection the VMM forwards there is served", async (t) => {
    const server = new Server();
    server.register(TestService, testImpl());
    const vmmPath = socketPath("vmm");
    const bound = await server.listen(`hvsock://${vmmPath}:1025`);
    t.after(() => server.close());
    assert.equal(bound, `${vmmPath}_1025`);
    assert.ok(existsSync(`${vmmPath}_1025`));
    // The VMM connects to <path>_<port> with no text handshake.
    const conn = await connect(`${vmmPath}_1025`);
    assert.equal((await conn.unary<Msg, Msg>(TestMethods.echo, msg({ text: "from guest" }))).text, "from guest");
    conn.close();
    await server.close();
    assert.equal(existsSync(`${vmmPath}_1025`), false, "socket file removed on close");
  });
});
