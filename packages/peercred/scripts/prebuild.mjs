#!/usr/bin/env node
// Run by `prepack`: builds the linux-x64 binary that the tarball ships in
// prebuilds/ (prebuildify, Node-API, so one file serves every Node line),
// from the committed C source, against the headers of the Node running
// this script (nothing is downloaded). Packing elsewhere would publish a
// package without it, so that is an error.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
if (process.platform !== "linux" || process.arch !== "x64") {
  process.stderr.write(
    `@ttrpc-ts/peercred: pack on linux-x64 (this is ${process.platform}-${process.arch}): the tarball must carry the linux-x64 prebuilt\n`,
  );
  process.exit(1);
}
const nodedir = resolve(dirname(process.execPath), "..");
if (!existsSync(join(nodedir, "include", "node", "node_api.h"))) {
  process.stderr.write(`@ttrpc-ts/peercred: no Node headers at ${join(nodedir, "include", "node")}\n`);
  process.exit(1);
}
rmSync(join(root, "prebuilds"), { recursive: true, force: true });
const prebuildify = createRequire(join(root, "package.json")).resolve("prebuildify/bin.js");
const r = spawnSync(process.execPath, [prebuildify, "--napi", "--strip", "--tag-libc"], {
  cwd: root,
  // Build logs to stderr: `npm pack --json` prints its answer on stdout.
  stdio: ["ignore", 2, 2],
  // node-gyp reads its options from npm_config_*: use the local headers.
  env: { ...process.env, npm_config_nodedir: nodedir },
});
if (r.status !== 0) process.exit(r.status ?? 1);
