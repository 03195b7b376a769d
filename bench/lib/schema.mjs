// The protobuf-es messages of the benchmark, shared by every Node process.
//
// They are generated from interop/proto/ttrpc/bench/v1/bench.proto into
// interop/ts/gen (TypeScript, `npx buf generate --template interop/buf.gen.yaml`).
// The benchmark processes run on plain `node` (no TypeScript loader, which
// would distort start-up time and memory), so the orchestrator transpiles that
// one file to JavaScript under node_modules/.cache/ttrpc-bench/, from where
// `@bufbuild/protobuf` resolves like from anywhere else in the repository.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
const source = join(root, "interop/ts/gen/ttrpc/bench/v1/bench_pb.ts");
const target = join(root, "node_modules/.cache/ttrpc-bench/bench_pb.js");

/** Orchestrator: (re)writes the JavaScript copy when the TypeScript is newer. */
export async function prepareSchema() {
  if (!existsSync(source)) {
    throw new Error(`${source} is missing; run: npx buf generate --template interop/buf.gen.yaml`);
  }
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return target;
  const ts = (await import("typescript")).default;
  const out = ts.transpileModule(readFileSync(source, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, out.outputText);
  return target;
}

/** Benchmark processes: the generated schemas. */
export async function loadSchema() {
  return import(pathToFileURL(target).href);
}

/**
 * The "small message" of the unary benchmarks: a string, 64 bytes of
 * `bytes`, an int64 and a repeated string. The Go client
 * (interop/go/cmd/ttrpc-bench-client) builds the same one.
 */
export function smallInit() {
  const blob = new Uint8Array(64);
  for (let i = 0; i < blob.length; i++) blob[i] = i;
  return {
    text: "the quick brown fox jumps over the lazy dog",
    blob,
    n: 1234567890123456789n,
    tags: ["alpha", "beta", "gamma", "delta"],
  };
}
