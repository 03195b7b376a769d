// Talks to a real containerd shim (containerd-shim-runc-v2) through the
// TypeScript client generated from containerd's own shim.proto: starts a
// shim the way containerd does, then calls Connect, State on a task that
// does not exist (NOT_FOUND), and Shutdown. containerd itself need not run.
//
//   npm run example:containerd-shim       (generates ./gen first)
//   node --import tsx examples/containerd-shim/main.ts
//
// Needs root (the shim puts its socket in /run/containerd/s) and the Debian
// packages containerd and runc.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, connect, TtrpcError } from "@ttrpc-ts/runtime";
import { createTaskClient } from "./gen/github.com/containerd/containerd/runtime/v2/task/shim_ttrpc.js";

const namespace = "ttrpc-ts-example";
const id = `ttrpc-ts-example-${process.pid}`;
// containerd reads the namespace of a shim call from this metadata key.
const callOptions = { metadata: { "containerd-namespace-ttrpc": namespace }, timeoutMs: 10_000 };

const bundle = mkdtempSync(join(tmpdir(), "ttrpc-shim-bundle-"));
const shimLog: string[] = [];
let logReader: ChildProcess | undefined;
let shimPid: number | undefined;

try {
  // A bundle directory as containerd prepares it: an OCI config.json and a
  // `log` fifo. The shim daemon writes its log to the fifo and exits at once
  // unless something reads it.
  run("runc", ["spec"], bundle);
  run("mkfifo", ["log"], bundle);
  logReader = spawn("cat", ["log"], { cwd: bundle, stdio: ["ignore", "pipe", "inherit"] });
  logReader.stdout?.on("data", (chunk: Buffer) => shimLog.push(chunk.toString()));

  // `start` launches the shim daemon, prints its ttrpc address and exits.
  // -address names containerd's socket, which the shim only uses to publish events.
  const started = run(
    "containerd-shim-runc-v2",
    ["-namespace", namespace, "-id", id, "-address", join(bundle, "containerd.sock"), "start"],
    bundle,
  );
  const address = started.trim();
  console.log(`shim started, listening on ${address}`);

  const connection = await connect(address);
  const task = createTaskClient(connection);

  const info = await task.connect({ id }, callOptions);
  shimPid = info.shimPid;
  console.log(`Connect: shim pid ${info.shimPid}, task pid ${info.taskPid}`);

  try {
    await task.state({ id: "no-such-task" }, callOptions);
    throw new Error("State on an unknown task succeeded");
  } catch (e) {
    if (!(e instanceof TtrpcError) || e.code !== Code.NotFound) throw e;
    console.log(`State of an unknown task: NOT_FOUND as expected (${e.rawMessage})`);
  }

  try {
    await task.shutdown({ id, now: true }, callOptions);
    console.log("Shutdown: accepted");
  } catch (e) {
    // The shim may exit before its reply is read; the connection then drops.
    if (!(e instanceof TtrpcError) || e.code !== Code.Unavailable) throw e;
    console.log("Shutdown: the shim closed the connection while exiting");
  }
  connection.close();
  await waitForExit(info.shimPid, 10_000);
  shimPid = undefined;
  console.log("shim exited");
  console.log("ok");
} catch (e) {
  if (shimLog.length > 0) console.error(`shim log:\n${shimLog.join("")}`);
  throw e;
} finally {
  if (shimPid !== undefined) killQuietly(shimPid);
  logReader?.kill();
  rmSync(bundle, { recursive: true, force: true });
}

/** Runs a command to completion and returns its stdout; stdin is /dev/null. */
function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > end) throw new Error(`shim ${pid} still running ${timeoutMs} ms after Shutdown`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A daemon that exited but was not reaped yet (a zombie) counts as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
