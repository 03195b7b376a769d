import { Code } from "./code.js";
import { errorText, oversizeError } from "./errors.js";
import { FrameFlag } from "./frame.js";
import type { HandlerContext } from "./handler-context.js";
import type { CallNext, StreamRequest, UnaryRequest } from "./interceptor.js";
import { MessageQueue } from "./message-queue.js";
import type { Metadata } from "./metadata.js";
import type { MethodDef } from "./method.js";
import type { PeerInfo } from "./peer.js";
import type { ServerConnection } from "./server-connection.js";
import { StallGuard } from "./stall-guard.js";
import { TtrpcError } from "./ttrpc-error.js";

/** A registered handler, untyped: the runtime checks shapes at call time. */
export type AnyHandler = (request: never, context: HandlerContext) => unknown;

const CLOSE = FrameFlag.RemoteClosed | FrameFlag.NoData;
const EMPTY = new Uint8Array(0);

/**
 * The server side of one call: builds the handler context, runs the
 * interceptors and the handler, and writes the result as a Response (unary,
 * client-streaming, any error) or as Data frames ending in Data(0x05).
 */
export class ServerCall {
  readonly id: number;
  readonly def: MethodDef;
  readonly context: CallContext;
  /** Messages from the client, for client-streaming and bidi methods. */
  readonly input: MessageQueue<unknown> | undefined;
  readonly #conn: ServerConnection;
  #timer: NodeJS.Timeout | undefined;
  readonly #stall: StallGuard | undefined;
  #finished = false;
  #remoteClosed: boolean;

  constructor(
    conn: ServerConnection,
    id: number,
    def: MethodDef,
    metadata: Metadata,
    deadline: number | undefined,
    peer: PeerInfo | undefined,
  ) {
    this.#conn = conn;
    this.id = id;
    this.def = def;
    const clientStreams = def.kind === "client_streaming" || def.kind === "bidi_streaming";
    this.#remoteClosed = !clientStreams;
    const stall = clientStreams
      ? new StallGuard(conn, conn.streamBufferTimeoutMs, () => {
          const error = new TtrpcError("data handling error: ttrpc: stream buffer full", Code.InvalidArgument);
          this.input?.abort(error);
          this.fail(error);
        })
      : undefined;
    this.#stall = stall;
    this.input = stall
      ? new MessageQueue(conn.streamBufferSize, {
          // After the client's half-close nothing more can arrive: no need to hold.
          full: () => {
            if (!this.#remoteClosed) stall.full();
          },
          drained: () => stall.drained(),
          progress: () => stall.progress(),
        })
      : undefined;
    this.context = new CallContext(def, metadata, deadline, peer);
    if (deadline !== undefined) {
      // Enforced, unlike Go: the client has given up by now, so answer and
      // let the handler see its signal abort.
      this.#timer = setTimeout(
        () => this.fail(new TtrpcError("deadline exceeded", Code.DeadlineExceeded)),
        Math.max(0, deadline - Date.now()),
      );
    }
  }

  /** Whether the final frame has been sent (or the call was dropped). */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * Runs a unary call that has no interceptors: the handler is called
   * directly and a plain (non-promise) result is answered at once, with no
   * promise, async frame or request object per call. Same outcomes as
   * {@link run}. Never throws.
   */
  runUnary(handler: AnyHandler, payload: Uint8Array): void {
    let message: unknown;
    try {
      message = this.def.decodeInput(payload);
    } catch (e) {
      this.fail(new TtrpcError(`ttrpc: error unmarshalling payload: ${errorText(e)}`, Code.Internal, { cause: e }));
      return;
    }
    let res: unknown;
    try {
      res = (handler as (request: unknown, context: HandlerContext) => unknown)(message, this.context);
    } catch (e) {
      this.fail(toHandlerError(e));
      return;
    }
    if (res !== null && typeof res === "object" && typeof (res as PromiseLike<unknown>).then === "function") {
      (res as PromiseLike<unknown>).then(
        (m) => this.#respondOrFail(m),
        (e: unknown) => this.fail(toHandlerError(e)),
      );
      return;
    }
    this.#respondOrFail(res);
  }

