// What the end-to-end suites need, and how they say it is missing: a skip
// with the reason locally, a failure under CI=true.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

export const IN_CI = process.env.CI === "true";
const root = fileURLToPath(new URL("../../../..", import.meta.url));

/** True when `ok`; otherwise skips `t` (fails it under CI=true) naming `what`. */
export function need(t: TestContext, ok: boolean, what: string): boolean {
  if (ok) return true;
  if (IN_CI) throw new Error(`missing prerequisite: ${what}`);
  t.skip(`missing prerequisite: ${what}`);
  return false;
}

/**
 * The directory scripts/containerd2/build.sh builds containerd 2.x, ctr and
 * containerd-shim-runc-v2 into ($CONTAINERD2_BIN overrides), if they are there.
 */
export function containerd2Bin(): string | undefined {
  const fromEnv = process.env.CONTAINERD2_BIN;
  const dir = fromEnv ?? cacheBin();
  if (dir === undefined) return undefined;
  const all = ["containerd", "ctr", "containerd-shim-runc-v2"].every((b) => existsSync(join(dir, b)));
  return all ? dir : undefined;
}

function cacheBin(): string | undefined {
  const r = spawnSync("bash", [join(root, "scripts/containerd2/build.sh"), "--version"], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const cache = process.env.TTRPC_TS_CACHE ?? join(homedir(), ".cache", "ttrpc-ts");
  return join(cache, "containerd2", r.stdout.trim(), "bin");
}

export const BUILD_HINT = "containerd 2.x binaries: run scripts/containerd2/build.sh";

/** Whether `cmd` is on PATH. */
export function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** Busybox built statically (Debian package busybox-static), so it runs alone in a rootfs. */
export const BUSYBOX = "/bin/busybox";

/** Whether BUSYBOX exists and needs no dynamic loader. */
export function staticBusybox(): boolean {
  if (!existsSync(BUSYBOX)) return false;
  // A dynamically linked ELF names its loader (PT_INTERP) near the start.
  return !readFileSync(BUSYBOX).subarray(0, 8192).includes("ld-linux");
}

/** Whether the generated code exists (the package's build ran). */
export function generated(): boolean {
  return existsSync(fileURLToPath(new URL("../../src/gen/runtime/task/v3/shim_ttrpc.ts", import.meta.url)));
}

/**
 * The containerd 2.x bin directory when all that running a container through
 * a real shim needs is here; otherwise undefined, after skipping `t` (or
 * throwing under CI=true).
 */
export function shimPrerequisites(t: TestContext): string | undefined {
  const bin = containerd2Bin();
  if (!need(t, generated(), "the generated containerd API (npm run build -w @ttrpc-ts/containerd)")) return undefined;
  if (!need(t, bin !== undefined, BUILD_HINT)) return undefined;
  if (!need(t, onPath("runc"), "runc (Debian package runc)")) return undefined;
  if (!need(t, staticBusybox(), "a static /bin/busybox (Debian package busybox-static)")) return undefined;
  if (!need(t, process.getuid?.() === 0, "root (runc creates namespaces and cgroups)")) return undefined;
  return bin;
}
