// Importing the runtime must not load what it only needs later. An ES-module
// import of a Node built-in builds a facade over all its exports (node:fs's
// pulls in fs/promises and the fs streams: ~2 ms, a third of the import), so
// the main bundle fetches built-ins on first use instead; and each distinct
// package specifier costs a resolution, so the envelope is written without
// @bufbuild/protobuf/wire. Checks the built file (run `npm run build` first).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";

const mainBundle = new URL("../../dist/esm/index.js", import.meta.url);

/** The specifiers of a module's static imports (esbuild writes one per line). */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^import\s(?:[^"']*?\sfrom\s)?["']([^"']+)["'];?$/gm)].map((m) => m[1] ?? "");
}

describe("main bundle's static imports", () => {
  it("are @bufbuild/protobuf only: no subpath, no Node built-in", () => {
    assert.ok(existsSync(mainBundle), "packages/runtime is not built: run `npm run build`");
    const specifiers = new Set(staticImports(readFileSync(mainBundle, "utf8")));
    assert.deepEqual([...specifiers], ["@bufbuild/protobuf"]);
  });

  it("the parser sees every import form esbuild writes", () => {
    const src = ['import { a } from "x";', 'import * as b from "node:y";', 'import "z";', "const s = 'import nope';"].join("\n");
    assert.deepEqual(staticImports(src), ["x", "node:y", "z"]);
  });
});
