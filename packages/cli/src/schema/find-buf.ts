import { createRequire } from "node:module";
import { CliError } from "../cli-error.js";

/** How to start the buf compiler: a program and the arguments before buf's own. */
export interface BufCommand {
  readonly program: string;
  readonly prefixArgs: readonly string[];
}

/**
 * Locates buf: `$TTRPC_BUF` when set (a buf executable), otherwise the
 * `@bufbuild/buf` npm package this CLI depends on. The package's `bin/buf`
 * is a node launcher for the platform binary, so it is run with this node.
 */
export function findBuf(env: NodeJS.ProcessEnv = process.env): BufCommand {
  const override = env.TTRPC_BUF;
  if (override) return { program: override, prefixArgs: [] };
  try {
    const launcher = createRequire(import.meta.url).resolve("@bufbuild/buf/bin/buf");
    return { program: process.execPath, prefixArgs: [launcher] };
  } catch {
    throw new CliError(
      "cannot compile .proto files: the buf compiler (npm package @bufbuild/buf) is not installed; " +
        "reinstall ttrpc, set TTRPC_BUF to a buf executable, or pass --descriptor-set instead",
    );
  }
}
