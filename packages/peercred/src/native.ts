import { createRequire } from "node:module";

/** What the native addon exports. */
interface Binding {
  getPeerCred(fd: number): { pid: number; uid: number; gid: number } | undefined;
}

let binding: Binding | null | undefined;
let failure: string | undefined;

/**
 * The addon, loaded on first use; null when it is not there (not Linux, or
 * not built). Both `src/` and `dist/` sit one level below the package root,
 * next to `build/`.
 */
export function nativeBinding(): Binding | null {
  if (binding !== undefined) return binding;
  if (process.platform !== "linux") {
    failure = `SO_PEERCRED is Linux only (platform ${process.platform})`;
    binding = null;
    return binding;
  }
  try {
    binding = createRequire(import.meta.url)("../build/Release/peercred.node") as Binding;
  } catch (e) {
    failure = `native addon not built or not loadable: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    binding = null;
  }
  return binding;
}

/** Why the addon is unavailable, or undefined when it is loaded. */
export function nativeFailure(): string | undefined {
  nativeBinding();
  return failure;
}
