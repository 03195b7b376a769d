/** Where a {@link StallGuard} stops and resumes reading: the stream's connection. */
export interface ReadGate {
  hold(key: object): void;
  release(key: object): void;
}

/**
 * Flow control for one stream's receive queue. While the queue is full,
 * reading from the connection stops (back-pressure to the peer); if the
 * reader then takes nothing for `timeoutMs`, `onStall` fails the stream so
 * the other calls on the connection can go on. Every message read restarts
 * the clock: a slow reader is fine, a stalled one is not (Go's rule).
 */
export class StallGuard {
  readonly #gate: ReadGate;
  readonly #timeoutMs: number;
  readonly #onStall: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(gate: ReadGate, timeoutMs: number, onStall: () => void) {
    this.#gate = gate;
    this.#timeoutMs = timeoutMs;
    this.#onStall = onStall;
  }

  /** The queue reached its mark. */
  full(): void {
    this.#gate.hold(this);
    this.#arm();
  }

  /** A message was read while the queue was still at its mark. */
  progress(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#arm();
  }

  /** The queue has room again, or the stream is over: stop timing, resume reading. */
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#gate.release(this);
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onStall();
    }, this.#timeoutMs);
  }
}
