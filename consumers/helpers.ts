// Shared by the consumer suites: they install the packed tarballs of
// `npm run release:dry` (TTRPC_TS_PACKS) into scratch projects outside the
// workspace, the way a user would.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/** The directory holding the tarballs; fails when release:dry has not run. */
export function packsDir(): string {
  const dir = process.env.TTRPC_TS_PACKS;
  if (!dir || !existsSync(dir)) throw new Error("TTRPC_TS_PACKS is not set to the tarballs: run `npm run test:consumers`");
  return dir;
}

/** The packed tarball of workspace package `name` (e.g. "runtime"). */
export function tarball(name: string): string {
  const dir = packsDir();
  const file = readdirSync(dir).find((f) => f.startsWith(`ttrpc-ts-${name}-`) && f.endsWith(".tgz"));
  if (file === undefined) throw new Error(`no tarball for ${name} in ${dir}`);
  return join(dir, file);
}

/** A scratch directory outside the workspace, removed after the suite. */
export function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ttrpc-ts-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (path relative to `dir` -> text). */
export function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    execFileSync("mkdir", ["-p", join(full, "..")]);
    writeFileSync(full, text);
  }
}

/** Runs a command in `cwd`, returning stdout; throws with stderr on failure. */
export function run(cwd: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${err.stderr ?? ""}${err.stdout ?? ""}${err.message}`);
  }
}

/** `npm install` in `cwd` (quiet, no audit). */
export function npmInstall(cwd: string, args: readonly string[]): void {
  run(cwd, "npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...args]);
}

/** Runs `node` (this very binary, so each Node line tests itself). */
export function node(cwd: string, args: readonly string[]): string {
  return run(cwd, process.execPath, args);
}
