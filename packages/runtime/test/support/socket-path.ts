import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir: string | undefined;
let n = 0;

/**
 * A fresh unix socket path in a private temporary directory (removed at
 * process exit). Paths stay short: sun_path holds 108 bytes.
 */
export function socketPath(name = "s"): string {
  if (dir === undefined) {
    const d = mkdtempSync(join(tmpdir(), "ttrpc-rel-"));
    dir = d;
    process.once("exit", () => rmSync(d, { recursive: true, force: true }));
  }
  n++;
  return join(dir, `${name}-${n}.sock`);
}
