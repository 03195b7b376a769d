import { spawnSync } from "node:child_process";
import { constants, lstatSync, openSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";

/** The read end of a shim's log fifo; see {@link openShimLog}. */
export interface ShimLog {
  /** What the shim daemon logs, as it comes. */
  readonly stream: Readable;
  /** Stops reading. The shim keeps running; what it logs afterwards is lost. */
  close(): void;
}

/**
 * Creates the bundle's `log` fifo (if missing) and reads it, as containerd
 * does. Call it before {@link startShim}: the shim daemon writes its log
 * there and exits if it cannot open it for writing.
 */
export function openShimLog(bundle: string): ShimLog {
  const path = join(bundle, "log");
  let exists = true;
  try {
    if (!lstatSync(path).isFIFO()) throw new Error(`${path} exists and is not a fifo`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    exists = false;
  }
  if (!exists) {
    // Node has no mkfifo(3).
    const r = spawnSync("mkfifo", ["-m", "0700", path], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mkfifo ${path}: ${r.error?.message ?? r.stderr.trim()}`);
  }
  // Read and write, non-blocking, as containerd opens it: the open does not
  // wait for a writer, and the read end sees no EOF between writers.
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const stream = new Socket({ fd, readable: true, writable: false });
  return { stream, close: () => stream.destroy() };
}
