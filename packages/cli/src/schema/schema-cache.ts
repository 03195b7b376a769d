import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

/**
 * Compiled schemas, cached on disk so that calls after the first skip buf
 * (0.4 to 1 s per call). An entry is found by a hash of the compile request
 * (buf, include directories, requested files) and is used only while every
 * .proto file it was built from still resolves to the same include directory
 * with the same content (sha256). Failures to read or write the cache are
 * ignored: it only saves time.
 *
 * Location: `$TTRPC_CACHE_DIR`, else `$XDG_CACHE_HOME/ttrpc`, else
 * `~/.cache/ttrpc`; `TTRPC_CACHE_DIR=off` disables it.
 */
export interface SchemaCache {
  get(request: CompileRequest): Uint8Array | undefined;
  put(request: CompileRequest, set: Uint8Array): void;
}

/** What identifies a compilation. */
export interface CompileRequest {
  /** The buf command line prefix (program and its first arguments). */
  readonly buf: readonly string[];
  /** Include directories, real absolute paths, in order. */
  readonly includes: readonly string[];
  /** Requested files: index into `includes` and path inside it. */
  readonly targets: readonly { readonly module: number; readonly rel: string }[];
}

interface Manifest {
  /** Every file in the set: the include directory it came from (-1: built into buf) and its sha256. */
  readonly files: readonly { readonly name: string; readonly module: number; readonly sha256: string }[];
}

/** The cache directory for `env`, or undefined when caching is off. */
export function schemaCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TTRPC_CACHE_DIR === "off") return undefined;
  if (env.TTRPC_CACHE_DIR) return env.TTRPC_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  return path.join(base, "ttrpc");
}

/** A {@link SchemaCache} in `dir` (see {@link schemaCacheDir}); a no-op cache when `dir` is undefined. */
export function openSchemaCache(dir: string | undefined): SchemaCache {
  if (dir === undefined) return { get: () => undefined, put: () => {} };
  const schemas = path.join(dir, "schemas");
  const fileOf = (request: CompileRequest, ext: string): string =>
    path.join(schemas, `${sha256(new TextEncoder().encode(JSON.stringify(request)))}.${ext}`);
  return {
    get(request) {
      try {
        const manifest = JSON.parse(readFileSync(fileOf(request, "json"), "utf8")) as Manifest;
        for (const f of manifest.files) {
          if (resolveSource(request.includes, f.name) !== f.module) return undefined;
          if (f.module >= 0 && sha256(readFileSync(path.join(request.includes[f.module] ?? "", f.name))) !== f.sha256) return undefined;
        }
        return readFileSync(fileOf(request, "binpb"));
      } catch {
        return undefined;
      }
    },
    put(request, set) {
      try {
        const files = fromBinary(FileDescriptorSetSchema, set).file.map((fd) => {
          const module = resolveSource(request.includes, fd.name);
          const sha = module >= 0 ? sha256(readFileSync(path.join(request.includes[module] ?? "", fd.name))) : "";
          return { name: fd.name, module, sha256: sha };
        });
        mkdirSync(schemas, { recursive: true });
        // Write under temporary names, then rename: a concurrent reader sees whole files.
        const tmp = `.${process.pid}.tmp`;
        writeFileSync(fileOf(request, "binpb") + tmp, set);
        renameSync(fileOf(request, "binpb") + tmp, fileOf(request, "binpb"));
        writeFileSync(fileOf(request, "json") + tmp, JSON.stringify({ files } satisfies Manifest));
        renameSync(fileOf(request, "json") + tmp, fileOf(request, "json"));
      } catch {
        // Read-only home, full disk: compile again next time.
      }
    },
  };
}

/** The first include directory holding `name` (protoc's rule), or -1 (built into buf: the well-known types). */
function resolveSource(includes: readonly string[], name: string): number {
  return includes.findIndex((dir) => existsSync(path.join(dir, name)));
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
