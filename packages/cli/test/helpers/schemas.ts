import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";
import { FIXTURE_PROTO, INTEROP_PROTO, REPO_ROOT } from "./paths.js";

const run = promisify(execFile);

/** Schema arguments: every interop and fixture proto as .proto files with -I. */
export const PROTO_ARGS: readonly string[] = [
  "-I",
  INTEROP_PROTO,
  "-I",
  FIXTURE_PROTO,
  "--proto",
  "ttrpc/interop/v1/interop.proto",
  "--proto",
  "ttrpc/integration/streaming/test.proto",
  "--proto",
  "ttrpc/cli/test/v1/missing.proto",
];

/** Descriptor sets written once per test file. */
export interface DescriptorSets {
  /** Binary set with imports (what `buf build -o x.binpb` writes). */
  readonly binary: string;
  /** The same set in JSON. */
  readonly json: string;
  /** Binary set without imports: the well-known types must be filled in. */
  readonly noImports: string;
}

/** Builds the interop protos into descriptor sets in `dir` with buf. */
export async function buildDescriptorSets(dir: string): Promise<DescriptorSets> {
  const buf = createRequire(import.meta.url).resolve("@bufbuild/buf/bin/buf");
  const sets = {
    binary: path.join(dir, "interop.binpb"),
    json: path.join(dir, "interop.json"),
    noImports: path.join(dir, "interop-no-imports.binpb"),
  };
  // Only the two interop files: others may be added to interop/proto over time.
  const only = ["ttrpc/interop/v1/interop.proto", "ttrpc/integration/streaming/test.proto"].flatMap((f) => [
    "--path",
    path.join(INTEROP_PROTO, f),
  ]);
  const build = (...args: string[]) => run(process.execPath, [buf, "build", INTEROP_PROTO, ...only, ...args], { cwd: REPO_ROOT });
  await build("-o", sets.binary);
  await build("-o", sets.json);
  await build("--exclude-imports", "--as-file-descriptor-set", "-o", sets.noImports);
  return sets;
}
