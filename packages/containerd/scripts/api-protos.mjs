// Finds the .proto files of containerd's API module
// (github.com/containerd/containerd/api) and stages the ones this package
// generates, with everything they import, into a directory of their own.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The API module this package is generated from (the one containerd v2.4.2 requires). */
export const apiModule = "github.com/containerd/containerd/api";
export const apiVersion = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).containerdApiVersion;

/** What the package exposes; their imports are staged too. */
export const roots = [
  "runtime/task/v3/shim.proto",
  "runtime/task/v2/shim.proto",
  "runtime/bootstrap/v1/bootstrap.proto",
  "services/ttrpc/events/v1/events.proto",
  "events/task.proto",
  "types/event.proto",
  "types/metrics.proto",
  "types/mount.proto",
  "types/task/task.proto",
];

/**
 * The API module's directory: $CONTAINERD_API_PROTOS if set, else the Go
 * module cache after `go mod download` (which fetches it from the Go module
 * proxy once). Returns undefined, with the reason, when neither is available.
 */
export function findApiDir() {
  const fromEnv = process.env.CONTAINERD_API_PROTOS;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, roots[0]))) {
      throw new Error(`CONTAINERD_API_PROTOS=${fromEnv} does not hold ${roots[0]} (it must be the ${apiModule} module's directory)`);
    }
    return { dir: fromEnv };
  }
  let out;
  try {
    out = execFileSync("go", ["mod", "download", "-json", `${apiModule}@${apiVersion}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e;
    if (err.code === "ENOENT") return { missing: "Go (to download the containerd API module), or CONTAINERD_API_PROTOS" };
    throw new Error(`go mod download ${apiModule}@${apiVersion} failed: ${err.stdout ?? ""}${err.stderr ?? err.message}`);
  }
  const dir = JSON.parse(out).Dir;
  if (typeof dir !== "string" || !existsSync(join(dir, roots[0]))) {
    throw new Error(`go mod download ${apiModule}@${apiVersion} gave no directory with ${roots[0]}`);
  }
  return { dir };
}

/**
 * Copies `roots` and, transitively, every file they import from the module
 * into `dest`. google/protobuf imports are left to buf, which carries them.
 * Staging keeps the module's own buf.yaml (which needs the BSR) out of the way.
 */
export function stage(apiDir, dest) {
  const seen = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const src = join(apiDir, file);
    if (!existsSync(src)) throw new Error(`${src}: imported proto missing from the containerd API module`);
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(src, join(dest, file));
    for (const m of readFileSync(src, "utf8").matchAll(/^import\s+(?:public\s+|weak\s+)?"([^"]+)";/gm)) {
      const dep = m[1];
      if (!dep.startsWith("google/protobuf/")) queue.push(dep);
    }
  }
  return [...seen].sort();
}
