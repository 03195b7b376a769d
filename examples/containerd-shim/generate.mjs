#!/usr/bin/env node
// Generates TypeScript for containerd's ttrpc APIs, taken from Debian's
// golang-github-containerd-containerd-dev package (never copied into this
// repository): the shim's Task service (runtime/v2/task/shim.proto), the ttrpc
// events service (api/services/ttrpc/events/v1/events.proto), and what they
// import. gogoproto comes from golang-github-gogo-protobuf-dev, and
// google/protobuf from protobuf-compiler.
//
//   node examples/containerd-shim/generate.mjs [--out <dir>]    (default: ./gen)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
const gocode = "/usr/share/gocode/src";
const containerd = "github.com/containerd/containerd";
const gogo = join(gocode, "github.com/gogo/protobuf");

/** The files to generate, relative to the include paths. */
export const protos = [
  `${containerd}/runtime/v2/task/shim.proto`,
  `${containerd}/api/services/ttrpc/events/v1/events.proto`,
  `${containerd}/api/types/mount.proto`,
  `${containerd}/api/types/task/task.proto`,
  `${containerd}/protobuf/plugin/fieldpath.proto`,
  "gogoproto/gogo.proto",
];

/** What generating needs, and the Debian package or command that provides it. */
export const prerequisites = [
  [join(gocode, containerd, "runtime/v2/task/shim.proto"), "Debian package golang-github-containerd-containerd-dev"],
  [join(gogo, "gogoproto/gogo.proto"), "Debian package golang-github-gogo-protobuf-dev"],
  [join(root, "packages/protoc-gen-ttrpc-ts/dist/esm/index.js"), "the plugin's build: npm run build"],
];

/** Generates into `out` (emptied first). Throws with protoc's message on failure. */
export function generate(out) {
  for (const [path, from] of prerequisites) {
    if (!existsSync(path)) throw new Error(`${path} is missing; it comes from ${from}`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const bin = join(root, "node_modules", ".bin");
  const args = [
    `--plugin=protoc-gen-es=${join(bin, "protoc-gen-es")}`,
    `--plugin=protoc-gen-ttrpc-ts=${join(root, "packages/protoc-gen-ttrpc-ts/bin/protoc-gen-ttrpc-ts.js")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts,import_extension=js",
    `--ttrpc-ts_out=${out}`,
    "--ttrpc-ts_opt=target=ts,import_extension=js",
    `-I${gocode}`,
    `-I${gogo}`,
    ...protos,
  ];
  const r = spawnSync("protoc", args, { encoding: "utf8" });
  if (r.error) throw new Error(`protoc: ${r.error.message} (Debian package protobuf-compiler)`);
  if (r.status !== 0) throw new Error(`protoc failed:\n${r.stderr}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--out");
  const out = i > 0 && process.argv[i + 1] ? process.argv[i + 1] : join(here, "gen");
  try {
    generate(out);
    process.stdout.write(`generated containerd's shim and events APIs into ${out}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
