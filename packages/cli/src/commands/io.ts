import type { Readable, Writable } from "node:stream";

/** The streams a command uses; the process's own in the real binary. */
export interface CommandIo {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  /** `isTTY` picks the default output: indented on a terminal, compact in a pipe. */
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly stderr: Writable;
}
