import { readFileSync } from "node:fs";

/**
 * The version of this package. Read from package.json at run time, which
 * sits one directory above both `src/` and the built `dist/`.
 */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
