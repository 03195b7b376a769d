// `ttrpc` against a real containerd-shim-runc-v2 (what operators debug),
// with containerd's own shim.proto from Debian's packages. The shim is
// started the way containerd starts it; containerd itself need not run.
// A missing prerequisite skips the test, except under CI=true, where it fails.

import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type TestContext, test } from "node:test";
import { runCli } from "./helpers/cli.js";
import { IN_CI } from "./helpers/servers.js";

const GOCODE = "/usr/share/gocode/src";
const GOGO = path.join(GOCODE, "github.com/gogo/protobuf");
const SHIM_PROTO = "github.com/containerd/containerd/runtime/v2/task/shim.proto";
const SCHEMA = ["-I", GOCODE, "-I", GOGO, "--proto", SHIM_PROTO];
const NAMESPACE = "ttrpc-cli-test";

function missing(t: TestContext): boolean {
  const onPath = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
  const needs: Array<[boolean, string]> = [
    [existsSync(path.join(GOCODE, SHIM_PROTO)), "containerd's shim.proto (Debian package golang-github-containerd-containerd-dev)"],
    [existsSync(path.join(GOGO, "gogoproto/gogo.proto")), "gogo.proto (Debian package golang-github-gogo-protobuf-dev)"],
    [onPath("containerd-shim-runc-v2"), "containerd-shim-runc-v2 (Debian package containerd)"],
    [onPath("runc"), "runc (Debian package runc)"],
    [process.getuid?.() === 0, "root (the shim puts its socket in /run/containerd/s)"],
  ];
  const absent = needs.filter(([ok]) => !ok).map(([, what]) => what);
  if (absent.length === 0) return false;
  if (IN_CI) throw new Error(`missing prerequisite: ${absent.join("; ")}`);
  t.skip(`missing prerequisite: ${absent.join("; ")}`);
  return true;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("ttrpc lists, describes and calls a real containerd shim", async (t) => {
  if (missing(t)) return;
  const bundle = mkdtempSync(path.join(tmpdir(), "ttrpc-cli-shim-"));
  const id = `ttrpc-cli-test-${process.pid}`;
  let logReader: ChildProcess | undefined;
  let shimPid: number | undefined;
  try {
    // The bundle as containerd prepares it: an OCI spec and a `log` fifo
    // that someone must read, or the shim daemon exits.
    assert.equal(spawnSync("runc", ["spec"], { cwd: bundle }).status, 0);
    assert.equal(spawnSync("mkfifo", ["log"], { cwd: bundle }).status, 0);
    logReader = spawn("cat", ["log"], { cwd: bundle, stdio: ["ignore", "ignore", "ignore"] });
    const started = spawnSync(
      "containerd-shim-runc-v2",
      ["-namespace", NAMESPACE, "-id", id, "-address", path.join(bundle, "containerd.sock"), "start"],
      {
        cwd: bundle,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 30_000,
      },
    );
    assert.equal(started.status, 0, started.stderr);
    const address = started.stdout.trim();
    assert.match(address, /^unix:\/\/\/run\/containerd\/s\/[0-9a-f]+$/);
    const ns = ["-m", `containerd-namespace-ttrpc=${NAMESPACE}`, "--timeout", "10s"];

    const list = await runCli(["list", "--names", ...SCHEMA]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^containerd\.task\.v2\.Task\/Connect$/m);

    const describe = await runCli(["describe", "containerd.task.v2.Task/State", ...SCHEMA]);
    assert.match(describe.stdout, /\nmessage StateRequest \{\n {2}string id = 1;\n {2}string exec_id = 2;\n\}\n/);

    const connect = await runCli(["call", address, "containerd.task.v2.Task/Connect", JSON.stringify({ id }), ...ns, ...SCHEMA]);
    assert.equal(connect.code, 0, connect.stderr);
    const info = JSON.parse(connect.stdout) as { shimPid?: number };
    assert.ok(typeof info.shimPid === "number" && info.shimPid > 0, connect.stdout);
    shimPid = info.shimPid;

    const state = await runCli(["call", address, "Task/State", '{"id": "no-such-task"}', ...ns, ...SCHEMA]);
    assert.equal(state.code, 69, state.stderr);
    assert.match(state.stderr, /^ttrpc: call failed: NOT_FOUND \(5\): /);

    const shutdown = await runCli(["call", address, "Task/Shutdown", JSON.stringify({ id, now: true }), ...ns, ...SCHEMA]);
    // The shim may exit before its reply is read: then the connection drops (UNAVAILABLE).
    assert.ok(shutdown.code === 0 || shutdown.code === 78, `${shutdown.code}: ${shutdown.stderr}`);
    const deadline = Date.now() + 10_000;
    while (processAlive(shimPid) && !isZombie(shimPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!processAlive(shimPid) || isZombie(shimPid), "the shim is still running after Shutdown");
    shimPid = undefined;
  } finally {
    if (shimPid !== undefined && processAlive(shimPid)) process.kill(shimPid, "SIGKILL");
    logReader?.kill();
    rmSync(bundle, { recursive: true, force: true });
  }
});

/** A daemon that has exited but is not reaped yet counts as gone. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true;
  }
}
