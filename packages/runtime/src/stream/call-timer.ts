import { abortError, deadlineError, type TtrpcError } from "../ttrpc-error.js";

/**
 * Ends a call when its deadline passes or its signal aborts, whichever
 * comes first; `stop` when the call ends for any other reason.
 */
export class CallTimer {
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  constructor(deadline: number | undefined, signal: AbortSignal | undefined, expire: (error: TtrpcError) => void) {
    if (deadline !== undefined) {
      this.#timer = setTimeout(() => expire(deadlineError()), Math.max(0, deadline - Date.now()));
    }
    if (signal) {
      this.#signal = signal;
      this.#onAbort = () => expire(abortError(signal));
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener("abort", this.#onAbort);
  }
}
