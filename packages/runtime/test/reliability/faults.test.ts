// Faults: sockets destroyed mid-request, mid-stream and mid-frame,
// on both sides. Every pending call must settle with UNAVAILABLE, handlers
// must see their signal abort, and nothing may be left in any map or in the
// process's active resources.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as net from "node:net";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Code, type Connection, connect, type IncomingConnection } from "@ttrpc-ts/runtime";
import { encodeFrame, FrameFlag, FrameType } from "@ttrpc-ts/runtime/protocol";
import { assertFailed, assertTtrpcError } from "../support/errors.js";
import { goodCalls } from "../support/good-client.js";
import { expectResourcesAtBaseline, Harness, resourceCounts } from "../support/harness.js";
import { socketPath } from "../support/socket-path.js";
import { type Msg, msg, requestFrame, TestMethods } from "../support/test-service.js";
import { collect, settle, sleep, waitFor, within } from "../support/wait.js";

/** A client on a socket the test can destroy. */
async function clientWithSocket(h: Harness): Promise<{ client: Connection; socket: net.Socket }> {
  const socket = net.connect(h.path);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const client = await connect(socket);
  h.clients.push(client);
  return { client, socket };
}

/** A harness whose server-side sockets the test can reach. */
async function harnessWithServerSockets(t: Parameters<typeof Harness.start>[0]): Promise<{ h: Harness; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const h = await Harness.start(t, {
    onConnection: (c: IncomingConnection) => {
      sockets.push(c.socket);
      return true;
    },
  });
  return { h, sockets };
}

/** Starts one call of each kind, each waiting on the server. */
function startAllKinds(client: Connection): Array<Promise<unknown>> {
  const neverEnding = async function* (): AsyncIterable<Msg> {
    yield msg({ id: 1 });
    await new Promise(() => {});
  };
  return [
    client.unary(TestMethods.hang, msg()),
    client.unary(TestMethods.echo, msg({ delayMs: 60_000 })),
    collect(client.serverStream(TestMethods.ticks, msg({ count: 0, delayMs: 5 }))),
    client.clientStream(TestMethods.sum, neverEnding()),
    collect(client.bidiStream(TestMethods.chat, neverEnding())),
  ];
}

