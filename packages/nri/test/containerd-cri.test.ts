// End to end on a real containerd 2.x (built from the Go module proxy by
// scripts/containerd2/build.sh) with CRI and NRI on: examples/nri-plugin
// connects to containerd's NRI socket, crictl (built by scripts/crictl/build.sh)
// runs a host-network pod and a busybox container, and the container really
// starts with the plugin's environment variable and annotation.
//
// Needs root, runc, a static busybox, Go and the module proxy (or the cached
// builds). Missing any, the test skips, except under CI=true, where it fails.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { BUSYBOX_IMAGE, buildBusyboxImage } from "./containerd/busybox-image.js";
import { type CriDaemon, killLeftovers, startCriDaemon, unmountUnder } from "./containerd/cri-daemon.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const example = join(root, "examples", "nri-plugin", "main.ts");

function need(t: TestContext, reason: string | undefined): boolean {
  if (reason === undefined) return true;
  if (process.env.CI === "true") throw new Error(`CI=true: missing prerequisite: ${reason}`);
  t.skip(`missing prerequisite: ${reason}`);
  return false;
}

/** Whether `path` is an ELF executable without an interpreter (statically linked). */
function isStaticElf(path: string): boolean {
  if (!existsSync(path)) return false;
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const size = b.readUInt16LE(0x36);
  for (let i = 0; i < b.readUInt16LE(0x38); i++) if (b.readUInt32LE(phoff + i * size) === 3) return false; // PT_INTERP
  return true;
}

/** Runs a build script that prints its bin directory last; undefined and the reason when it fails. */
function buildBin(script: string): { bin?: string; error?: string } {
  const r = spawnSync("bash", [join(root, script)], { encoding: "utf8", timeout: 15 * 60_000 });
  if (r.status !== 0)
    return { error: `${script} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" | ")}` };
  return { bin: r.stdout.trim().split("\n").at(-1) ?? "" };
}

