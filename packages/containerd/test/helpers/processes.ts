// Waiting for and ending processes the tests started (or that shims forked).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Whether `pid` runs; a zombie (exited, not reaped) counts as gone. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Polls `check` every 50 ms until it is true; throws `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** SIGKILLs `pid` if it still runs. */
export function killQuietly(pid: number | undefined): void {
  if (pid === undefined || !alive(pid)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone meanwhile.
  }
}

/** SIGKILLs the shim daemon serving task `id`, if a failed test left it running. */
export function killShimFor(id: string): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    const i = argv.indexOf("-id");
    if (argv[0]?.endsWith("containerd-shim-runc-v2") && i > 0 && argv[i + 1] === id) killQuietly(Number(entry));
  }
}

/** Removes what a failed test may leave of task `id`: its shim, its runc container, an empty runc root. */
export function cleanUpTask(namespace: string, id: string): void {
  killShimFor(id);
  const runcRoot = `/run/containerd/runc/${namespace}`;
  spawnSync("runc", ["--root", runcRoot, "delete", "--force", id], { stdio: "ignore" });
  spawnSync("rmdir", [runcRoot], { stdio: "ignore" });
}