describe("faults", () => {
  for (const side of ["client", "server"] as const) {
    it(`${side} socket destroyed mid-request and mid-stream: every call settles UNAVAILABLE, handlers are aborted`, async (t) => {
      const { h, sockets } = await harnessWithServerSockets(t);
      const { client, socket } = await clientWithSocket(h);
      const bystander = await h.client();
      const calls = startAllKinds(client).map((p) => settle(p));
      await waitFor(
        () => h.probe.running === 5,
        3000,
        () => `5 handlers running (${h.probe.running})`,
      );
      // Let the stream produce a little.
      await sleep(30);
      const start = Date.now();
      if (side === "client") socket.destroy();
      else sockets[0]?.destroy();
      const results = await within(Promise.all(calls), 3000, "every pending call settles");
      assert.ok(Date.now() - start < 2000, "promptly");
      for (const r of results) assertFailed(r, Code.Unavailable, /^ttrpc: (closed|client closed)/);
      await waitFor(() => h.probe.running === 0, 3000, "handlers finished");
      assert.equal(h.probe.abortReasons.length, 5, "every handler saw its signal abort");
      for (const reason of h.probe.abortReasons) assertTtrpcError(reason, Code.Unavailable, /^ttrpc: connection closed/);
      // Later calls on the dead connection fail at once; other connections are untouched.
      assertFailed(await settle(client.unary(TestMethods.echo, msg())), Code.Unavailable);
      await goodCalls(bystander, 20, 4);
      await h.expectIdle(1);
    });
  }

  it("client socket destroyed in the middle of sending a frame", async (t) => {
    const h = await Harness.start(t);
    const bystander = await h.client();
    for (const cut of [3, 10, 40]) {
      const socket = net.connect(h.path);
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.on("error", () => {});
      const frame = requestFrame(1, "Echo", new Uint8Array(100));
      socket.write(frame.subarray(0, cut));
      await waitFor(() => h.server.connectionCount === 2, 3000, "connection registered");
      socket.destroy();
      await waitFor(() => h.server.connectionCount === 1, 3000, "half-frame connection dropped");
    }
    // A 3 MiB request cut off by the client's own socket dying.
    const { client, socket } = await clientWithSocket(h);
    const big = settle(client.unary(TestMethods.echo, msg({ data: new Uint8Array(3 << 20) })));
    setImmediate(() => socket.destroy());
    assertFailed(await within(big, 3000, "big call settles"), Code.Unavailable);
    await goodCalls(bystander, 10, 2);
    await h.expectIdle(1);
    assert.equal(h.probe.started.get("Echo") ?? 0, 10, "no cut-off request reached a handler");
  });

  it("server socket destroyed in the middle of sending a frame (a fake server)", async (t) => {
    const baseline = resourceCounts();
    const path = socketPath();
    // A server that answers with half a frame, then dies.
    let mode: "response" | "data" = "response";
    const fake = net.createServer((s) => {
      s.on("error", () => {});
      s.once("data", () => {
        const full =
          mode === "response"
            ? encodeFrame(1, FrameType.Response, 0, new Uint8Array(64))
            : Buffer.concat([
                encodeFrame(1, FrameType.Data, 0, new Uint8Array(0)),
                encodeFrame(1, FrameType.Data, FrameFlag.NoData, new Uint8Array(64)),
              ]);
        s.write(full.subarray(0, full.length - 20), () => setTimeout(() => s.destroy(), 20));
      });
    });
    await new Promise<void>((resolve) => fake.listen(path, resolve));
    t.after(() => new Promise((resolve) => fake.close(resolve)));
    for (const m of ["response", "data"] as const) {
      mode = m;
      const client = await connect(path);
      const call =
        m === "response"
          ? settle(client.unary(TestMethods.echo, msg()))
          : settle(collect(client.serverStream(TestMethods.ticks, msg({ count: 3 }))));
      const r = await within(call, 3000, `call cut mid-${m}-frame settles`);
      assertFailed(r, Code.Unavailable, /^ttrpc: closed/);
      assert.equal(client.activeCalls, 0);
      assert.equal(client.closed, true);
    }
    await new Promise((resolve) => fake.close(resolve));
    await expectResourcesAtBaseline(baseline);
  });

  it("client.close() with calls of every kind pending", async (t) => {
    const h = await Harness.start(t);
    const client = await h.client();
    const calls = startAllKinds(client).map((p) => settle(p));
    await waitFor(() => h.probe.running === 5, 3000, "5 handlers running");
    client.close();
    for (const r of await within(Promise.all(calls), 3000, "calls settle")) assertFailed(r, Code.Unavailable, "ttrpc: client closed");
    await h.expectIdle(0);
  });

  it("a write blocked by a peer that never reads still ends at the deadline (containerd/ttrpc#174)", async (t) => {
    const baseline = resourceCounts();
    const path = socketPath();
    const held: net.Socket[] = [];
    const deaf = net.createServer((s) => {
      s.pause();
      s.on("error", () => {});
      held.push(s);
    });
    await new Promise<void>((resolve) => deaf.listen(path, resolve));
    t.after(() => new Promise((resolve) => deaf.close(resolve)));
    const client = await connect(path);
    const chunk = msg({ data: new Uint8Array(1 << 20) });
    const forever = async function* (): AsyncIterable<Msg> {
      for (;;) yield chunk;
    };
    const start = Date.now();
    const stream = settle(client.clientStream(TestMethods.sum, forever(), { timeoutMs: 300 }));
    const unary = settle(client.unary(TestMethods.echo, msg(), { timeoutMs: 300 }));
    assertFailed(await within(stream, 3000, "client stream settles"), Code.DeadlineExceeded);
    assertFailed(await within(unary, 3000, "unary settles"), Code.DeadlineExceeded);
    assert.ok(Date.now() - start < 2000, `deadline honoured while writes are blocked (${Date.now() - start} ms)`);
    assert.equal(client.activeCalls, 0);
    client.close();
    for (const s of held) s.destroy();
    await new Promise((resolve) => deaf.close(resolve));
    await expectResourcesAtBaseline(baseline);
  });

  for (const side of ["server", "client"] as const) {
    it(`a ${side} stream writing in a tight loop when its socket is destroyed does not spin the event loop`, async () => {
      // In a child process: a spinning loop would block this one for good.
      const script = fileURLToPath(new URL("../support/spin-check.ts", import.meta.url));
      const child = spawn(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", script, side], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
      });
      const killer = setTimeout(() => child.kill("SIGKILL"), 8000);
      const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
      clearTimeout(killer);
      assert.equal(out.trim(), "alive", `the ${side} process stopped turning its event loop (killed after 8 s)`);
      assert.equal(code, 0);
    });
  }
});
