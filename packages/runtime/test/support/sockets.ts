// Socket-file helpers for listen/connect tests.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync } from "node:fs";

/**
 * Leaves a unix socket file with no listener behind, as a killed server
 * does: a child process binds it and exits without closing it.
 */
export function makeStaleSocket(path: string): void {
  const r = spawnSync(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`]);
  if (r.status !== 0) throw new Error(`could not create a stale socket: ${String(r.stderr)}`);
  if (!existsSync(path) || !lstatSync(path).isSocket()) throw new Error(`no socket file left at ${path}`);
}
