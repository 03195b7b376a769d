import { Code } from "@ttrpc-ts/runtime";

/** Time as the retry interceptor sees it; replace it in tests. */
export interface RetryClock {
  /** Current time in epoch milliseconds (the clock call deadlines use). */
  now(): number;
  /** Resolves after `ms`; rejects at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

/** Reported before each backoff, e.g. for logging. */
export interface RetryEvent {
  /** The attempt that failed (1 for the first). */
  readonly attempt: number;
  /** Its error. */
  readonly error: unknown;
  /** How long the interceptor waits before the next attempt. */
  readonly delayMs: number;
}

/** Options of {@link createRetryInterceptor}. */
export interface RetryOptions {
  /** Status codes that are retried. Default: `[Code.Unavailable]`. */
  codes?: readonly Code[] | undefined;
  /** Attempts in all, the first one included. Default: 3. */
  maxAttempts?: number | undefined;
  /** Backoff cap before the first retry, in ms. Default: 100. */
  initialBackoffMs?: number | undefined;
  /** Largest backoff cap, in ms. Default: 2000. */
  maxBackoffMs?: number | undefined;
  /** Growth of the cap per retry. Default: 2. */
  multiplier?: number | undefined;
  /**
   * Also retry server-streaming calls, as long as no response message has
   * arrived (after the first message a failure is the caller's to handle).
   * Default: false.
   */
  serverStreaming?: boolean | undefined;
  /** Random numbers in [0, 1) for the jitter. Default: `Math.random`. */
  random?: (() => number) | undefined;
  /** Default: the system clock and timers. */
  clock?: RetryClock | undefined;
  /** Called before each backoff. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** Options with defaults applied and checked. */
export interface RetryPolicy {
  readonly codes: ReadonlySet<Code>;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
  readonly serverStreaming: boolean;
  readonly random: () => number;
  readonly clock: RetryClock;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
}

const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

function check(name: string, value: number, min: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new RangeError(`retry: ${name} must be ${integer ? "an integer" : "a finite number"} >= ${min}, got ${value}`);
  }
  return value;
}

/** Applies defaults and rejects impossible options with a RangeError. */
export function resolvePolicy(options: RetryOptions): RetryPolicy {
  const codes = options.codes ?? [Code.Unavailable];
  for (const c of codes) {
    if (!Number.isInteger(c) || c <= Code.OK || c > Code.Unauthenticated) {
      throw new RangeError(`retry: ${c} is not a status code that a call can fail with`);
    }
  }
  const initialBackoffMs = check("initialBackoffMs", options.initialBackoffMs ?? 100, 0);
  const maxBackoffMs = check("maxBackoffMs", options.maxBackoffMs ?? 2000, 0);
  if (maxBackoffMs < initialBackoffMs) {
    throw new RangeError(`retry: maxBackoffMs (${maxBackoffMs}) is below initialBackoffMs (${initialBackoffMs})`);
  }
  return {
    codes: new Set(codes),
    maxAttempts: check("maxAttempts", options.maxAttempts ?? 3, 1, true),
    initialBackoffMs,
    maxBackoffMs,
    multiplier: check("multiplier", options.multiplier ?? 2, 1),
    serverStreaming: options.serverStreaming ?? false,
    random: options.random ?? Math.random,
    clock: options.clock ?? systemClock,
    onRetry: options.onRetry,
  };
}