test("real containerd 2.x with CRI + NRI: a busybox container starts with the TypeScript plugin's env and annotation", async (t) => {
  if (!need(t, process.getuid?.() === 0 ? undefined : "root (containerd and runc)")) return;
  if (!need(t, spawnSync("runc", ["--version"]).status === 0 ? undefined : "runc (Debian package runc)")) return;
  const busybox = ["/usr/bin/busybox", "/bin/busybox"].find(isStaticElf);
  if (!need(t, busybox ? undefined : "a statically linked busybox (Debian package busybox-static)")) return;
  const containerd = buildBin("scripts/containerd2/build.sh");
  if (!need(t, containerd.error)) return;
  const crictlBuild = buildBin("scripts/crictl/build.sh");
  if (!need(t, crictlBuild.error)) return;

  const dir = mkdtempSync(join(tmpdir(), "nri-cri-"));
  let daemon: CriDaemon | undefined;
  let plugin: ChildProcess | undefined;
  let crictlBin: ((...args: string[]) => string) | undefined;
  t.after(async () => {
    plugin?.kill("SIGKILL");
    try {
      crictlBin?.("rmp", "--force", "--all");
    } catch {
      // The daemon is gone already.
    }
    await daemon?.stop();
    killLeftovers(dir);
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  daemon = await startCriDaemon(containerd.bin!, dir, BUSYBOX_IMAGE);
  const endpoint = `unix://${daemon.address}`;
  const crictl = (...args: string[]) =>
    execFileSync(
      join(crictlBuild.bin!, "crictl"),
      ["--runtime-endpoint", endpoint, "--image-endpoint", endpoint, "--timeout", "30s", ...args],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    ).trim();
  execFileSync(
    join(containerd.bin!, "ctr"),
    ["--address", daemon.address, "-n", "k8s.io", "images", "import", buildBusyboxImage(busybox!, dir)],
    {
      stdio: "pipe",
    },
  );

  // The example plugin, as an external plugin on containerd's NRI socket.
  let out = "";
  plugin = spawn(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", example, "--socket", daemon.nriSocket], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  plugin.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  plugin.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const pluginExit = new Promise<number | null>((r) => plugin!.once("exit", r));
  const deadline = Date.now() + 30_000;
  while (!out.includes("registered as 10-env-annotator")) {
    assert.ok(Date.now() < deadline && plugin.exitCode === null, `the plugin did not register:\n${out}\n${daemon.log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  mkdirSync(join(dir, "logs"));
  const podConfig = join(dir, "pod.json");
  writeFileSync(
    podConfig,
    JSON.stringify({
      metadata: { name: "nri-e2e", namespace: "default", uid: "nri-e2e-uid", attempt: 0 },
      log_directory: join(dir, "logs"),
      linux: { security_context: { namespace_options: { network: 2 } } }, // NODE: host network, no CNI
    }),
  );
  const ctrConfig = join(dir, "ctr.json");
  writeFileSync(
    ctrConfig,
    JSON.stringify({
      metadata: { name: "app" },
      image: { image: BUSYBOX_IMAGE },
      command: ["/bin/sh", "-c", "env; sleep 3600"],
      log_path: "app.log",
      linux: {},
    }),
  );
  const pod = crictl("runp", podConfig);
  const ctr = crictl("create", pod, ctrConfig, podConfig);
  crictl("start", ctr);

  // The container's own view: its environment, as it printed it.
  let logs = "";
  const logDeadline = Date.now() + 20_000;
  while (!logs.includes("PWD=")) {
    assert.ok(Date.now() < logDeadline, `no output from the container:\n${logs}`);
    await new Promise((r) => setTimeout(r, 100));
    logs = crictl("logs", ctr);
  }
  assert.match(logs, /^HELLO_FROM_NRI=ttrpc-ts$/m);
  // NRI adjusts the container's OCI spec: the annotation lands there, beside the env.
  const inspect = JSON.parse(crictl("inspect", ctr)) as {
    status: { state: string };
    info: { runtimeSpec: { annotations: Record<string, string>; process: { env: string[] } } };
  };
  assert.equal(inspect.status.state, "CONTAINER_RUNNING");
  assert.equal(inspect.info.runtimeSpec.annotations["example.ttrpc-ts.io/seen-by"], "env-annotator");
  assert.ok(inspect.info.runtimeSpec.process.env.includes("HELLO_FROM_NRI=ttrpc-ts"));

  crictl("stop", ctr);
  crictl("rm", ctr);
  crictl("stopp", pod);
  crictl("rmp", pod);
  await daemon.stop();
  assert.equal(await pluginExit, 0, out);

  // "registered" is logged when start() resolves, which races with the
  // runtime's first request after Configure: it has no fixed place.
  const all = out.trim().split("\n");
  assert.equal(all.filter((l) => l === "[env-annotator] registered as 10-env-annotator").length, 1, out);
  const lines = all.filter((l) => l !== "[env-annotator] registered as 10-env-annotator");
  assert.match(lines[0] ?? "", /^\[env-annotator\] configured by containerd v?2\.\d+\.\d+\S* \(NRI v0\.\d+\.\d+\), config ""$/);
  assert.deepEqual(lines.slice(1), [
    "[env-annotator] synchronized: 0 pods, 0 containers",
    "[env-annotator] pod started: default/nri-e2e",
    "[env-annotator] container created: nri-e2e/app, adding HELLO_FROM_NRI and example.ttrpc-ts.io/seen-by",
    lines.find((l) => l.startsWith("[env-annotator] container started: nri-e2e/app (pid ")) ?? "container started line missing",
    "[env-annotator] container stopped: nri-e2e/app",
    "[env-annotator] container removed: nri-e2e/app",
    "[env-annotator] pod stopped: default/nri-e2e",
    "[env-annotator] pod removed: default/nri-e2e",
    "[env-annotator] runtime closed the connection",
  ]);
  assert.doesNotMatch(lines.find((l) => l.includes("container started")) ?? "", /\(pid 0\)/);
});
