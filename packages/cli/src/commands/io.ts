import type { Readable, Writable } from "node:stream";

/** The streams a command uses; the process's own in the real binary. */
export interface CommandIo {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
}
