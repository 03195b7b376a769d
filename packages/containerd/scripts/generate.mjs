#!/usr/bin/env node
// Generates src/gen from containerd's API protos: messages with
// protoc-gen-es, ttrpc clients and service definitions with
// protoc-gen-ttrpc-ts. Nothing generated is committed (src/gen is ignored).
//
//   node scripts/generate.mjs
//
// The protos come from $CONTAINERD_API_PROTOS, or from the Go module cache
// (`go mod download github.com/containerd/containerd/api@<containerdApiVersion>`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { apiModule, apiVersion, findApiDir, stage } from "./api-protos.mjs";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

/** Where a package's bin script is, resolved from this package. */
function bin(name, file) {
  return join(dirname(require.resolve(`${name}/package.json`)), file);
}

/**
 * Generates into `out` (emptied first). Returns the staged proto files, or
 * `{ missing }` when the protos cannot be had here.
 */
export function generate(out = join(pkg, "src", "gen")) {
  const found = findApiDir();
  if (found.missing) return { missing: found.missing };
  const staging = mkdtempSync(join(tmpdir(), "ttrpc-ts-containerd-api-"));
  try {
    const files = stage(found.dir, staging);
    rmSync(out, { recursive: true, force: true });
    const opt = ["target=ts", "import_extension=js"];
    const template = {
      version: "v2",
      plugins: [
        { local: bin("@bufbuild/protoc-gen-es", "bin/protoc-gen-es"), out, opt },
        { local: bin("@ttrpc-ts/protoc-gen-ttrpc-ts", "bin/protoc-gen-ttrpc-ts.js"), out, opt },
      ],
    };
    const r = spawnSync(bin("@bufbuild/buf", "bin/buf"), ["generate", staging, "--template", JSON.stringify(template)], {
      encoding: "utf8",
    });
    if (r.error) throw new Error(`buf: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`buf generate failed:\n${r.stderr}`);
    return { dir: found.dir, files };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const r = generate();
    if (r.missing) {
      process.stderr.write(`cannot generate: missing ${r.missing}\n`);
      process.exit(1);
    }
    process.stdout.write(`generated ${r.files.length} protos of ${apiModule}@${apiVersion} from ${r.dir}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
