#!/usr/bin/env node
// `npm test`: type-checks every package, checks lint and formatting, then
// runs every test file of the repository in one node:test run, so the run
// ends with one summary. The rule: unit tests beside their file
// (packages/*/src/**/x.test.ts), scenario suites in each package's test/;
// also interop/ts, test-fixtures and examples.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findTests } from "./find-tests.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

function run(title, cmd, args) {
  process.stdout.write(`\n==> ${title}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) {
    process.stdout.write(`\n${title}: failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

// A fresh clone: install, then build (the CLI and plugin tests run the built bins).
if (!existsSync("node_modules/.package-lock.json")) run("npm install", "npm", ["install", "--no-audit", "--no-fund"]);
if (process.env.TTRPC_TS_SKIP_BUILD !== "1") run("Build", "npm", ["run", "build"]);

const tsconfigs = [
  "packages/runtime/tsconfig.json",
  "packages/protoc-gen-ttrpc-ts/tsconfig.json",
  "packages/cli/tsconfig.json",
  "packages/nri/tsconfig.json",
  "interop/tsconfig.json",
  "examples/basic/tsconfig.json",
  "examples/nri-plugin/tsconfig.json",
  "packages/peercred/tsconfig.json",
  "packages/otel/tsconfig.json",
  "packages/retry/tsconfig.json",
  "packages/runtime/test/tsconfig.json",
  "bench/soak/tsconfig.json",
];
// @ttrpc-ts/containerd is generated at build time from containerd's API
// module; its build skips (outside CI) where neither Go nor
// CONTAINERD_API_PROTOS can provide the protos, and so do its checks.
const containerdGenerated = existsSync("packages/containerd/src/gen");
if (containerdGenerated) tsconfigs.push("packages/containerd/tsconfig.json");
else process.stdout.write("\n@ttrpc-ts/containerd was not generated (see its build's message): its type-check and tests are skipped\n");
for (const t of tsconfigs.filter((t) => existsSync(t))) run(`Type-check ${t}`, "npx", ["tsc", "-p", t, "--noEmit"]);

run("Lint and format (biome)", "npx", ["biome", "check", "."]);

run("No import cycles among product files", process.execPath, ["scripts/check-cycles.mjs"]);

if (existsSync("test-fixtures/check-golden.mjs")) run("Golden generated code", "node", ["test-fixtures/check-golden.mjs"]);

const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : [
        ...readdirSync("packages")
          .filter((p) => p !== "containerd" || containerdGenerated)
          .flatMap((p) => [...findTests(join("packages", p, "src")), ...findTests(join("packages", p, "test"))]),
        ...findTests("interop/ts"),
        ...findTests("test-fixtures"),
        ...findTests("examples"),
      ].sort();
run(`Tests (${files.length} files)`, process.execPath, [
  "--conditions=@ttrpc-ts/source",
  "--import",
  "tsx",
  "--test",
  "--test-reporter=spec",
  ...files,
]);
