import type { Writable } from "node:stream";

/**
 * `ttrpc call -v`: what the call sends and receives, with timing, on
 * stderr, in curl's style: `*` for the tool, `>` for what is sent, `<` for
 * what is received. ttrpc responses carry no metadata (the protocol's
 * Response has only a status and a payload), so only request metadata is shown.
 */
export class VerboseLog {
  readonly #out: Writable;
  readonly #on: boolean;
  readonly #started = performance.now();
  #sent = 0;
  #received = 0;

  constructor(out: Writable, on: boolean) {
    this.#out = out;
    this.#on = on;
  }

  #write(line: string): void {
    if (this.#on) this.#out.write(`${line}\n`);
  }

  #elapsed(): string {
    return `${(performance.now() - this.#started).toFixed(1)} ms`;
  }

  /** A step of the tool, with the time since start. */
  info(what: string): void {
    this.#write(`* ${what} (${this.#elapsed()})`);
  }

  /** The request metadata and deadline. */
  request(metadata: readonly (readonly [string, string])[], timeoutMs: number | undefined): void {
    if (metadata.length === 0) this.#write("> (no metadata)");
    for (const [key, value] of metadata) this.#write(`> ${key.toLowerCase()}: ${value}`);
    this.#write(timeoutMs === undefined ? "> (no timeout)" : `> timeout: ${timeoutMs} ms (timeout_nano ${BigInt(timeoutMs) * 1_000_000n})`);
  }

  /** One request message handed to the connection. */
  sent(): void {
    this.#sent++;
  }

  /** One response message received. */
  response(): void {
    this.#received++;
    this.#write(`< response ${this.#received} (${this.#elapsed()})`);
  }

  /** The call's end: its status and counts. */
  done(status: string): void {
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
    this.#write(
      `* ${status}: ${plural(this.#sent, "request")} sent, ${plural(this.#received, "response")} received in ${this.#elapsed()} ` +
        "(ttrpc responses carry no metadata)",
    );
  }
}
