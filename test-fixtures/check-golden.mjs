#!/usr/bin/env node
// Regenerates the golden output of the fixture protos into a temporary
// directory and compares it with what is committed. Exits 1 and lists the
// files that differ, are missing or are left over.
//
//   node test-fixtures/check-golden.mjs            check
//   node test-fixtures/check-golden.mjs --update   rewrite the committed output
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const buf = join(here, "..", "node_modules", ".bin", "buf");
const templates = ["buf.gen.yaml", "buf.gen.ts-proto.yaml"];
// Output directories the templates write, relative to this directory.
const outputs = ["gen/ts", "gen/esm", "gen/ts-proto", "cjs/gen"];

const update = process.argv.includes("--update");
const tmp = mkdtempSync(join(tmpdir(), "ttrpc-golden-"));
try {
  process.exitCode = check();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** Regenerates into `tmp` and compares (or updates); returns the exit code. */
function check() {
  for (const template of templates) {
    const r = spawnSync(buf, ["generate", "--template", template, "--output", tmp], { cwd: here, encoding: "utf8" });
    if (r.status !== 0) {
      process.stderr.write(`buf generate --template ${template} failed:\n${r.stderr}${r.error ?? ""}\n`);
      return 1;
    }
  }
  if (update) {
    for (const out of outputs) {
      rmSync(join(here, out), { recursive: true, force: true });
      cpSync(join(tmp, out), join(here, out), { recursive: true });
    }
    process.stdout.write(`golden output updated: ${outputs.map((o) => `test-fixtures/${o}`).join(", ")}\n`);
  } else {
    const problems = [];
    for (const out of outputs) {
      const want = listFiles(join(tmp, out));
      const have = listFiles(join(here, out));
      for (const f of want) {
        const name = `test-fixtures/${out}/${f}`;
        if (!have.includes(f)) problems.push(`missing: ${name}`);
        else if (!readFileSync(join(tmp, out, f)).equals(readFileSync(join(here, out, f)))) problems.push(`differs: ${name}`);
      }
      for (const f of have) if (!want.includes(f)) problems.push(`not generated any more: test-fixtures/${out}/${f}`);
    }
    if (problems.length > 0) {
      process.stderr.write(
        `Generated code does not match the committed golden files:\n  ${problems.join("\n  ")}\n` +
          "If the change is intended, run: node test-fixtures/check-golden.mjs --update\n",
      );
      return 1;
    }
    process.stdout.write(`golden output matches (${outputs.length} directories)\n`);
  }
  return 0;
}

/** Every file below `dir`, as sorted relative paths. */
function listFiles(dir, base = dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, base, out);
    else out.push(relative(base, p));
  }
  return out.sort();
}
