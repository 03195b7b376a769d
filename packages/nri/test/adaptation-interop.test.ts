// The plugin kit against NRI's own runtime side: interop/go/cmd/nri-runtime
// embeds github.com/containerd/nri/pkg/adaptation (what containerd embeds)
// and drives the TypeScript plugin through registration, a split
// Synchronize, a pod's and a container's life, and an unsolicited update.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Code } from "@ttrpc-ts/runtime";
import { createPlugin, Event, eventMask, type NriPlugin } from "../src/index.js";
import { ANNOTATION, BULK_ANNOTATION, ENV, interopHandlers, UNSOLICITED_SHARES } from "./fixtures/interop-handlers.js";
import { needGoPeers, startRuntime, stopRuntime } from "./go-nri-peer.js";

const dir = mkdtempSync(join(tmpdir(), "nri-interop-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// 40 containers with a 120 000-byte annotation each: about 4.8 MB of state,
// over ttrpc's 4 MiB message limit, so the runtime must split Synchronize.
const SYNC_CONTAINERS = 40;
const BULK = 120_000;
// More than one pod: with a single pod, NRI v0.12.5 scales pods-per-message to 0
// when it splits and then never stops sending parts (until the request times out).
const SYNC_PODS = 4;

const lifecycle = [
  "runPodSandbox pod1",
  "createContainer pod1/ctr1 env=PATH=/bin",
  "startContainer ctr1",
  "updateContainer ctr1 shares=512",
  "stopContainer ctr1",
  "removeContainer ctr1",
  "stopPodSandbox pod1",
  "removePodSandbox pod1",
];

const handled = eventMask(
  Event.RUN_POD_SANDBOX,
  Event.CREATE_CONTAINER,
  Event.START_CONTAINER,
  Event.UPDATE_CONTAINER,
  Event.STOP_CONTAINER,
  Event.REMOVE_CONTAINER,
  Event.STOP_POD_SANDBOX,
  Event.REMOVE_POD_SANDBOX,
);

test("external plugin: registration, split Synchronize, lifecycle with adjustments, UpdateContainers", async (t) => {
  if (!needGoPeers(t)) return;
  const socket = join(dir, "nri.sock");
  const run = startRuntime([
    "-socket",
    socket,
    "-sync-pods",
    String(SYNC_PODS),
    "-sync-containers",
    String(SYNC_CONTAINERS),
    "-sync-annotation-bytes",
    String(BULK),
  ]);
  t.after(() => stopRuntime(run));
  await run.ready;

  const lines: string[] = [];
  const closes: Array<Error | undefined> = [];
  let plugin: NriPlugin | undefined;
  plugin = createPlugin(
    interopHandlers(
      (l) => lines.push(l),
      () => plugin!,
    ),
    { name: "ts-interop", idx: "10", socketPath: socket, env: {}, onClose: (e) => closes.push(e) },
  );
  await plugin.start();
  assert.equal(plugin.runtime?.name, "ttrpc-ts-interop");
  assert.equal(plugin.runtime?.version, "v0.0.1");
  assert.match(plugin.runtime?.nriVersion ?? "", /^v0\.12\.\d+$/);
  assert.equal(plugin.registrationTimeoutMs, 5000);
  assert.equal(plugin.requestTimeoutMs, 2000);
  assert.equal(plugin.handledEvents, handled);
  assert.equal(plugin.subscribedEvents, handled);

  const report = await run.report;
  assert.equal(await plugin.wait(), undefined, "the runtime's Stop closes the plugin cleanly");
  assert.deepEqual(closes, [undefined]);

  // Registration and synchronization, seen from both sides.
  assert.equal(report.registered, true, run.stderr());
  // The runtime first tries the whole state (its ttrpc client refuses it as
  // oversized), then sends parts; every part but the last has more=true and
  // must be answered with more=true, or the runtime drops the plugin.
  assert.ok(report.syncMoreMessages >= 1, `Synchronize was split (${report.syncMessages} messages, ${report.syncMoreMessages} with more)`);
  assert.equal(report.syncContainers, SYNC_CONTAINERS);
  assert.equal(lines[0], 'configure runtime=ttrpc-ts-interop/v0.0.1 config=""');
  assert.equal(lines[1], `synchronize pods=${SYNC_PODS} containers=${SYNC_CONTAINERS} bulk=${SYNC_CONTAINERS * BULK}`);

  // The container's life, in order, each event once.
  assert.deepEqual(
    lines.slice(2).filter((l) => !l.startsWith("updateContainers")),
    lifecycle,
    run.stderr(),
  );
  assert.deepEqual(
    lines.filter((l) => l.startsWith("updateContainers")),
    ["updateContainers failed=0"],
  );

  // What the runtime got back.
  assert.equal(report.runPodSandbox, "");
  assert.equal(report.createContainer?.error, "");
  assert.ok(report.createContainer?.env.includes(`${ENV.key}=${ENV.value}`), JSON.stringify(report.createContainer));
  assert.equal(report.createContainer?.annotations[ANNOTATION[0]], ANNOTATION[1]);
  assert.equal(report.createContainer?.annotations[BULK_ANNOTATION[0]], `<${BULK_ANNOTATION[1]} bytes>`);
  assert.equal(report.startContainer, "");
  assert.deepEqual(report.updateContainer, { error: "", updates: ["ctr1"] });
  assert.deepEqual(report.stopContainer, { error: "", updates: [] });
  assert.equal(report.removeContainer, "");
  assert.equal(report.stopPodSandbox, "");
  assert.equal(report.removePodSandbox, "");
  assert.deepEqual(report.unsolicitedUpdates, [{ containerId: "ctr1", cpuShares: Number(UNSOLICITED_SHARES) }]);
  assert.deepEqual(report.pluginErrors, []);
});

test("launched plugin: inherited socket (NRI_PLUGIN_SOCKET=3), identity from the environment", async (t) => {
  if (!needGoPeers(t)) return;
  const pluginDir = join(dir, "plugins");
  const out = join(dir, "launched.log");
  const here = fileURLToPath(new URL(".", import.meta.url));
  const root = join(here, "..", "..", "..");
  rmSync(pluginDir, { recursive: true, force: true });
  mkdirSync(pluginDir, { recursive: true });
  // The runtime starts IDX-NAME with an empty environment: name node and tsx by absolute path.
  const script = join(pluginDir, "10-ts-launched");
  writeFileSync(
    script,
    `#!/bin/sh\ncd ${JSON.stringify(root)} && exec ${JSON.stringify(process.execPath)} --conditions=@ttrpc-ts/source --import tsx ${JSON.stringify(join(here, "fixtures", "launched-plugin.ts"))} ${JSON.stringify(out)}\n`,
  );
  chmodSync(script, 0o755);

  const run = startRuntime(["-socket", join(dir, "unused.sock"), "-plugin-dir", pluginDir, "-sync-containers", "3"]);
  t.after(() => stopRuntime(run));
  const report = await run.report;
  assert.ok(existsSync(out), `the launched plugin wrote nothing\n${run.stderr()}`);
  const lines = readFileSync(out, "utf8").trim().split("\n");

  assert.equal(lines[0], "env NRI_PLUGIN_SOCKET=3 NRI_PLUGIN_NAME=ts-launched NRI_PLUGIN_IDX=10");
  // start() resolves once configured, which races with the runtime's next
  // request (Synchronize), so "started" has no fixed place after configure.
  const started = lines.filter((l) => l.startsWith("started "));
  assert.deepEqual(started, [`started 10-ts-launched events=0x${handled.toString(16)}`]);
  const events = lines.slice(1).filter((l) => !l.startsWith("started ") && !l.startsWith("updateContainers") && !l.startsWith("closed"));
  assert.deepEqual(events, ['configure runtime=ttrpc-ts-interop/v0.0.1 config=""', "synchronize pods=1 containers=3 bulk=0", ...lifecycle]);
  assert.equal(report.registered, true, run.stderr());
  assert.equal(report.syncMessages, 1);
  assert.ok(report.createContainer?.env.includes(`${ENV.key}=${ENV.value}`), JSON.stringify(report.createContainer));
  assert.equal(report.createContainer?.annotations[ANNOTATION[0]], ANNOTATION[1]);
  assert.deepEqual(report.unsolicitedUpdates, [{ containerId: "ctr1", cpuShares: Number(UNSOLICITED_SHARES) }]);
  assert.deepEqual(report.pluginErrors, []);
});

test("a handler slower than the request budget: the runtime goes on without it and drops the plugin", async (t) => {
  if (!needGoPeers(t)) return;
  const socket = join(dir, "slow.sock");
  const run = startRuntime(["-socket", socket, "-wait-update", "0s"]);
  t.after(() => stopRuntime(run));
  await run.ready;
  const seen: string[] = [];
  const plugin = createPlugin(
    {
      async createContainer(_pod, ctr, ctx) {
        seen.push(`createContainer ${ctr.id} deadline=${ctx.deadline !== undefined}`);
        // Outlast the runtime's budget (2 s); the context's signal says when it is over.
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
        const reason = ctx.signal.reason as { code?: Code };
        // Whichever comes first: our copy of the deadline, or the runtime dropping the connection at its own.
        const ok = reason.code === Code.DeadlineExceeded || reason.code === Code.Unavailable;
        seen.push(`aborted ${ok ? "deadline-or-drop" : String(reason.code)}`);
        return { adjust: { env: [ENV] } };
      },
    },
    { name: "ts-slow", idx: "20", socketPath: socket, env: {} },
  );
  await plugin.start();
  assert.equal(plugin.requestTimeoutMs, 2000);
  const closed = await plugin.wait();
  const report = await run.report;
  assert.equal(closed, undefined);
  assert.deepEqual(seen, ["createContainer ctr1 deadline=true", "aborted deadline-or-drop"]);
  // The adjustment never lands. Either the runtime's own deadline fires first:
  // default failure policy, the request goes on without the plugin, which is
  // dropped; or our answer (DEADLINE_EXCEEDED at the same instant) wins Go's
  // select and the request fails with it.
  assert.deepEqual(report.createContainer?.env, []);
  const dropped = report.pluginErrors.some(
    (e) => e.includes("closing plugin 20-ts-slow, failed to handle CreateContainer request") && e.includes("deadline exceeded"),
  );
  if (report.createContainer?.error === "") assert.ok(dropped, report.pluginErrors.join("\n"));
  else assert.match(report.createContainer?.error ?? "", /code = DeadlineExceeded/);
});
