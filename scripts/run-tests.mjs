#!/usr/bin/env node
// A package's `npm test`: runs every *.test.ts under the given folders (unit
// tests beside their files in src/, scenario suites in test/) in one
// node:test run, from source. Usage: node ../../scripts/run-tests.mjs src test
import { spawnSync } from "node:child_process";
import { findTests } from "./find-tests.mjs";

const files = process.argv
  .slice(2)
  .flatMap((d) => findTests(d))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${process.argv.slice(2).join(", ")}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--conditions=@ttrpc-ts/source", "--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
