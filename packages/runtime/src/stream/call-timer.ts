import { abortError, deadlineError, type TtrpcError } from "../ttrpc-error.js";

// Node fires a timer longer than 2^31 - 1 ms (about 24.8 days) at once, so
// a far deadline is reached through a chain of timers of at most this long.
const MAX_TIMER_MS = 0x7fffffff;

/**
 * Ends a call when its deadline passes or its signal aborts, whichever
 * comes first; `stop` when the call ends for any other reason. Deadlines of
 * any length work (up to the largest `timeout_nano`, about 292 years).
 */
export class CallTimer {
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(deadline: number | undefined, signal: AbortSignal | undefined, expire: (error: TtrpcError) => void) {
    if (deadline !== undefined) this.#arm(deadline, expire);
    if (signal) {
      this.#signal = signal;
      this.#onAbort = () => expire(abortError(signal));
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  #arm(deadline: number, expire: (error: TtrpcError) => void): void {
    const left = Math.max(0, deadline - Date.now());
    if (left > MAX_TIMER_MS) {
      this.#timer = setTimeout(() => this.#arm(deadline, expire), MAX_TIMER_MS);
    } else {
      this.#timer = setTimeout(() => expire(deadlineError()), left);
    }
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener("abort", this.#onAbort);
  }
}
