// Builds and runs the Go NRI peers in interop/go: nri-runtime (NRI's own
// runtime-side library, github.com/containerd/nri/pkg/adaptation) and
// nri-mux-vectors. Without Go the tests skip, except under CI=true, where
// that is a failure.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

const goDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "interop", "go");
export const nriRuntimeBin = join(goDir, "bin", "nri-runtime");
export const nriMuxVectorsBin = join(goDir, "bin", "nri-mux-vectors");

let built: string | undefined | null = null;

/** Builds the peers (once per process; cached by Go). False, after skipping `t`, when Go is missing outside CI. */
export function needGoPeers(t: TestContext): boolean {
  if (built === null) {
    try {
      execFileSync("go", ["build", "-o", "bin/", "./cmd/nri-runtime", "./cmd/nri-mux-vectors"], { cwd: goDir, stdio: "pipe" });
      built = undefined;
    } catch (e) {
      built = `cannot build the Go NRI peers in interop/go (is Go installed?): ${(e as Error).message.split("\n")[0]}`;
    }
  }
  if (built === undefined) return true;
  if (process.env.CI === "true") throw new Error(`CI=true: ${built}`);
  t.skip(built);
  return false;
}

/** What nri-runtime reports (see interop/go/cmd/nri-runtime). */
export interface RuntimeReport {
  registered: boolean;
  syncMessages: number;
  syncMoreMessages: number;
  syncPods: number;
  syncContainers: number;
  syncUpdates: string[];
  runPodSandbox: string;
  createContainer: { error: string; env: string[]; annotations: Record<string, string>; updates: string[] } | null;
  startContainer: string;
  updateContainer: { error: string; updates: string[] } | null;
  stopContainer: { error: string; updates: string[] } | null;
  removeContainer: string;
  stopPodSandbox: string;
  removePodSandbox: string;
  unsolicitedUpdates: Array<{ containerId: string; cpuShares: number }>;
  pluginErrors: string[];
}

/** A running nri-runtime: `ready` once its socket listens, `report` when it is done. */
export interface RuntimeRun {
  child: ChildProcess;
  ready: Promise<void>;
  report: Promise<RuntimeReport>;
  stderr(): string;
}

/** Starts nri-runtime with `args`. */
export function startRuntime(args: string[]): RuntimeRun {
  const child = spawn(nriRuntimeBin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("READY\n")) onReady();
  });
  const report = new Promise<RuntimeReport>((resolve, reject) => {
    child.once("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) {
        reject(new Error(`nri-runtime exited with ${code}\nstdout:\n${out}\nstderr:\n${err}`));
        return;
      }
      resolve(JSON.parse(last) as RuntimeReport);
    });
  });
  // A run that dies before READY must not leave `ready` pending.
  report.catch(() => {});
  return { child, ready: Promise.race([ready, report.then(() => {})]), report, stderr: () => err };
}

/** Kills a run that is still going (test cleanup). */
export function stopRuntime(run: RuntimeRun): void {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
}
