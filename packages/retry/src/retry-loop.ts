import { Code, TtrpcError } from "@ttrpc-ts/runtime";
import type { RetryPolicy } from "./options.js";

/** Where an attempt ends: the call's deadline (epoch ms) and the caller's signal. */
export interface CallLimits {
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** The cap for the wait after failed attempt `n` (1-based), before jitter. */
export function backoffCap(policy: RetryPolicy, n: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (n - 1));
}

function cancelled(signal: AbortSignal): TtrpcError {
  return new TtrpcError("call cancelled", Code.Canceled, { cause: signal.reason });
}

/**
 * Runs `attempt` until it succeeds, fails with a code the policy does not
 * retry, runs out of attempts, or the next attempt would start at or after
 * the deadline; then the last error is thrown. Waits between attempts with
 * full jitter (a random time up to the backoff cap). An abort during a wait
 * ends the call at once with CANCELLED.
 */
export async function retrying<T>(policy: RetryPolicy, limits: CallLimits, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TtrpcError) || !policy.codes.has(error.code) || n >= policy.maxAttempts) throw error;
      const delayMs = policy.random() * backoffCap(policy, n);
      if (limits.deadline !== undefined && policy.clock.now() + delayMs >= limits.deadline) throw error;
      if (limits.signal?.aborted) throw cancelled(limits.signal);
      policy.onRetry?.({ attempt: n, error, delayMs });
      try {
        await policy.clock.sleep(delayMs, limits.signal);
      } catch (e) {
        if (limits.signal?.aborted) throw cancelled(limits.signal);
        throw e;
      }
    }
  }
}
