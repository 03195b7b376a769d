// The committed output in test-fixtures/ is what the plugins generate today,
// and it type-checks under the strictest settings as ES modules and as
// CommonJS.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fixturesDir, repoRoot, requirePrerequisite } from "./helpers.js";

const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");

test("regenerating the fixtures reproduces the committed golden files", () => {
  const r = spawnSync(process.execPath, [join(fixturesDir, "check-golden.mjs")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

for (const [style, project] of [
  ["ES modules", "tsconfig.esm.json"],
  ["CommonJS", "cjs/tsconfig.json"],
] as const) {
  test(`the generated code type-checks under the strictest settings (${style})`, (t) => {
    // The generated code sees the runtime the way users do: its built types.
    if (!requirePrerequisite(t, existsSync(join(repoRoot, "packages/runtime/dist/cjs/index.d.ts")), "the runtime's build (npm run build)"))
      return;
    const r = spawnSync(process.execPath, [tsc, "-p", join(fixturesDir, project)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
}
