// Replaces the tsc-built entry points (dist/esm/index.js, dist/cjs/index.js)
// with single-file bundles: loading one module instead of ~30 is most of the
// runtime's import time. The .d.ts files from tsc are kept as they are.
import { build } from "esbuild";

const common = {
  entryPoints: ["src/index.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  external: ["@bufbuild/protobuf", "@bufbuild/protobuf/*"],
  logLevel: "warning",
  legalComments: "none",
};
await build({ ...common, format: "esm", outfile: "dist/esm/index.js" });
await build({ ...common, format: "cjs", outfile: "dist/cjs/index.js" });

// The per-module .js files tsc wrote are now unused (the exports map only
// exposes the entry point); their .d.ts files stay for the types.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

function prune(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) prune(p);
    else if (name.endsWith(".js") && p !== join("dist", "esm", "index.js") && p !== join("dist", "cjs", "index.js")) rmSync(p);
  }
}
prune("dist");
