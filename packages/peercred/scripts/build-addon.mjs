#!/usr/bin/env node
// Builds the native addon from source into build/Release with node-gyp,
// against the headers of the Node that runs this script (--nodedir), so
// nothing is downloaded. Exits non-zero when the build fails; the install
// hook (install.mjs) decides whether that matters.
//
// Off Linux there is nothing to build: SO_PEERCRED is Linux only.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function give(reason) {
  process.stderr.write(`@ttrpc-ts/peercred: cannot build the native addon: ${reason}\n`);
  process.exit(1);
}

if (process.platform !== "linux") {
  process.stdout.write("@ttrpc-ts/peercred: not Linux, no addon to build.\n");
  process.exit(0);
}

// The headers of this very Node: <prefix>/include/node, next to <prefix>/bin/node.
const nodedir = resolve(dirname(process.execPath), "..");
if (!existsSync(join(nodedir, "include", "node", "node_api.h"))) {
  give(`no Node headers at ${join(nodedir, "include", "node")} (install the headers package of your Node distribution)`);
}

let gyp;
try {
  gyp = createRequire(join(root, "package.json")).resolve("node-gyp/bin/node-gyp.js");
} catch {
  // Installed as a dependency without dev dependencies: npm's own node-gyp.
  gyp = process.env.npm_config_node_gyp;
}
if (!gyp || !existsSync(gyp)) give("node-gyp not found (npm install it, or run through npm)");

const r = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`], { cwd: root, stdio: "inherit" });
if (r.status !== 0) give(`node-gyp rebuild failed (exit ${r.status ?? r.signal})`);
