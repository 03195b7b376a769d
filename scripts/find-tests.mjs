// The test files under a folder: every *.test.ts, skipping node_modules,
// dist and generated code.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Paths (joined onto `dir`) of every test file below `dir`. */
export function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === "gen") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}
