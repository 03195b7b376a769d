#!/usr/bin/env node
// `npm run demo`: installs (on a fresh clone) and builds, generates
// TypeScript from proto/ with protoc-gen-es and protoc-gen-ttrpc-ts
// (buf.gen.yaml), then runs examples/basic: a ttrpc server and client doing
// unary and streaming calls over a unix socket.
// TTRPC_TS_SKIP_BUILD=1 skips the build when it is known to be current.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "node_modules", ".bin");

function step(title, cmd, args) {
  const shown = [cmd === process.execPath ? "node" : cmd, ...args].join(" ");
  process.stdout.write(`\n==> ${title}\n$ ${shown}\n`);
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: "inherit",
    // As under npm scripts and npx: buf finds both plugins in node_modules/.bin.
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
  });
  if (r.status !== 0) {
    process.stderr.write(`\n${title} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})\n`);
    process.exit(r.status || 1);
  }
}

if (!existsSync(join(root, "node_modules", ".package-lock.json"))) step("Install", "npm", ["install", "--no-audit", "--no-fund"]);
// The plugin binary runs the build, so build before generating.
if (process.env.TTRPC_TS_SKIP_BUILD !== "1") step("Build", "npm", ["run", "build"]);
step("Generate TypeScript from proto/ (buf.gen.yaml)", "buf", ["generate"]);
step("Run examples/basic", process.execPath, ["--import", "tsx", "examples/basic/main.ts"]);
