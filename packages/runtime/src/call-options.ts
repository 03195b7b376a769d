import type { MetadataInit } from "./metadata.js";

/**
 * Per-call options. A server's {@link HandlerContext} is itself valid
 * CallOptions, so a handler can pass its context on to an upstream call and
 * forward the deadline, the metadata and cancellation in one go.
 *
 * The deadline may be given as a Date or as epoch milliseconds; it is turned
 * into the runtime's one representation (epoch ms, `undefined` for none) once,
 * when the call starts. Interceptors and handlers only ever see that number.
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
