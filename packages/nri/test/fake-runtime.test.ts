// The plugin stub against a runtime written with this package's own pieces
// (multiplexer, generated Runtime service and Plugin client): failure paths
// that NRI's Go runtime cannot be made to take on demand.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Code, connect, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { createPlugin, createPluginClient, type PluginClient, type RuntimeImpl, registerRuntime } from "../src/index.js";
import { Multiplexer, PLUGIN_SERVICE_CONN, RUNTIME_SERVICE_CONN } from "../src/multiplex/index.js";

const dir = mkdtempSync(join(tmpdir(), "nri-fake-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface FakeRuntime {
  path: string;
  /** Resolves with the runtime's side of the first plugin connection. */
  accepted: Promise<{ mux: Multiplexer; plugin: PluginClient; socket: net.Socket }>;
  close(): void;
}

/** A runtime serving `impl` as nri.pkg.api.v1alpha1.Runtime to one plugin. */
function fakeRuntime(impl: Partial<RuntimeImpl>): FakeRuntime {
  const path = join(dir, `rt${n++}.sock`);
  const listener = net.createServer();
  const accepted = new Promise<{ mux: Multiplexer; plugin: PluginClient; socket: net.Socket }>((resolve) => {
    listener.once("connection", async (socket) => {
      const mux = new Multiplexer(socket);
      const server = new Server();
      registerRuntime(server, impl);
      server.serve(mux.open(RUNTIME_SERVICE_CONN));
      const conn = await connect(mux.open(PLUGIN_SERVICE_CONN));
      resolve({ mux, plugin: createPluginClient(conn), socket });
    });
  });
  listener.listen(path);
  return { path, accepted, close: () => listener.close() };
}

const handlers = { createContainer: () => ({ adjust: { annotations: { a: "b" } } }) };

test("a plugin without event handlers is refused at once", () => {
  assert.throws(() => createPlugin({}, { name: "x", idx: "10", env: {} }), /implements no event handlers/);
});

test("registration refused by the runtime: start rejects with its reason and closes everything", async () => {
  const rt = fakeRuntime({
    registerPlugin: () => {
      throw new TtrpcError("plugin 10-x already registered", Code.AlreadyExists);
    },
  });
  after(() => rt.close());
  const closes: Array<Error | undefined> = [];
  const plugin = createPlugin(handlers, { name: "x", idx: "10", env: {}, socketPath: rt.path, onClose: (e) => closes.push(e) });
  await assert.rejects(plugin.start(), /failed to register with NRI\/Runtime: .*plugin 10-x already registered/);
  assert.equal(plugin.closed, true);
  assert.equal(closes.length, 1);
  const { socket } = await rt.accepted;
  await new Promise((r) => (socket.closed ? r(null) : socket.once("close", r)));
});

test("the runtime closing before Configure: start rejects saying so", async () => {
  const rt = fakeRuntime({
    registerPlugin: async () => {
      const { mux } = await rt.accepted;
      setImmediate(() => mux.close());
      return {};
    },
  });
  after(() => rt.close());
  const plugin = createPlugin(handlers, { name: "x", idx: "10", env: {}, socketPath: rt.path });
  await assert.rejects(plugin.start(), /NRI runtime closed the connection before the plugin was configured/);
});

test("configured by a TS runtime: events flow, UpdateContainers on a runtime without it fails clearly, stop closes", async () => {
  const rt = fakeRuntime({ registerPlugin: () => ({}) });
  after(() => rt.close());
  const closes: Array<Error | undefined> = [];
  const plugin = createPlugin(handlers, { name: "x", idx: "10", env: {}, socketPath: rt.path, onClose: (e) => closes.push(e) });
  await assert.rejects(plugin.updateContainers([]), /NRI plugin 10-x is not connected/);
  const started = plugin.start();
  const { plugin: client, socket } = await rt.accepted;
  const cfg = await client.configure({ runtimeName: "fake", runtimeVersion: "1", registrationTimeout: 3000n, requestTimeout: 1500n });
  await started;
  assert.equal(cfg.events, 0x8);
  assert.equal(plugin.registrationTimeoutMs, 3000);
  assert.equal(plugin.requestTimeoutMs, 1500);
  const res = await client.createContainer({ pod: { id: "p" }, container: { id: "c" } });
  assert.deepEqual(res.adjust?.annotations, { a: "b" });
  await assert.rejects(
    plugin.updateContainers([{ containerId: "c" }]),
    (e: unknown) =>
      e instanceof TtrpcError && e.code === Code.Unimplemented && /the runtime does not implement UpdateContainers/.test(e.message),
  );
  const gone = new Promise((r) => socket.once("close", r));
  plugin.stop();
  await gone;
  assert.deepEqual(closes, [undefined]);
  await assert.rejects(plugin.updateContainers([]), /is not connected/);
});
