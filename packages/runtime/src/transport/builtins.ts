import type * as fs from "node:fs";
import type * as net from "node:net";

// Node built-ins are fetched when first needed, and not through `import`: an
// ES-module import of node:fs builds a facade over every export, which loads
// fs/promises and the fs streams (about 2 ms, more than the rest of the
// runtime's import). process.getBuiltinModule (Node 20.16+) returns the
// module object itself.

/** node:fs, loaded on first use. */
export function nodeFs(): typeof fs {
  return process.getBuiltinModule("node:fs");
}

/** node:net, loaded on first use: servers and dialers need it, importers don't. */
export function nodeNet(): typeof net {
  return process.getBuiltinModule("node:net");
}
