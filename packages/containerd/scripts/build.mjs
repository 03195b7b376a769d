#!/usr/bin/env node
// `npm run build`: generates src/gen from containerd's API protos, then
// compiles everything to dist/esm. Without Go (and without
// CONTAINERD_API_PROTOS) it skips with a message, so the rest of the
// monorepo builds anywhere; under CI=true that is a failure.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";

const pkg = fileURLToPath(new URL("..", import.meta.url));
process.chdir(pkg);

const r = generate();
if (r.missing) {
  const message = `@ttrpc-ts/containerd: not built, missing ${r.missing} (see packages/containerd/README.md, "Building")`;
  if (process.env.CI === "true") {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${message}; skipping\n`);
  process.exit(0);
}
process.stdout.write(`generated ${r.files.length} protos from ${r.dir}\n`);

rmSync("dist", { recursive: true, force: true });
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
const c = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
process.exit(c.status ?? 1);
