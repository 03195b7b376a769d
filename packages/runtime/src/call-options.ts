import { Code } from "./code.js";
import type { MetadataInit } from "./metadata.js";
import { TtrpcError } from "./ttrpc-error.js";

/**
 * Per-call options. A server's {@link HandlerContext} is itself valid
 * CallOptions, so a handler can pass its context on to an upstream call and
 * forward the deadline, the metadata and cancellation in one go.
 */
export interface CallOptions {
  /** Time allowed for the call, in milliseconds; sent as `timeout_nano`. */
  timeoutMs?: number | undefined;
  /** Absolute deadline (a Date or epoch milliseconds). The earlier of this and `timeoutMs` wins. */
  deadline?: Date | number | undefined;
  /** Request metadata. Keys are sent in lower case. */
  metadata?: MetadataInit | undefined;
  /** Aborting it ends the call locally with `Code.Canceled`. */
  signal?: AbortSignal | undefined;
}

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

/**
 * `timeout_nano` for a deadline: whole nanoseconds left, at least 1, at most
 * 2^53 - 1 (about 104 days); 0 when there is no deadline.
 */
export function timeoutNano(deadline: number | undefined): number {
  if (deadline === undefined) return 0;
  const ns = Math.round((deadline - Date.now()) * 1e6);
  return ns <= 0 ? 1 : Math.min(ns, Number.MAX_SAFE_INTEGER);
}

/** The error a call ends with when its deadline passes. */
export function deadlineError(): TtrpcError {
  return new TtrpcError("deadline exceeded", Code.DeadlineExceeded);
}

/** The error a call ends with when its signal aborts. */
export function abortError(signal: AbortSignal): TtrpcError {
  const reason: unknown = signal.reason;
  if (reason instanceof TtrpcError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new TtrpcError("deadline exceeded", Code.DeadlineExceeded, { cause: reason });
  }
  return new TtrpcError("call cancelled", Code.Canceled, { cause: reason });
}
