// examples/nri-plugin against NRI's own runtime side (interop/go/cmd/nri-runtime,
// on github.com/containerd/nri/pkg/adaptation): the container gets the
// example's environment variable and annotation, and the example logs the
// pod's and the container's life.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { needGoPeers, startRuntime, stopRuntime } from "../../packages/nri/test/go-nri-peer.js";

const here = fileURLToPath(new URL(".", import.meta.url));

test("examples/nri-plugin adds its env and annotation and logs lifecycle events", async (t) => {
  if (!needGoPeers(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "nri-example-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, "nri.sock");
  const run = startRuntime(["-socket", socket, "-wait-update", "0s"]);
  t.after(() => stopRuntime(run));
  await run.ready;

  const child = spawn(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", join(here, "main.ts"), "--socket", socket], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once("exit", r));

  const report = await run.report;
  assert.equal(await exited, 0, out);
  assert.ok(report.createContainer?.env.includes("HELLO_FROM_NRI=ttrpc-ts"), JSON.stringify(report.createContainer));
  assert.equal(report.createContainer?.annotations["example.ttrpc-ts.io/seen-by"], "env-annotator");
  // "registered" is logged when start() resolves, which races with the
  // runtime's first request after Configure: it has no fixed place.
  const all = out.trim().split("\n");
  assert.equal(all.filter((l) => l === "[env-annotator] registered as 10-env-annotator").length, 1, out);
  const lines = all.filter((l) => l !== "[env-annotator] registered as 10-env-annotator");
  assert.deepEqual(lines, [
    '[env-annotator] configured by ttrpc-ts-interop v0.0.1 (NRI v0.12.5), config ""',
    "[env-annotator] synchronized: 1 pods, 3 containers",
    "[env-annotator] pod started: default/web",
    "[env-annotator] container created: web/app, adding HELLO_FROM_NRI and example.ttrpc-ts.io/seen-by",
    "[env-annotator] container started: web/app (pid 0)",
    "[env-annotator] container stopped: web/app",
    "[env-annotator] container removed: web/app",
    "[env-annotator] pod stopped: default/web",
    "[env-annotator] pod removed: default/web",
    "[env-annotator] runtime closed the connection",
  ]);
});
