#!/usr/bin/env node
// Generates src/gen from NRI's API proto (pkg/api/api.proto of the Go module
// github.com/containerd/nri): messages with protoc-gen-es, ttrpc clients and
// service stubs with protoc-gen-ttrpc-ts. The proto is never copied into this
// repository; it is found, in this order:
//
//   1. $TTRPC_TS_NRI_DIR: a checkout or module directory of containerd/nri;
//   2. the Go module cache: `go mod download -json github.com/containerd/nri@VERSION`
//      (VERSION below, or $TTRPC_TS_NRI_VERSION), which downloads it from the
//      Go module proxy when it is not cached yet.
//
// Regenerates only when the NRI version or the generator's build changed
// (pass --force to regenerate anyway).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The NRI release the package is generated from and tested against. */
const NRI_VERSION = process.env.TTRPC_TS_NRI_VERSION || "v0.12.5";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const root = join(pkg, "..", "..");
const out = join(pkg, "src", "gen");
const bin = join(root, "node_modules", ".bin");
const ttrpcPlugin = join(root, "packages/protoc-gen-ttrpc-ts/bin/protoc-gen-ttrpc-ts.js");
const ttrpcPluginBuild = join(root, "packages/protoc-gen-ttrpc-ts/dist/esm/index.js");

function fail(message) {
  process.stderr.write(`@ttrpc-ts/nri generate: ${message}\n`);
  process.exit(1);
}

function findNri() {
  const dir = process.env.TTRPC_TS_NRI_DIR;
  if (dir) return { dir, version: NRI_VERSION, from: "$TTRPC_TS_NRI_DIR" };
  const r = spawnSync("go", ["mod", "download", "-json", `github.com/containerd/nri@${NRI_VERSION}`], {
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=mod" },
  });
  if (r.error) fail(`cannot run go (${r.error.message}); Go finds NRI's protos, or set TTRPC_TS_NRI_DIR to a containerd/nri checkout`);
  let info;
  try {
    info = JSON.parse(r.stdout);
  } catch {
    fail(`go mod download github.com/containerd/nri@${NRI_VERSION} failed:\n${r.stderr}${r.stdout}`);
  }
  if (info.Error || !info.Dir) fail(`go mod download github.com/containerd/nri@${NRI_VERSION}: ${info.Error ?? "no Dir"}`);
  return { dir: info.Dir, version: info.Version, from: "the Go module cache" };
}

const { dir, version, from } = findNri();
const api = join(dir, "pkg", "api");
if (!existsSync(join(api, "api.proto"))) fail(`${join(api, "api.proto")} is missing (NRI from ${from})`);
if (!existsSync(ttrpcPluginBuild)) fail(`${ttrpcPluginBuild} is missing: build protoc-gen-ttrpc-ts first (npm run build)`);

const stamp = `${version} ${statSync(ttrpcPluginBuild).mtimeMs}`;
const stampFile = join(out, ".stamp");
if (!process.argv.includes("--force") && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) process.exit(0);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const opt = ["target=ts", "import_extension=js"];
const template = {
  version: "v2",
  plugins: [
    { local: join(bin, "protoc-gen-es"), out, opt },
    { local: ttrpcPlugin, out, opt },
  ],
};
const r = spawnSync(join(bin, "buf"), ["generate", api, "--template", JSON.stringify(template), "--path", join(api, "api.proto")], {
  encoding: "utf8",
});
if (r.error) fail(`cannot run buf: ${r.error.message} (npm install)`);
if (r.status !== 0) fail(`buf generate failed:\n${r.stderr}`);
writeFileSync(
  join(out, "version.ts"),
  `// The containerd/nri release these types were generated from.\nexport const NRI_VERSION = ${JSON.stringify(version)};\n`,
);
writeFileSync(stampFile, stamp);
process.stdout.write(`@ttrpc-ts/nri: generated NRI ${version} API (from ${from}) into src/gen\n`);
