// The published entry points are esbuild bundles (scripts/bundle.mjs),
// built without keepNames (it costs a defineProperty per closure on the hot
// paths). esbuild renames a class that refers to itself (TtrpcError ->
// _TtrpcError) and a function whose name an import takes; logs,
// util.inspect and stack traces would then show the wrong name. Checks the
// built files, ESM and CommonJS (run `npm run build` first): every exported
// class and function carries its export name.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { inspect } from "node:util";

const dist = new URL("../../dist/", import.meta.url);
type Entry = typeof import("@ttrpc-ts/runtime");
const require = createRequire(import.meta.url);

/** The exported functions and classes whose name is not their export name. */
function misnamed(entry: object): string[] {
  return Object.entries(entry)
    .filter(([k, v]) => typeof v === "function" && v.name !== k)
    .map(([k, v]) => `${k} is named ${(v as { name: string }).name}`);
}

describe("bundled entry points keep class names", () => {
  const entries: [string, () => Promise<Entry>][] = [
    ["esm", async () => (await import(new URL("esm/index.js", dist).href)) as Entry],
    ["cjs", async () => require(new URL("cjs/index.js", dist).pathname) as Entry],
  ];
  for (const [format, load] of entries) {
    it(format, async () => {
      assert.ok(existsSync(new URL(`${format}/index.js`, dist)), "packages/runtime is not built: run `npm run build`");
      const rt = await load();
      for (const name of ["TtrpcError", "Metadata", "Server", "Connection"] as const) assert.equal(rt[name].name, name);
      assert.deepEqual(misnamed(rt), []);
      assert.match(inspect(rt.createHandlerContext({ service: "s", method: "m" })), /^CallContext/);
      const e = new rt.TtrpcError("boom", rt.Code.NotFound);
      assert.equal(e.name, "TtrpcError");
      assert.match(inspect(e), /^TtrpcError/);
      assert.match(inspect(new rt.Metadata()), /^Metadata/);
    });
  }
  it("protocol subpath (esm and cjs)", async () => {
    const esm = (await import(new URL("esm/protocol/index.js", dist).href)) as typeof import("@ttrpc-ts/runtime/protocol");
    const cjs = require(new URL("cjs/protocol/index.js", dist).pathname) as typeof import("@ttrpc-ts/runtime/protocol");
    for (const p of [esm, cjs]) {
      assert.equal(p.FrameParser.name, "FrameParser");
      assert.deepEqual(misnamed(p), []);
    }
  });

  it("testing and reconnect subpaths (esm and cjs)", async () => {
    for (const sub of ["testing", "reconnect"]) {
      const esm = (await import(new URL(`esm/${sub}/index.js`, dist).href)) as object;
      const cjs = require(new URL(`cjs/${sub}/index.js`, dist).pathname) as object;
      assert.deepEqual(misnamed(esm), [], `esm/${sub}`);
      assert.deepEqual(misnamed(cjs), [], `cjs/${sub}`);
    }
  });
});
