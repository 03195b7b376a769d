#!/usr/bin/env node
// Every package's `prepack`, so that `npm pack` (or publish) alone yields a
// complete tarball: copies the repository's LICENSE into the package, builds
// the runtime first when this package compiles against its types and it has
// not been built, then builds the package itself. `npm run release:dry`
// builds everything once and sets TTRPC_TS_PACK_BUILT=1 to skip the rebuild.
//
//   node ../../scripts/prepack.mjs [--needs-runtime]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = process.cwd();

function npmRun(cwd, script) {
  // Build logs to stderr: `npm pack --json` prints its answer on stdout.
  const r = spawnSync("npm", ["run", script], { cwd, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

copyFileSync(join(root, "LICENSE"), join(pkg, "LICENSE"));
if (process.env.TTRPC_TS_PACK_BUILT !== "1") {
  const runtime = join(root, "packages", "runtime");
  if (process.argv.includes("--needs-runtime") && !existsSync(join(runtime, "dist", "esm", "index.d.ts"))) npmRun(runtime, "build");
  npmRun(pkg, "build");
}
