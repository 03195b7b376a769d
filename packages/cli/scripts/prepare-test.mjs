// Builds what the end-to-end tests run: the CLI (always, it is quick) and
// the runtime's ESM output when it is missing or older than its sources,
// since the built CLI imports @ttrpc-ts/runtime from dist/esm under plain node.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const cliDir = fileURLToPath(new URL("..", import.meta.url));
const runtimeDir = path.join(cliDir, "..", "runtime");
const runtimeEntry = path.join(runtimeDir, "dist", "esm", "index.js");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const stale = !existsSync(runtimeEntry) || statSync(runtimeEntry).mtimeMs < newestMtime(path.join(runtimeDir, "src"));
if (stale) {
  console.log("prepare-test: building @ttrpc-ts/runtime (dist/esm)");
  execFileSync(npm, ["run", "build:esm", "--silent"], { cwd: runtimeDir, stdio: "inherit" });
}
console.log("prepare-test: building @ttrpc-ts/cli");
execFileSync(npm, ["run", "build", "--silent"], { cwd: cliDir, stdio: "inherit" });
