// A real containerd 2.x runc shim (built by scripts/containerd2/build.sh)
// driven through a busybox container's whole life by the generated task v3
// client: started through the bootstrap protocol; Connect, Create, Start,
// State, Wait, Delete, Shutdown. A TypeScript Events server stands in for
// containerd at TTRPC_ADDRESS and receives the task events the shim publishes.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { connectShim, NAMESPACE_METADATA_KEY, startShim, unpackEvent, withNamespace } from "@ttrpc-ts/containerd";
import type { Envelope } from "@ttrpc-ts/containerd/events";
import { Code, createClient, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { createBundle } from "./helpers/bundle.js";
import { shimPrerequisites } from "./helpers/prerequisites.js";
import { alive, cleanUpTask, killQuietly, waitFor } from "./helpers/processes.js";

const NAMESPACE = "ttrpc-ts-e2e";
const EXIT_CODE = 3;
const GREETING = "hello from busybox";

interface Received {
  envelope: Envelope;
  metadataNamespace: string | undefined;
}

test("containerd 2.x shim: a busybox container's whole life over task v3, with its events", async (t) => {
  const bin = shimPrerequisites(t);
  if (bin === undefined) return;
  const shimBinary = join(bin, "containerd-shim-runc-v2");
  // Loaded here: the imports exist only after the package's build generated them.
  const { createTaskClient } = await import("@ttrpc-ts/containerd/task/v3");
  const v2 = await import("@ttrpc-ts/containerd/task/v2");
  const { registerEvents, TaskCreateSchema, TaskDeleteSchema, TaskExitSchema, TaskStartSchema } = await import(
    "@ttrpc-ts/containerd/events"
  );
  const { Status } = await import("@ttrpc-ts/containerd/types");

  const tmp = mkdtempSync(join(tmpdir(), "ttrpc-ts-shim2-"));
  const id = `shim2-${process.pid}`;
  const out = join(tmp, "stdio.log");
  // The shim links <bundle>/s to its socket directory, so the two stay apart.
  const bundleDir = join(tmp, "bundle");
  const socketDir = join(tmp, "sockets");
  mkdirSync(bundleDir);
  const bundle = createBundle(bundleDir, ["/bin/sh", "-c", `echo ${GREETING}; exit ${EXIT_CODE}`]);
  const received: Received[] = [];
  const events = new Server();
  registerEvents(events, {
    forward(request, context) {
      if (request.envelope) received.push({ envelope: request.envelope, metadataNamespace: context.metadata.get(NAMESPACE_METADATA_KEY) });
      return {};
    },
  });
  const eventsAddress = join(tmp, "events.sock");
  await events.listen(eventsAddress);
  let shimPid: number | undefined;
  try {
    // 2.x shims refuse the old start (empty stdin): the bootstrap protocol is required.
    await assert.rejects(
      startShim({ bundle: bundleDir, id: `${id}-legacy`, namespace: NAMESPACE, binary: shimBinary, protocol: "legacy" }),
      /deprecated API/,
    );

    const shim = await startShim({
      bundle: bundleDir,
      id,
      namespace: NAMESPACE,
      binary: shimBinary,
      ttrpcAddress: eventsAddress,
      socketDir,
    });
    assert.equal(shim.version, 3);
    assert.equal(shim.result.protocol, "ttrpc");
    assert.match(shim.address, new RegExp(`^unix://${socketDir}/[0-9a-f]{64}$`));

    const connection = await connectShim(shim.address);
    const task = createTaskClient(connection);
    const call = withNamespace(NAMESPACE, { timeoutMs: 20_000 });

    const info = await task.connect({ id }, call);
    shimPid = info.shimPid;
    assert.ok(alive(info.shimPid), `shim pid ${info.shimPid} is not running`);

    // The same call on task v2: the 2.x shim serves v3 only.
    const old = createClient(v2.Task, connection);
    await assert.rejects(old.connect({ id }, call), (e: unknown) => {
      assert.ok(e instanceof TtrpcError);
      assert.equal(e.code, Code.Unimplemented);
      assert.match(e.message, /containerd\.task\.v2\.Task/);
      return true;
    });

    const created = await task.create({ id, bundle: bundleDir, stdout: `file://${out}`, stderr: `file://${out}` }, call);
    assert.ok(created.pid > 0);
    const beforeStart = await task.state({ id }, call);
    assert.equal(beforeStart.status, Status.CREATED);
    assert.equal(beforeStart.pid, created.pid);

    const started = await task.start({ id }, call);
    assert.equal(started.pid, created.pid);
    const waited = await task.wait({ id }, call);
    assert.equal(waited.exitStatus, EXIT_CODE);
    assert.ok(waited.exitedAt, "Wait reports when the process exited");

    const stopped = await task.state({ id }, call);
    assert.equal(stopped.status, Status.STOPPED);
    assert.equal(stopped.exitStatus, EXIT_CODE);
    assert.equal(readFileSync(out, "utf8"), `${GREETING}\n`);

    const deleted = await task.delete({ id }, call);
    assert.equal(deleted.exitStatus, EXIT_CODE);
    assert.equal(deleted.pid, created.pid);
    await assert.rejects(task.state({ id }, call), (e: unknown) => e instanceof TtrpcError && e.code === Code.NotFound);

    // The shim publishes from a queue: /tasks/exit is queued when the exit is
    // reaped, which may come after Wait returned and Delete queued /tasks/delete.
    await waitFor(() => received.length >= 4, `4 task events (got ${received.map((r) => r.envelope.topic).join(", ")})`);
    const byTopic = new Map(received.map((r) => [r.envelope.topic, r.envelope]));
    assert.deepEqual([...byTopic.keys()].sort(), ["/tasks/create", "/tasks/delete", "/tasks/exit", "/tasks/start"]);
    assert.equal(received.length, 4);
    for (const r of received) {
      assert.equal(r.envelope.namespace, NAMESPACE);
      assert.equal(r.metadataNamespace, NAMESPACE);
      // The default registry knows every task event.
      assert.match(unpackEvent(r.envelope)?.$typeName ?? "", /^containerd\.events\.Task(Create|Start|Exit|Delete)$/);
    }
    const c = unpackEvent(byTopic.get("/tasks/create") as Envelope, TaskCreateSchema);
    assert.deepEqual([c?.containerId, c?.bundle, c?.pid], [id, bundleDir, created.pid]);
    const s = unpackEvent(byTopic.get("/tasks/start") as Envelope, TaskStartSchema);
    assert.deepEqual([s?.containerId, s?.pid], [id, created.pid]);
    const x = unpackEvent(byTopic.get("/tasks/exit") as Envelope, TaskExitSchema);
    assert.deepEqual([x?.containerId, x?.pid, x?.exitStatus], [id, created.pid, EXIT_CODE]);
    const d = unpackEvent(byTopic.get("/tasks/delete") as Envelope, TaskDeleteSchema);
    assert.deepEqual([d?.containerId, d?.pid, d?.exitStatus], [id, created.pid, EXIT_CODE]);

    try {
      await task.shutdown({ id, now: true }, call);
    } catch (e) {
      // The shim may exit before its reply is read; the connection then drops.
      if (!(e instanceof TtrpcError) || e.code !== Code.Unavailable) throw e;
    }
    connection.close();
    const pid = info.shimPid;
    await waitFor(() => !alive(pid), `shim ${pid} to exit after Shutdown`);
    shimPid = undefined;
  } catch (e) {
    t.diagnostic(`shim log:\n${bundle.log()}`);
    throw e;
  } finally {
    killQuietly(shimPid);
    cleanUpTask(NAMESPACE, `${id}-legacy`);
    cleanUpTask(NAMESPACE, id);
    bundle.close();
    await events.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
