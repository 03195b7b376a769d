import type { Metadata } from "./metadata.js";
import type { PeerInfo } from "./peer.js";

/**
 * What a server handler gets besides its request. It is also valid
 * {@link CallOptions}: pass it to an upstream call to forward deadline,
 * metadata and cancellation.
 */
export interface HandlerContext {
  /** Fully qualified service name, e.g. `pkg.Svc`. */
  readonly service: string;
  /** Method name as sent on the wire. */
  readonly method: string;
  /** The request metadata. */
  readonly metadata: Metadata;
  /** Deadline from the request's `timeout_nano`, in epoch ms; undefined when none. */
  readonly deadline: number | undefined;
  /**
   * Fires when the deadline passes (reason: a DEADLINE_EXCEEDED TtrpcError),
   * when the connection drops or the server closes (UNAVAILABLE), and when
   * the call is over.
   */
  readonly signal: AbortSignal;
  /** Milliseconds until the deadline (negative when past), undefined when none. */
  timeRemaining(): number | undefined;
  /** The connecting process, where known (unix sockets on Linux). */
  readonly peer: PeerInfo | undefined;
}

/** Options for {@link createHandlerContext}. */
export interface HandlerContextInit {
  service?: string;
  method?: string;
  metadata?: Metadata;
  deadline?: number | undefined;
  signal?: AbortSignal;
  peer?: PeerInfo | undefined;
}

/**
 * Builds a context by hand, to unit-test a service implementation without
 * a server.
 */
export function createHandlerContext(init: HandlerContextInit & { metadata: Metadata }): HandlerContext {
  const deadline = init.deadline;
  return {
    service: init.service ?? "",
    method: init.method ?? "",
    metadata: init.metadata,
    deadline,
    signal: init.signal ?? new AbortController().signal,
    timeRemaining: () => (deadline === undefined ? undefined : deadline - Date.now()),
    peer: init.peer,
  };
}
