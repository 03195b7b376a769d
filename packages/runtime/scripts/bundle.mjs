// Replaces the tsc-built entry points (dist/{esm,cjs}/index.js,
// protocol/, testing/ and reconnect/index.js) with single-file bundles: loading one
// module instead of ~30 is most of the runtime's import time. The .d.ts
// files from tsc are kept as they are.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const entries = [
  ["src/index.ts", "index.js"],
  ["src/protocol/index.ts", join("protocol", "index.js")],
  ["src/testing/index.ts", join("testing", "index.js")],
  ["src/reconnect/index.ts", join("reconnect", "index.js")],
];
// The testing and reconnect entry points import the runtime through
// "../index.js": keep that import, so they share the main bundle's classes
// (an error from a test client is the application's TtrpcError).
const mainEntryExternal = {
  name: "main-entry-external",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/index\.js$/ }, (args) =>
      /[\\/]src[\\/](testing|reconnect)$/.test(args.resolveDir) ? { path: "../index.js", external: true } : undefined,
    );
  },
};
const outputs = new Set();
for (const [entry, out] of entries) {
  for (const format of ["esm", "cjs"]) {
    const outfile = join("dist", format, out);
    outputs.add(outfile);
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      target: "node20",
      external: ["@bufbuild/protobuf", "@bufbuild/protobuf/*"],
      logLevel: "warning",
      legalComments: "none",
      // Not keepNames: it wraps every named function and closure in a
      // defineProperty call, per call on the hot paths (10% of the server's
      // CPU at 64 calls in flight). Classes keep their names by assignment;
      // the few that refer to themselves set theirs in a static block.
      keepNames: false,
      format,
      outfile,
      plugins: [mainEntryExternal],
    });
  }
}

// The per-module .js files tsc wrote are now unused (the exports map only
// exposes the entry points); their .d.ts files stay for the types.
function prune(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) prune(p);
    else if (name.endsWith(".js") && !outputs.has(p)) rmSync(p);
  }
}
prune("dist");
