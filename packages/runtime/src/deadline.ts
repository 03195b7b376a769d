// A deadline is one thing everywhere in the runtime: absolute epoch
// milliseconds, `undefined` for none. CallOptions (Date or number, or a
// timeout) are normalized by `resolveDeadline` when a call starts; the wire's
// relative `timeout_nano` is converted at the frame, in both directions.
import type { CallOptions } from "./call-options.js";

/** The absolute deadline (epoch ms) that options ask for, if any. */
export function resolveDeadline(options: CallOptions | undefined, defaultTimeoutMs: number | undefined): number | undefined {
  let deadline: number | undefined;
  // The default applies only to calls that ask for neither a timeout nor a deadline.
  const timeout = options?.timeoutMs ?? (options?.deadline === undefined ? defaultTimeoutMs : undefined);
  if (timeout !== undefined && timeout > 0) deadline = Date.now() + timeout;
  const d = options?.deadline;
  if (d !== undefined) {
    const abs = typeof d === "number" ? d : d.getTime();
    if (deadline === undefined || abs < deadline) deadline = abs;
  }
  return deadline;
}

// The largest double that fits an int64: `timeout_nano` of about 292 years.
const MAX_TIMEOUT_NANO = 2 ** 63 - 1024;

/**
 * `timeout_nano` for a deadline: whole nanoseconds left, at least 1, at most
 * the largest int64 (about 292 years; precise to the microsecond up to
 * 104 days); 0 when there is no deadline.
 */
export function timeoutNano(deadline: number | undefined): number {
  if (deadline === undefined) return 0;
  const ns = Math.round((deadline - Date.now()) * 1e6);
  return ns <= 0 ? 1 : Math.min(ns, MAX_TIMEOUT_NANO);
}

/** The deadline a received `timeout_nano` means (0: none). */
export function deadlineFromTimeoutNano(ns: number): number | undefined {
  return ns === 0 ? undefined : Date.now() + ns / 1e6;
}

/** Milliseconds until `deadline` (negative when past), undefined when none. */
export function timeRemaining(deadline: number | undefined): number | undefined {
  return deadline === undefined ? undefined : deadline - Date.now();
}

/** Whether `deadline` has passed. */
export function isPast(deadline: number | undefined): boolean {
  return deadline !== undefined && Date.now() >= deadline;
}