  #respondOrFail(message: unknown): void {
    try {
      this.#respond(message);
    } catch (e) {
      this.fail(toHandlerError(e));
    }
  }

  /** Runs the call. `payload` is the Request payload. Never throws. */
  async run(call: CallNext, payload: Uint8Array): Promise<void> {
    const def = this.def;
    const ctx = this.context;
    try {
      let message: unknown;
      if (def.kind === "unary" || def.kind === "server_streaming") {
        try {
          message = def.decodeInput(payload);
        } catch (e) {
          throw new TtrpcError(`ttrpc: error unmarshalling payload: ${errorText(e)}`, Code.Internal, { cause: e });
        }
        if (def.kind === "server_streaming") message = once(message);
      } else {
        const input = this.input as MessageQueue<unknown>;
        // A client-streaming Request that carries a payload gets it as the first message (Go does).
        if (payload.length > 0) {
          try {
            input.push(def.decodeInput(payload));
          } catch (e) {
            throw new TtrpcError(`ttrpc: error unmarshalling payload: ${errorText(e)}`, Code.Internal, { cause: e });
          }
        }
        message = input;
      }
      const req = {
        stream: def.kind !== "unary",
        method: def,
        message,
        metadata: ctx.metadata,
        deadline: ctx.deadline,
        // A getter, so the AbortController is only made when someone looks.
        get signal() {
          return ctx.signal;
        },
        context: ctx,
      } as UnaryRequest | StreamRequest;
      const res = await call(req);
      if (this.#finished) return;
      if (!res.stream) {
        this.#respond(res.message);
      } else if (def.kind === "unary" || def.kind === "client_streaming") {
        for await (const m of res.message) {
          this.#respond(m);
          return;
        }
        throw new TtrpcError("ttrpc: handler produced no response", Code.Internal);
      } else {
        await this.#sendStream(res.message);
      }
    } catch (e) {
      this.fail(toHandlerError(e));
    }
  }

  /** An incoming Data frame for this call. */
  data(flags: number, payload: Uint8Array): void {
    const input = this.input;
    if (!input) {
      this.fail(
        new TtrpcError(`data frame received for method ${this.def.name}, which does not take a client stream`, Code.InvalidArgument),
      );
      return;
    }
    if (this.#remoteClosed) {
      this.fail(new TtrpcError("data handling error: ttrpc: stream already closed by client", Code.InvalidArgument));
      return;
    }
    if ((flags & FrameFlag.NoData) === 0) {
      try {
        input.push(this.def.decodeInput(payload));
      } catch (e) {
        this.fail(new TtrpcError(`ttrpc: error unmarshalling payload: ${errorText(e)}`, Code.Internal, { cause: e }));
        return;
      }
    }
    if ((flags & FrameFlag.RemoteClosed) !== 0) {
      this.#remoteClosed = true;
      input.end();
      // Nothing more can arrive, so nothing is left to hold the socket for.
      this.#stall?.drained();
      if (payload.length > 0) {
        // Go's rule: the close must be a separate empty frame.
        this.#conn.sendError(this.id, new TtrpcError("data close message cannot include data", Code.InvalidArgument));
        this.#finish();
      }
    }
  }

  /**
   * Ends the call with an error Response (unless it already ended) and
   * aborts the handler's signal with that error.
   */
  fail(error: TtrpcError): void {
    if (this.#finished) return;
    // The frame goes out before the call counts as done: a draining
    // connection closes as soon as its last call is.
    this.#conn.sendError(this.id, error);
    this.#finish(error);
    // A handler waiting on its client stream must not wait forever.
    this.input?.fail(error);
  }

  /** The connection went away: no frame can be sent, just stop. */
  drop(error: TtrpcError): void {
    if (this.#finished) return;
    this.#finish(error);
    this.input?.fail(error);
  }

  #respond(message: unknown): void {
    if (this.#finished) return;
    if (message === undefined || message === null) throw new TtrpcError("ttrpc: marshal called with nil", Code.Unknown);
    if (typeof message !== "object") throw new TtrpcError(`ttrpc: error unsupported response type: ${typeof message}`, Code.Internal);
    let bytes: Uint8Array;
    try {
      bytes = this.def.encodeOutput(message);
    } catch (e) {
      throw new TtrpcError(`ttrpc: error marshaling payload: ${errorText(e)}`, Code.Internal, { cause: e });
    }
    // An oversize result is answered with an error by sendResponse; either way the call is over.
    this.#conn.sendResponse(this.id, bytes);
    this.#finish();
  }

  async #sendStream(messages: AsyncIterable<unknown>): Promise<void> {
    const conn = this.#conn;
    const max = conn.maxMessageSize;
    const it = messages[Symbol.asyncIterator]();
    let exhausted = false;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        if (this.#finished) break;
        if (r.value === undefined || r.value === null) throw new TtrpcError("ttrpc: marshal called with nil", Code.Unknown);
        let bytes: Uint8Array;
        try {
          bytes = this.def.encodeOutput(r.value);
        } catch (e) {
          throw new TtrpcError(`ttrpc: error marshaling payload: ${errorText(e)}`, Code.Internal, { cause: e });
        }
        if (bytes.length > max) throw oversizeError(bytes.length, max);
        if (!conn.sendData(this.id, 0, bytes)) await conn.drainWrites();
      }
    } finally {
      // Stop a generator that is still running (we failed or were dropped).
      if (!exhausted) it.return?.()?.catch(() => {});
    }
    if (this.#finished) return;
    conn.sendData(this.id, CLOSE, EMPTY);
    this.#finish();
  }

  #finish(reason?: TtrpcError): void {
    this.#finished = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#stall?.drained();
    this.#conn.callDone(this);
    // The default reason is only built if a handler ever looks at its signal.
    this.context.abort(reason);
  }
}

/**
 * The handler's context. Its AbortController is only created when a handler
 * (or interceptor) reads `signal`, so calls that never look cost nothing.
 */
class CallContext implements HandlerContext {
  readonly service: string;
  readonly method: string;
  readonly metadata: Metadata;
  readonly deadline: number | undefined;
  readonly peer: PeerInfo | undefined;
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;

  constructor(def: MethodDef, metadata: Metadata, deadline: number | undefined, peer: PeerInfo | undefined) {
    this.service = def.service;
    this.method = def.name;
    this.metadata = metadata;
    this.deadline = deadline;
    this.peer = peer;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason ?? completed());
    }
    return this.#controller.signal;
  }

  timeRemaining(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  /** `reason` undefined: the call completed normally. */
  abort(reason: TtrpcError | undefined): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason ?? completed());
  }
}

/** The abort reason of a call that completed normally. */
function completed(): TtrpcError {
  return new TtrpcError("ttrpc: call completed", Code.Canceled);
}

function toHandlerError(e: unknown): TtrpcError {
  // Code OK on the wire would read as success with an empty message.
  if (e instanceof TtrpcError) return e.code === Code.OK ? new TtrpcError(e.rawMessage, Code.Unknown, { cause: e }) : e;
  // A plain Error becomes UNKNOWN with its message, as in Go.
  return new TtrpcError(e instanceof Error ? e.message : String(e), Code.Unknown, { cause: e });
}

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}
