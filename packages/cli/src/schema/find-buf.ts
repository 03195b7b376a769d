import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { CliError } from "../cli-error.js";

/** How to start the buf compiler: a program and the arguments before buf's own. */
export interface BufCommand {
  readonly program: string;
  readonly prefixArgs: readonly string[];
}

/** The one-line error when no buf can be found; names every fix. */
export const NO_BUF =
  "cannot compile .proto files: the buf compiler is not installed; " +
  "install it with `npm install -g @bufbuild/buf` (or set TTRPC_BUF to a buf executable), or pass --descriptor-set FILE instead";

// @bufbuild/buf's platform packages, as its launcher maps them.
const PLATFORM_PACKAGES: Record<string, string> = {
  "linux x64": "@bufbuild/buf-linux-x64",
  "linux arm64": "@bufbuild/buf-linux-aarch64",
  "linux arm": "@bufbuild/buf-linux-armv7",
  "darwin x64": "@bufbuild/buf-darwin-x64",
  "darwin arm64": "@bufbuild/buf-darwin-arm64",
  "win32 x64": "@bufbuild/buf-win32-x64",
  "win32 arm64": "@bufbuild/buf-win32-arm64",
};

/** Where to look; the real process's by default, replaced in tests. */
export interface BufLookup {
  readonly env: NodeJS.ProcessEnv;
  /** Resolves a module path like require.resolve, throwing when it is not installed. */
  readonly resolve: (id: string) => string;
}

const defaultLookup: BufLookup = { env: process.env, resolve: (id) => createRequire(import.meta.url).resolve(id) };

/**
 * Locates buf, which is optional (descriptor sets need no compiler):
 * `$TTRPC_BUF` when set, otherwise the platform binary of the
 * `@bufbuild/buf` npm package when it is installed next to this CLI (run
 * directly: no node launcher, and no stack trace when the binary is
 * missing), otherwise `buf` on PATH. Throws {@link NO_BUF} when none is found.
 */
export function findBuf(lookup: BufLookup = defaultLookup): BufCommand {
  const override = lookup.env.TTRPC_BUF;
  if (override) return { program: override, prefixArgs: [] };
  const pkg = PLATFORM_PACKAGES[`${process.platform} ${process.arch}`];
  if (pkg !== undefined) {
    try {
      return { program: lookup.resolve(`${pkg}/bin/buf${process.platform === "win32" ? ".exe" : ""}`), prefixArgs: [] };
    } catch {
      // Not installed: look on PATH.
    }
  }
  const onPath = findOnPath(process.platform === "win32" ? "buf.exe" : "buf", lookup.env.PATH ?? "");
  if (onPath !== undefined) return { program: onPath, prefixArgs: [] };
  throw new CliError(NO_BUF);
}

function findOnPath(name: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
