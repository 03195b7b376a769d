#!/usr/bin/env node
// Every package's `prepack`, so that `npm pack` (or publish) alone yields a
// complete tarball: copies the repository's LICENSE into the package, builds
// the runtime first when this package compiles against its types, and the
// generator when this package generates code with it, if they have not been
// built, then builds the package itself. `npm run release:dry` builds
// everything once and sets TTRPC_TS_PACK_BUILT=1 to skip the rebuild. Either
// way every file the package's exports name must exist afterwards: a build
// that skipped (containerd's without Go) must not yield an empty tarball.
//
//   node ../../scripts/prepack.mjs [--needs-runtime] [--needs-generator]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = process.cwd();

function npmRun(cwd, script) {
  // Build logs to stderr: `npm pack --json` prints its answer on stdout.
  const r = spawnSync("npm", ["run", script], { cwd, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Builds packages/<name> first when `flag` is given and `built` (a file of its build) is missing. */
function needs(flag, name, built) {
  const dir = join(root, "packages", name);
  if (process.argv.includes(flag) && !existsSync(join(dir, built))) npmRun(dir, "build");
}

/** The files the exports map names, except source and wildcard targets. */
function exportedFiles(exports) {
  if (typeof exports === "string") return exports.includes("*") ? [] : [exports];
  if (exports === null || typeof exports !== "object") return [];
  return Object.entries(exports).flatMap(([k, v]) => (k === "@ttrpc-ts/source" ? [] : exportedFiles(v)));
}

copyFileSync(join(root, "LICENSE"), join(pkg, "LICENSE"));
if (process.env.TTRPC_TS_PACK_BUILT !== "1") {
  needs("--needs-runtime", "runtime", "dist/esm/index.d.ts");
  needs("--needs-generator", "protoc-gen-ttrpc-ts", "dist/esm/index.js");
  npmRun(pkg, "build");
}
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
const missing = exportedFiles(manifest.exports ?? {}).filter((f) => !existsSync(join(pkg, f)));
if (missing.length > 0) {
  process.stderr.write(`prepack ${manifest.name}: the build did not produce ${missing.join(", ")}\n`);
  process.exit(1);
}
