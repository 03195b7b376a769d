#!/usr/bin/env node
// The package's install hook. It never fails the install: on linux-x64
// (glibc) the prebuilt binary in prebuilds/ loads and nothing is done;
// elsewhere on Linux it tries a source build, and if that fails it says so
// and goes on. A server that then asks for peer credentials gets an error
// naming the fix (see src/native.ts). Under pnpm 10 or --ignore-scripts this
// hook does not run at all, and the prebuilt binary still loads.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
if (process.platform !== "linux") process.exit(0);
try {
  createRequire(join(root, "package.json"))("node-gyp-build")(root);
  process.exit(0);
} catch {
  // No prebuilt binary for this platform (or it does not load): build one.
}
const r = spawnSync(process.execPath, [join(root, "scripts", "build-addon.mjs")], { cwd: root, stdio: "inherit" });
if (r.status !== 0) {
  process.stderr.write(
    `@ttrpc-ts/peercred: no prebuilt addon for ${process.platform}-${process.arch} and the source build failed; ` +
      "peer credentials are unavailable (requireUidGid/requireSameUser will throw). " +
      "Install a C compiler, make and python3, then run `npm rebuild @ttrpc-ts/peercred`.\n",
  );
}
