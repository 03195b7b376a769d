/** How long to wait between dial attempts. */
export interface BackoffOptions {
  /** Wait before the second attempt. Default 100 ms. */
  initialMs?: number;
  /** Longest wait. Default 5000 ms. */
  maxMs?: number;
  /** Growth per failed attempt. Default 2. */
  multiplier?: number;
  /**
   * Randomization, a fraction of the wait: 0.2 spreads it over ±20 %, so
   * clients that lost the same server do not redial in lockstep. Default 0.2.
   */
  jitter?: number;
}

/**
 * The wait before dial attempt `attempt + 1`, after `attempt` (≥ 1)
 * consecutive failures: exponential, capped at `maxMs`, jittered.
 * `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5000;
  const multiplier = options.multiplier ?? 2;
  const jitter = options.jitter ?? 0.2;
  const base = Math.min(max, initial * multiplier ** Math.max(0, attempt - 1));
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.min(max, Math.round(base + spread)));
}

/** Checks backoff options once, up front. */
export function checkBackoff(options: BackoffOptions): void {
  const { initialMs = 100, maxMs = 5000, multiplier = 2, jitter = 0.2 } = options;
  if (!(initialMs >= 0 && maxMs >= initialMs)) throw new RangeError(`backoff: need 0 <= initialMs <= maxMs, got ${initialMs} and ${maxMs}`);
  if (!(multiplier >= 1)) throw new RangeError(`backoff: multiplier must be >= 1, got ${multiplier}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`backoff: jitter must be within [0, 1], got ${jitter}`);
}
