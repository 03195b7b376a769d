import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** What the native addon exports. */
interface Binding {
  getPeerCred(fd: number): { pid: number; uid: number; gid: number } | undefined;
}

let binding: Binding | null | undefined;
let failure: string | undefined;

/**
 * The addon, loaded on first use; null when it is not there (not Linux, or
 * neither a prebuilt binary for this platform nor a local build). node-gyp-build
 * looks in `build/Release` (a source build) and then in `prebuilds/` (the
 * linux-x64 binary shipped in the package, loadable without install scripts).
 * Both `src/` and `dist/` sit one level below the package root.
 */
export function nativeBinding(): Binding | null {
  if (binding !== undefined) return binding;
  if (process.platform !== "linux") {
    failure = `SO_PEERCRED is Linux only (platform ${process.platform})`;
    binding = null;
    return binding;
  }
  try {
    const require = createRequire(import.meta.url);
    const load = require("node-gyp-build") as (dir: string) => unknown;
    binding = load(fileURLToPath(new URL("..", import.meta.url))) as Binding;
  } catch (e) {
    failure = `no native addon for ${process.platform}-${process.arch} could be loaded: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    binding = null;
  }
  return binding;
}

/** Why the addon is unavailable, or undefined when it is loaded. */
export function nativeFailure(): string | undefined {
  nativeBinding();
  return failure;
}

/**
 * The error for configuring a server that needs peer credentials where
 * they cannot be read: names the package, the reason and the fix.
 */
export function unavailableError(what: string): Error {
  return new Error(
    `@ttrpc-ts/peercred: ${what} needs peer credentials, which are unavailable: ${nativeFailure()}. ` +
      "The package ships a prebuilt addon for linux-x64 (glibc); elsewhere on Linux build it with " +
      "`npm rebuild @ttrpc-ts/peercred` (needs a C compiler, make and python3; under pnpm allow its build with `pnpm approve-builds`).",
  );
}
