import { Code } from "./code.js";
import { timeRemaining } from "./deadline.js";
import { Metadata, type MetadataInit } from "./metadata.js";
import type { PeerInfo } from "./peer.js";
import { TtrpcError } from "./ttrpc-error.js";

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

/** Options for {@link createHandlerContext}; everything may be left out. */
export interface HandlerContextInit {
  /** Default "". */
  service?: string;
  /** Default "". */
  method?: string;
  /** A Metadata, or what `new Metadata()` takes. Default: empty. */
  metadata?: Metadata | MetadataInit;
  /** Epoch ms. Default: none. */
  deadline?: number | undefined;
  /** Sets `deadline` to now + this many ms (ignored when `deadline` is set). */
  timeoutMs?: number | undefined;
  /** Default: a signal that never fires. */
  signal?: AbortSignal;
  peer?: PeerInfo | undefined;
}

/**
 * Builds a context by hand, to unit-test a service implementation without
 * a server: `await impl.sayHello(req, createHandlerContext({ metadata: { tenant: "a" } }))`.
 */
export function createHandlerContext(init: HandlerContextInit = {}): HandlerContext {
  const md = init.metadata;
  return new CallContext(
    init.service ?? "",
    init.method ?? "",
    md instanceof Metadata ? md : new Metadata(md),
    init.deadline ?? (init.timeoutMs === undefined ? undefined : Date.now() + init.timeoutMs),
    init.peer,
    init.signal ?? new AbortController().signal,
  );
}

/**
 * The end of one server call, as its handler's signal shows it. The
 * AbortController is only made when a handler (or interceptor) reads the
 * signal, so calls that never look cost nothing.
 */
export class CallEnd {
  #controller: AbortController | undefined;
  #reason: TtrpcError | undefined;
  #ended = false;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#ended) this.#controller.abort(this.#reason ?? completed());
    }
    return this.#controller.signal;
  }

  /** Ends the call; `reason` undefined means it completed normally. */
  end(reason: TtrpcError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#reason = reason;
    this.#controller?.abort(reason ?? completed());
  }
}

/** The one {@link HandlerContext} implementation. */
export class CallContext implements HandlerContext {
  // A bundler renames a class that refers to itself ("_CallContext"); its name
  // shows in logs and util.inspect, so it is set here.
  static {
    Object.defineProperty(CallContext, "name", { value: "CallContext" });
  }

  readonly #end: CallEnd | AbortSignal;

  constructor(
    readonly service: string,
    readonly method: string,
    readonly metadata: Metadata,
    readonly deadline: number | undefined,
    readonly peer: PeerInfo | undefined,
    end: CallEnd | AbortSignal,
  ) {
    this.#end = end;
  }

  get signal(): AbortSignal {
    const end = this.#end;
    return end instanceof CallEnd ? end.signal : end;
  }

  timeRemaining(): number | undefined {
    return timeRemaining(this.deadline);
  }

  /** The same call with the metadata and deadline an interceptor put on its request. */
  withRequest(metadata: Metadata, deadline: number | undefined): CallContext {
    if (metadata === this.metadata && deadline === this.deadline) return this;
    return new CallContext(this.service, this.method, metadata, deadline, this.peer, this.#end);
  }
}

/** The abort reason of a call that completed normally. */
function completed(): TtrpcError {
  return new TtrpcError("ttrpc: call completed", Code.Canceled);
}
