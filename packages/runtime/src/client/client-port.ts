import type { Metadata } from "../metadata.js";
import type { MethodDef } from "../method.js";
import type { StreamPort } from "../stream/stream-core.js";
import type { TtrpcError } from "../ttrpc-error.js";

/** One call in flight, as the connection's frame router sees it. */
export interface CallState {
  /** A frame for this call's stream id. */
  frame(type: number, flags: number, payload: Uint8Array): void;
  /** The connection failed (closed, oversize frame): end with `error`. */
  fail(error: TtrpcError): void;
}

/** What a client call needs from its {@link Connection}: its one way in. */
export interface ClientPort extends StreamPort {
  /** Request flags for calls that stream requests (0x02 or 0x06). */
  readonly streamOpenFlags: number;
  /**
   * Sends the Request frame of a new call and routes the stream's frames to
   * `state`; returns the stream id. Throws a TtrpcError (nothing is
   * written) when the connection is closed or the request too large.
   */
  open(
    method: MethodDef,
    flags: number,
    payload: Uint8Array | undefined,
    metadata: Metadata,
    deadline: number | undefined,
    state: CallState,
  ): number;
  /** Forgets a stream: later frames for it are dropped. */
  forget(id: number): void;
}
