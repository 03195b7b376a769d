// Starting servers and clients in their own processes, and reading their
// resident memory from /proc.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./schema.mjs";

export const goBin = join(root, "interop/go/bin");
export const goServerBin = join(goBin, "ttrpc-bench-server");
export const goClientBin = join(goBin, "ttrpc-bench-client");
const serverScript = join(root, "bench/lib/server.mjs");
const clientScript = join(root, "bench/lib/client.mjs");

/** Whether resident memory can be read (Linux /proc). */
export const canReadRss = existsSync("/proc/self/status");

/** VmRSS (and VmHWM) of a process in bytes, or undefined. */
export function readRss(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(s);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(s);
    return rss ? { rss: Number(rss[1]) * 1024, hwm: hwm ? Number(hwm[1]) * 1024 : undefined } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * User+system CPU time of a process so far, in µs, from /proc/<pid>/stat
 * (clock ticks of 10 ms: USER_HZ is 100 on Linux), or undefined.
 */
export function readCpuUs(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** Samples a process's VmRSS every `everyMs` until stopped; returns the peak. */
export function sampleRss(pid, everyMs = 50) {
  let peak = 0;
  const take = () => {
    const r = readRss(pid);
    if (r && r.rss > peak) peak = r.rss;
  };
  take();
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    return peak || undefined;
  };
}

/**
 * Starts a server (`ttrpc-ts`, `ceiling`, `grpc-js` in Node, or `go`) on
 * `socket`; resolves with the child once it printed READY. Its stdin is a
 * pipe: closing it (or SIGTERM) stops the server.
 */
export function startServer(kind, socket, { nodeArgs = [], env, exec = process.execPath } = {}) {
  const child =
    kind === "go"
      ? spawn(goServerBin, ["-socket", socket, "-quiet"], { stdio: ["pipe", "pipe", "inherit"], env })
      : spawn(exec, [...nodeArgs, serverScript, kind, socket], { stdio: ["pipe", "pipe", "inherit"], cwd: root, env });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${kind} server did not print READY within 15 s`)), 15_000);
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("READY")) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve(child);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited early (${code ?? signal})`));
    });
  });
}

/** Stops a server started by {@link startServer}. */
export async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.stdin.end();
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(t);
}

/**
 * Runs one measurement in a fresh client process: `kind` is `ttrpc-ts`,
 * `ceiling`, `grpc-js` (Node) or `go`. Resolves with its JSON result and the
 * child (for the pid), or an `{ ok: false, error }` result.
 */
export function runClient(kind, socket, measure, opt, { nodeArgs = [], env, onSpawn } = {}) {
  const child =
    kind === "go"
      ? spawn(
          goClientBin,
          [
            "-socket",
            socket,
            "-measure",
            measure,
            "-warmup",
            String(opt.warmupMs),
            "-duration",
            String(opt.durationMs),
            "-inflight",
            String(opt.inflight),
            "-blob-size",
            String(opt.blobSize),
            "-stream-count",
            String(opt.streamCount),
            "-msg-size",
            String(opt.msgSize),
          ],
          { stdio: ["ignore", "pipe", "pipe"], env },
        )
      : spawn(process.execPath, [...nodeArgs, clientScript, kind, socket, measure, JSON.stringify(opt)], {
          stdio: ["ignore", "pipe", "pipe"],
          cwd: root,
          env,
        });
  onSpawn?.(child);
  return new Promise((resolve) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const limit = opt.warmupMs + opt.durationMs + 60_000;
    const timer = setTimeout(() => child.kill("SIGKILL"), limit);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop();
      let res;
      try {
        res = JSON.parse(line);
      } catch {
        res = { ok: false, error: `client exited ${code ?? signal} without a result: ${(err || out).trim().slice(-500)}` };
      }
      if (res.ok && code !== 0) res = { ok: false, error: `client exited ${code}` };
      resolve(res);
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
