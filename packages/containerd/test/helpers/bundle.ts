// An OCI bundle as containerd prepares one for a shim: config.json from
// `runc spec`, a busybox rootfs, and the `log` fifo the shim daemon writes
// to (and exits unless someone reads it), read with openShimLog.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openShimLog } from "@ttrpc-ts/containerd";
import { BUSYBOX } from "./prerequisites.js";

export interface Bundle {
  readonly dir: string;
  /** What the shim daemon logged so far. */
  log(): string;
  /** Stops reading the log. */
  close(): void;
}

/** Creates the bundle in `dir` (which must exist) running `args` in busybox. */
export function createBundle(dir: string, args: string[]): Bundle {
  const rootfs = join(dir, "rootfs");
  mkdirSync(join(rootfs, "bin"), { recursive: true });
  copyFileSync(BUSYBOX, join(rootfs, "bin", "busybox"));
  symlinkSync("busybox", join(rootfs, "bin", "sh"));
  const spec = spawnSync("runc", ["spec"], { cwd: dir, encoding: "utf8" });
  if (spec.status !== 0) throw new Error(`runc spec: ${spec.error?.message ?? spec.stderr}`);
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  config.process.terminal = false;
  config.process.args = args;
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));

  const chunks: string[] = [];
  const log = openShimLog(dir);
  log.stream.on("data", (b: Buffer) => chunks.push(b.toString()));
  return { dir, log: () => chunks.join(""), close: () => log.close() };
}
