// Builds and runs the Go interop peer (interop/go, on the real
// containerd/ttrpc). With CI=true a missing Go toolchain is a failure.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const goDir = join(dirname(fileURLToPath(import.meta.url)), "..", "go");
export const goServerBin = join(goDir, "bin", "ttrpc-interop-server");
export const goClientBin = join(goDir, "bin", "ttrpc-interop-client");
export const goOtelPeerBin = join(goDir, "bin", "ttrpc-otel-peer");

/**
 * Why the Go peer cannot run here, or undefined when it can. Builds the
 * binaries when they are missing. Throws under CI=true instead of returning
 * a reason: interop must never silently skip in CI.
 */
export function goPeerUnavailable(): string | undefined {
  let reason: string | undefined;
  if (![goServerBin, goClientBin, goOtelPeerBin].every((bin) => existsSync(bin))) {
    try {
      execFileSync("bash", [join(goDir, "build.sh")], { stdio: "pipe" });
    } catch (e) {
      reason = `cannot build the Go interop peer (is Go installed?): ${(e as Error).message.split("\n")[0]}`;
    }
  }
  if (reason && process.env.CI === "true") throw new Error(`CI=true: ${reason}`);
  return reason;
}

/** A temp dir for sockets, removed by `cleanup`. */
export function tempSocketDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-interop-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the Go server on `socket`; resolves once it printed READY. */
export function startGoServer(socket: string): Promise<ChildProcess> {
  const child = spawn(goServerBin, ["-socket", socket, "-quiet"], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("Go server did not print READY within 10 s")), 10_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("READY")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Go server exited early with ${code}`));
    });
  });
}

/** Stops a Go server started by {@link startGoServer}. */
export async function stopGoServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** One line of the Go client's report. */
export interface GoCaseResult {
  case: string;
  ok: boolean;
  error: string;
  ms: number;
  note?: string;
}

/** Lists the Go client's case names. */
export function goClientCases(): string[] {
  return execFileSync(goClientBin, ["-list"], { encoding: "utf8" }).split("\n").filter(Boolean);
}

/** Runs Go client cases against `socket`, returning one result per case. */
export function runGoClient(socket: string, cases: string[]): Promise<GoCaseResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(goClientBin, ["-socket", socket, "-quiet", "-case", cases.join(",")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const results: GoCaseResult[] = [];
      for (const line of out.split("\n")) {
        if (line.startsWith("{")) results.push(JSON.parse(line) as GoCaseResult);
      }
      if (results.length === 0) reject(new Error(`Go client printed no results (exit ${code}): ${err}`));
      else resolve(results);
    });
  });
}
