import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CliError, errorMessage } from "../cli-error.js";
import { findBuf } from "./find-buf.js";
import { openSchemaCache, schemaCacheDir } from "./schema-cache.js";

/** Input for {@link compileProtos}. */
export interface CompileInput {
  /** `.proto` files: paths on disk, or paths relative to an include directory. */
  readonly files: readonly string[];
  /** Include directories (`-I`); imports are resolved against them in order. */
  readonly includeDirs: readonly string[];
  /** Directory relative paths are resolved against. Default: the process's. */
  readonly cwd?: string;
}

interface IncludeDir {
  /** As the user wrote it, for error messages. */
  readonly display: string;
  /** Absolute real path. */
  readonly real: string;
}

/**
 * Compiles `.proto` files to a serialized `google.protobuf.FileDescriptorSet`
 * (with imports and source comments) using buf.
 *
 * Include directories behave like protoc's `-I`: each becomes a module of a
 * throw-away buf workspace (a symlink in a temporary directory, so nothing
 * is written next to the user's files) and only the requested files are
 * built, via `--path`. Well-known types (`google/protobuf/*.proto`) are
 * provided by buf. Without `-I`, the current directory is the include
 * directory, or the file's own directory when it lies outside it.
 *
 * Results are cached on disk by content (see schema-cache.ts).
 */
export async function compileProtos(input: CompileInput): Promise<Uint8Array> {
  const cwd = input.cwd ?? process.cwd();
  const includes: IncludeDir[] = [];
  const addInclude = (dir: string): number => {
    const real = realDir(dir, cwd);
    const i = includes.findIndex((d) => d.real === real);
    if (i >= 0) return i;
    includes.push({ display: dir, real });
    return includes.length - 1;
  };
  for (const dir of input.includeDirs) addInclude(dir);

  const targets = input.files.map((file) => {
    const t = locate(file, cwd, includes, input.includeDirs.length === 0);
    if ("defaultDir" in t) return { module: addInclude(t.defaultDir), rel: t.rel };
    return t;
  });

  const buf = findBuf();
  const cache = openSchemaCache(schemaCacheDir());
  const request = { buf: [buf.program, ...buf.prefixArgs], includes: includes.map((d) => d.real), targets };
  const cached = cache.get(request);
  if (cached !== undefined) return cached;

  const work = mkdtempSync(path.join(tmpdir(), "ttrpc-cli-buf-"));
  try {
    const modules = includes.map((d, i) => {
      symlinkSync(d.real, path.join(work, `i${i}`), "dir");
      return `  - path: i${i}\n`;
    });
    writeFileSync(path.join(work, "buf.yaml"), `version: v2\nmodules:\n${modules.join("")}`);
    const out = path.join(work, "out.binpb");
    const args = [...buf.prefixArgs, "build", ".", "--as-file-descriptor-set", "-o", out];
    for (const t of targets) args.push("--path", `i${t.module}/${t.rel}`);
    const result = await run(buf.program, args, work);
    if (result.code !== 0) {
      throw new CliError(`cannot compile .proto files:\n${unmapPaths(result.stderr, includes).trimEnd()}`);
    }
    const set = readFileSync(out);
    cache.put(request, set);
    return set;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function realDir(dir: string, cwd: string): string {
  const abs = path.resolve(cwd, dir);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new CliError(`include directory ${dir} does not exist`);
  }
  if (!statSync(real).isDirectory()) throw new CliError(`include directory ${dir} is not a directory`);
  return real;
}

/**
 * Maps a `--proto` argument to (include directory, path inside it), the way
 * protoc does: a file that exists on disk must lie inside an include
 * directory; otherwise the argument is looked up as a path relative to each
 * include directory.
 */
function locate(
  file: string,
  cwd: string,
  includes: readonly IncludeDir[],
  useDefault: boolean,
): { module: number; rel: string } | { defaultDir: string; rel: string } {
  const onDisk = path.resolve(cwd, file);
  if (existsSync(onDisk)) {
    const real = realpathSync(onDisk);
    if (!statSync(real).isFile()) throw new CliError(`--proto ${file} is not a file`);
    if (useDefault) {
      // protoc's default include directory is the current one; a file outside
      // it is compiled from its own directory instead of being refused.
      const base = realpathSync(cwd);
      if (isInside(real, base)) return { defaultDir: cwd, rel: toPosix(path.relative(base, real)) };
      return { defaultDir: path.dirname(onDisk), rel: path.basename(onDisk) };
    }
    const i = includes.findIndex((d) => isInside(real, d.real));
    if (i >= 0) return { module: i, rel: toPosix(path.relative(includes[i]?.real ?? "", real)) };
  }
  if (!path.isAbsolute(file)) {
    const i = includes.findIndex((d) => existsSync(path.join(d.real, file)));
    if (i >= 0) return { module: i, rel: toPosix(path.normalize(file)) };
  }
  if (existsSync(onDisk)) {
    throw new CliError(
      `--proto ${file} is not inside any include directory (${includes.map((d) => d.display).join(", ")}); ` +
        "add -I with the directory its imports are relative to",
    );
  }
  throw new CliError(`--proto ${file}: no such file${includes.length > 0 ? " (also not found in any -I directory)" : ""}`);
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/**
 * Rewrites buf's module names (`i<N>/file.proto`, `path: "i<N>"`) to the
 * user's include directories. buf refuses a file that is in two include
 * directories ("contained in multiple modules"), where protoc takes the
 * first; the rewritten message names both directories.
 */
function unmapPaths(text: string, includes: readonly IncludeDir[]): string {
  const dir = (n: string): string | undefined => includes[Number(n)]?.display;
  return text
    .replace(/(^|[\s"'(])i(\d+)\//gm, (all, lead: string, n: string) => {
      const d = dir(n);
      return d ? `${lead}${path.join(d, "/")}` : all;
    })
    .replace(/path: "i(\d+)"/g, (all, n: string) => {
      const d = dir(n);
      return d ? `-I ${d}` : all;
    });
}

function run(program: string, args: readonly string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A private cache dir: nothing here needs buf's cache, and $HOME may be read-only.
    const env = { ...process.env, BUF_CACHE_DIR: path.join(cwd, "cache") };
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      stderr += d;
    });
    child.once("error", (e) => reject(new CliError(`cannot run the buf compiler (${program}): ${errorMessage(e)}`)));
    child.once("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}
