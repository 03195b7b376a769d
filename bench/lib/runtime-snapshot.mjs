// The benchmark measures one build of the runtime from start to end: the
// orchestrator copies packages/runtime/dist (what `@ttrpc-ts/runtime`
// resolves to for plain `node`) into node_modules/.cache/ttrpc-bench/runtime
// and the benchmark processes load that copy, so a rebuild while the
// benchmark runs (`npm run build` wipes dist first) neither breaks it nor
// mixes two versions of the code in one table.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { root } from "./schema.mjs";

const ENV = "TTRPC_BENCH_RUNTIME";
const pkgDir = join(root, "packages/runtime");
const snapshotDir = join(root, "node_modules/.cache/ttrpc-bench/runtime");

/** What the ttrpc-ts peer imports: the snapshot when the orchestrator made one. */
export function runtimeSpecifier() {
  return process.env[ENV] || "@ttrpc-ts/runtime";
}

/**
 * Orchestrator: checks that `@ttrpc-ts/runtime` resolves to the built dist,
 * builds nothing, snapshots it, and points child processes at the snapshot.
 * Returns the dist entry (relative) and notes about its freshness. When
 * TTRPC_BENCH_RUNTIME is already set (to try a modified copy), uses that.
 */
export function snapshotRuntime() {
  const preset = process.env[ENV];
  if (preset) {
    // An experiment: measure some other build (a file: URL of its dist/esm/index.js).
    const dir = join(fileURLToPath(preset), "../../..");
    const note = `${ENV} is set: measuring ${preset}, not packages/runtime/dist`;
    return { entry: relative(root, fileURLToPath(preset)), snapshot: preset, dir, notes: [note] };
  }
  const dist = join(pkgDir, "dist/esm/index.js");
  if (!existsSync(dist)) throw new Error("packages/runtime/dist is missing: run `npm run build` first");
  const resolved = fileURLToPath(import.meta.resolve("@ttrpc-ts/runtime"));
  if (resolved !== dist && resolved !== join(pkgDir, "dist/cjs/index.js")) {
    throw new Error(`@ttrpc-ts/runtime resolves to ${resolved}, not to packages/runtime/dist`);
  }
  const notes = [];
  const built = statSync(dist).mtimeMs;
  const src = join(pkgDir, "src");
  const newer = readdirSync(src, { recursive: true })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("testing"))
    .filter((f) => statSync(join(src, f)).mtimeMs > built);
  if (newer.length > 0) {
    notes.push(
      `packages/runtime/dist is older than ${newer.length} source file(s) (e.g. src/${newer[0]}): run \`npm run build\` to measure the current code`,
    );
  }
  rmSync(snapshotDir, { recursive: true, force: true });
  cpSync(join(pkgDir, "package.json"), join(snapshotDir, "package.json"));
  cpSync(join(pkgDir, "dist"), join(snapshotDir, "dist"), { recursive: true });
  // What npm always packs besides `files`.
  for (const f of readdirSync(pkgDir)) {
    if (/^(readme|license|licence|notice)(\..*)?$/i.test(f)) cpSync(join(pkgDir, f), join(snapshotDir, f));
  }
  const entry = pathToFileURL(join(snapshotDir, "dist/esm/index.js")).href;
  process.env[ENV] = entry;
  return { entry: relative(root, dist), snapshot: entry, dir: snapshotDir, notes };
}
