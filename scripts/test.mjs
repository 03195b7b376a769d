#!/usr/bin/env node
// `npm test`: builds, then type-checks (one tsc program over every project,
// tsconfig.check.json), lints, checks for import cycles and checks the golden
// generated code at the same time, then runs every test file of the
// repository in one node:test run, so the run ends with one summary. The
// rule: unit tests beside their file (packages/*/src/**/x.test.ts), scenario
// suites in each package's test/; also interop/ts, test-fixtures and examples.
//
//   npm test                          everything
//   npm test -- FILE...               everything, but only these test files
//   npm run test:only -- FILE...      the inner loop: only these test files,
//                                     no install, build, type-check or lint
//                                     (same as `npm test -- --quick FILE...`)
//
// TTRPC_TS_TEST_CONCURRENCY sets how many test files run at once (default 2:
// most files wait on sockets and child processes, not on the CPU).
// TTRPC_TS_TEST_TIMEOUT_MS bounds every test and every test file (default
// 300000: the slowest file takes under a minute on a loaded machine): a hang
// then fails that file, with its name, instead of stalling the whole run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findTests } from "./find-tests.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const only = argv.filter((a) => a !== "--quick");

function fail(title, status) {
  process.stdout.write(`\n${title}: failed (exit ${status})\n`);
  process.exit(typeof status === "number" && status > 0 ? status : 1);
}

function run(title, cmd, args) {
  process.stdout.write(`\n==> ${title}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) fail(title, r.status ?? r.signal);
}

/** Runs commands at once; each one's output is printed when it ends, so logs do not interleave. */
async function runConcurrently(jobs) {
  process.stdout.write(`\n==> ${jobs.map((j) => j.title).join(", ")} (concurrently)\n`);
  const results = await Promise.all(
    jobs.map(
      (job) =>
        new Promise((resolve) => {
          const started = Date.now();
          const child = spawn(job.cmd, job.args, { stdio: ["ignore", "pipe", "pipe"] });
          let out = "";
          child.stdout.on("data", (d) => (out += d));
          child.stderr.on("data", (d) => (out += d));
          child.on("close", (code, signal) => resolve({ job, code: code ?? signal, out, s: (Date.now() - started) / 1000 }));
        }),
    ),
  );
  for (const r of results) {
    process.stdout.write(`\n--- ${r.job.title}: ${r.code === 0 ? "ok" : `FAILED (exit ${r.code})`}, ${r.s.toFixed(1)} s\n${r.out}`);
  }
  const bad = results.find((r) => r.code !== 0);
  if (bad) fail(bad.job.title, bad.code);
}

if (!quick) {
  // A fresh clone: install, then build (the CLI and plugin tests run the built bins).
  if (!existsSync("node_modules/.package-lock.json")) run("npm install", "npm", ["install", "--no-audit", "--no-fund"]);
  if (process.env.TTRPC_TS_SKIP_BUILD !== "1") run("Build", "npm", ["run", "build"]);
}

// @ttrpc-ts/containerd is generated at build time (just above, on a fresh
// clone) from containerd's API module; its build skips (outside CI) where
// neither Go nor CONTAINERD_API_PROTOS can provide the protos, and so do its checks.
const containerdGenerated = existsSync("packages/containerd/src/gen");
if (!containerdGenerated) {
  process.stdout.write("\n@ttrpc-ts/containerd was not generated (see its build's message): its type-check and tests are skipped\n");
}

if (!quick) {
  const tsc = join("node_modules", "typescript", "bin", "tsc");
  const biome = join("node_modules", "@biomejs", "biome", "bin", "biome");
  await runConcurrently([
    { title: "Type-check (tsconfig.check.json)", cmd: process.execPath, args: [tsc, "-p", "tsconfig.check.json"] },
    ...(containerdGenerated
      ? [{ title: "Type-check @ttrpc-ts/containerd", cmd: process.execPath, args: [tsc, "-p", "packages/containerd/tsconfig.json"] }]
      : []),
    { title: "Lint and format (biome)", cmd: process.execPath, args: [biome, "check", "."] },
    { title: "No import cycles among product files", cmd: process.execPath, args: ["scripts/check-cycles.mjs"] },
    { title: "Golden generated code", cmd: process.execPath, args: ["test-fixtures/check-golden.mjs"] },
  ]);
}

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
const concurrency = process.env.TTRPC_TS_TEST_CONCURRENCY ?? "2";
const timeoutMs = process.env.TTRPC_TS_TEST_TIMEOUT_MS ?? "300000";
run(`Tests (${files.length} files, ${concurrency} at a time, Node ${process.version})`, process.execPath, [
  "--conditions=@ttrpc-ts/source",
  "--import",
  "tsx",
  "--test",
  `--test-concurrency=${concurrency}`,
  `--test-timeout=${timeoutMs}`,
  "--test-reporter=spec",
  ...files,
]);
