import type { Writable } from "node:stream";

/** Thrown by {@link LineWriter.write} once the reader of stdout has gone away. */
export class BrokenPipeError extends Error {
  override name = "BrokenPipeError";
}

/**
 * Writes lines to stdout, waiting when the pipe is full so a fast stream
 * does not buffer without bound, and noticing when the reader has gone
 * (`ttrpc call ... | head -1`): then writes fail with {@link BrokenPipeError}
 * and the call is ended quietly.
 */
export class LineWriter {
  readonly #out: Writable;
  #broken = false;

  constructor(out: Writable) {
    this.#out = out;
    // EPIPE is the expected case; any write error ends the output the same way.
    out.on("error", () => {
      this.#broken = true;
    });
  }

  /** Writes one line (a newline is added). */
  async write(line: string): Promise<void> {
    if (this.#broken) throw new BrokenPipeError("stdout closed");
    if (this.#out.write(`${line}\n`)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.#out.off("error", fail);
        resolve();
      };
      const fail = (): void => {
        this.#out.off("drain", done);
        reject(new BrokenPipeError("stdout closed"));
      };
      this.#out.once("drain", done);
      this.#out.once("error", fail);
    });
  }
}
