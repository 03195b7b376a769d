// TypeScript publishes events to a real containerd 2.x daemon (built by
// scripts/containerd2/build.sh) over its ttrpc socket, as a shim does with
// TTRPC_ADDRESS, and `ctr events` on the daemon's gRPC socket prints them.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { connectEventPublisher, createEnvelope, withNamespace } from "@ttrpc-ts/containerd";
import { Code, connect, TtrpcError } from "@ttrpc-ts/runtime";
import { type Daemon, startDaemon } from "./helpers/daemon.js";
import { BUILD_HINT, containerd2Bin, generated, need } from "./helpers/prerequisites.js";
import { waitFor } from "./helpers/processes.js";

const NAMESPACE = "ttrpc-ts-e2e";

test("containerd 2.x daemon: Events/Forward from TypeScript is seen by `ctr events`", async (t) => {
  const bin = containerd2Bin();
  if (!need(t, generated(), "the generated containerd API (npm run build -w @ttrpc-ts/containerd)")) return;
  if (!need(t, bin !== undefined, BUILD_HINT)) return;
  if (!need(t, process.getuid?.() === 0, "root (containerd mounts and owns its state directory)")) return;
  const { createEventsClient, EnvelopeSchema, TaskOOMSchema } = await import("@ttrpc-ts/containerd/events");

  const tmp = mkdtempSync(join(tmpdir(), "ttrpc-ts-ctrd-"));
  let daemon: Daemon | undefined;
  let ctr: ChildProcess | undefined;
  try {
    daemon = await startDaemon(bin as string, tmp);
    const lines: string[] = [];
    ctr = spawn(join(bin as string, "ctr"), ["--address", daemon.address, "events"], { stdio: ["ignore", "pipe", "pipe"] });
    createInterface({ input: ctr.stdout as NodeJS.ReadableStream }).on("line", (l) => lines.push(l));
    const ctrErr: string[] = [];
    ctr.stderr?.on("data", (b: Buffer) => ctrErr.push(b.toString()));

    // ctr tells nobody when its subscription is live, so publish (with the
    // helper) until it prints one of ours.
    const publisher = await connectEventPublisher({ address: daemon.ttrpcAddress, namespace: NAMESPACE });
    const id = (n: number) => `forwarded-${process.pid}-${n}`;
    let sent = 0;
    const seen = () => lines.some((l) => l.includes(`"container_id":"${id(sent)}"`));
    try {
      while (!seen()) {
        if (sent === 100) throw new Error(`ctr events printed none of ${sent} forwarded events (stderr: ${ctrErr.join("")})`);
        await publisher.publish("/ttrpc-ts/forward", TaskOOMSchema, { containerId: id(++sent) }, { timeoutMs: 10_000 });
        await sleep(200);
      }
    } finally {
      publisher.close();
    }
    t.diagnostic(`ctr events: ${lines.join(" | ")}`);
    const line = lines.find((l) => l.includes(`"container_id":"${id(sent)}"`));
    assert.match(
      line ?? "",
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d [0-9:.]+ \\+0000 UTC ${NAMESPACE} /ttrpc-ts/forward \\{"container_id":"${id(sent)}"\\}$`),
    );

    // The generated client, an envelope with our own timestamp: containerd keeps it.
    const connection = await connect(daemon.ttrpcAddress);
    try {
      const events = createEventsClient(connection);
      const at = new Date("2001-02-03T04:05:06.789Z");
      const envelope = createEnvelope({
        namespace: NAMESPACE,
        topic: "/ttrpc-ts/stamped",
        schema: TaskOOMSchema,
        event: { containerId: "stamped" },
        timestamp: at,
      });
      await events.forward({ envelope }, withNamespace(NAMESPACE, { timeoutMs: 10_000 }));
      await waitFor(() => lines.some((l) => l.includes("/ttrpc-ts/stamped")), "ctr events to print the stamped event");
      assert.ok(
        lines.includes(`2001-02-03 04:05:06.789 +0000 UTC ${NAMESPACE} /ttrpc-ts/stamped {"container_id":"stamped"}`),
        lines.join("\n"),
      );

      // containerd validates what it forwards: a bad namespace is INVALID_ARGUMENT.
      const bad = create(EnvelopeSchema, { ...envelope, namespace: "not a namespace", timestamp: timestampFromDate(at) });
      await assert.rejects(events.forward({ envelope: bad }, { timeoutMs: 10_000 }), (e: unknown) => {
        assert.ok(e instanceof TtrpcError);
        assert.equal(e.code, Code.InvalidArgument);
        assert.match(e.message, /namespace/);
        return true;
      });
    } finally {
      connection.close();
    }
  } catch (e) {
    t.diagnostic(`containerd log:\n${daemon?.log() ?? ""}`);
    throw e;
  } finally {
    ctr?.kill();
    await daemon?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
