// The published entry points are esbuild bundles (scripts/bundle.mjs). esbuild
// renames classes it has to rename (TtrpcError -> _TtrpcError) unless told to
// keep names; logs and util.inspect would then show the wrong name. Checks
// the built files, ESM and CommonJS (run `npm run build` first).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { inspect } from "node:util";

const dist = new URL("../../dist/", import.meta.url);
type Entry = typeof import("@ttrpc-ts/runtime");

describe("bundled entry points keep class names", () => {
  const entries: [string, () => Promise<Entry>][] = [
    ["esm", async () => (await import(new URL("esm/index.js", dist).href)) as Entry],
    ["cjs", async () => createRequire(import.meta.url)(new URL("cjs/index.js", dist).pathname) as Entry],
  ];
  for (const [format, load] of entries) {
    it(format, async () => {
      assert.ok(existsSync(new URL(`${format}/index.js`, dist)), "packages/runtime is not built: run `npm run build`");
      const rt = await load();
      for (const name of ["TtrpcError", "Metadata", "Server", "Connection"] as const) assert.equal(rt[name].name, name);
      const e = new rt.TtrpcError("boom", rt.Code.NotFound);
      assert.equal(e.name, "TtrpcError");
      assert.match(inspect(e), /^TtrpcError/);
      assert.match(inspect(new rt.Metadata()), /^Metadata/);
    });
  }
  it("protocol subpath (esm and cjs)", async () => {
    const esm = (await import(new URL("esm/protocol/index.js", dist).href)) as typeof import("@ttrpc-ts/runtime/protocol");
    const cjs = createRequire(import.meta.url)(
      new URL("cjs/protocol/index.js", dist).pathname,
    ) as typeof import("@ttrpc-ts/runtime/protocol");
    for (const p of [esm, cjs]) assert.equal(p.FrameParser.name, "FrameParser");
  });
});
