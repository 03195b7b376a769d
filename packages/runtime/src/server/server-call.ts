import { Code } from "../code.js";
import { CallContext, CallEnd, type HandlerContext } from "../handler-context.js";
import type { CallNext, StreamRequest, UnaryRequest } from "../interceptor.js";
import type { Metadata } from "../metadata.js";
import type { MethodDef } from "../method.js";
import type { PeerInfo } from "../peer.js";
import { CallTimer } from "../stream/call-timer.js";
import { decodeCostCheck } from "../stream/decode-cost.js";
import type { MessageQueue } from "../stream/message-queue.js";
import { StreamCore, type StreamPort } from "../stream/stream-core.js";
import { errorText, TtrpcError, unmarshalError } from "../ttrpc-error.js";
import { FrameFlag } from "../wire/frame.js";
import type { AnyHandler } from "./invoke.js";

/** What a server call needs from its connection: its one way out. */
export interface ServerPort extends StreamPort {
  /** Writes an OK Response carrying `payload`; an oversize one is answered with an error instead. */
  sendResponse(id: number, payload: Uint8Array): void;
  /** Writes an error Response. */
  sendError(id: number, error: TtrpcError): void;
  /** The call sent its final frame, or was dropped. */
  callDone(call: ServerCall): void;
}

/**
 * The server side of one call: the server's rules on top of the shared
 * {@link StreamCore}. Builds the handler context, runs the interceptors and
 * the handler, and writes the result as a Response (unary,
 * client-streaming, any error) or as Data frames ending in Data(0x05).
 */
export class ServerCall {
  readonly id: number;
  readonly def: MethodDef;
  readonly context: CallContext;
  readonly #port: ServerPort;
  /** The stream machinery, for streaming methods; a unary call has just its deadline timer. */
  readonly #core: StreamCore | undefined;
  readonly #timer: CallTimer | undefined;
  readonly #end = new CallEnd();
  #finished = false;
  #remoteClosed: boolean;

  constructor(port: ServerPort, id: number, def: MethodDef, metadata: Metadata, deadline: number | undefined, peer: PeerInfo | undefined) {
    this.#port = port;
    this.id = id;
    this.def = def;
    const clientStreams = def.kind === "client_streaming" || def.kind === "bidi_streaming";
    this.#remoteClosed = !clientStreams;
    this.context = new CallContext(def.service, def.name, metadata, deadline, peer, this.#end);
    // Enforced, unlike Go: the client has given up by now, so answer and
    // let the handler see its signal abort.
    const expire = (error: TtrpcError) => this.fail(error);
    if (def.kind === "unary") {
      // The hot path: no stream machinery.
      this.#timer = deadline === undefined ? undefined : new CallTimer(deadline, undefined, expire);
      return;
    }
    const core = new StreamCore(port, {
      receives: clientStreams,
      stallError: () => new TtrpcError("data handling error: ttrpc: stream buffer full", Code.InvalidArgument),
      fail: expire,
      // After the client's half-close nothing more can arrive: no need to hold.
      holdWhenFull: () => !this.#remoteClosed,
    });
    core.id = id;
    core.arm(deadline, undefined, expire);
    this.#core = core;
  }

  /** Whether the final frame has been sent (or the call was dropped). */
  get finished(): boolean {
    return this.#finished;
  }

  /** Messages from the client, for client-streaming and bidi methods. */
  get #input(): MessageQueue<unknown> | undefined {
    return this.#core?.inbound;
  }

  /** The stream machinery of a streaming call. */
  get #stream(): StreamCore {
    return this.#core as StreamCore;
  }

  /**
   * Runs a unary call that has no interceptors: the handler is called
   * directly and a plain (non-promise) result is answered at once, with no
   * promise, async frame or request object per call. Same outcomes as
   * {@link run}. Never throws.
   */
  runUnary(handler: AnyHandler, payload: Uint8Array): void {
    const tooCostly = decodeCostCheck(this.def, "input", payload, this.#port.maxDecodeCost);
    if (tooCostly) {
      this.fail(tooCostly);
      return;
    }
    let message: unknown;
    try {
      message = this.def.decodeInput(payload);
    } catch (e) {
      this.fail(unmarshalError("payload", e));
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
        const tooCostly = decodeCostCheck(def, "input", payload, this.#port.maxDecodeCost);
        if (tooCostly) throw tooCostly;
        try {
          message = def.decodeInput(payload);
        } catch (e) {
          throw unmarshalError("payload", e);
        }
        if (def.kind === "server_streaming") message = once(message);
      } else {
        // A client-streaming Request that carries a payload gets it as the first message (Go does).
        if (payload.length > 0) {
          const error = this.#stream.receive(payload, def, "input");
          if (error) throw error;
        }
        message = this.#input;
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
        await this.#stream.send(
          res.message,
          (m) => this.#encode(m),
          () => this.#finished,
        );
        if (this.#finished) return;
        this.#stream.closeSend();
        this.#finish();
      }
    } catch (e) {
      this.fail(toHandlerError(e));
    }
  }

  /** An incoming Data frame for this call. */
  data(flags: number, payload: Uint8Array): void {
    const input = this.#input;
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
      const error = this.#stream.receive(payload, this.def, "input");
      if (error) {
        this.fail(error);
        return;
      }
    }
    if ((flags & FrameFlag.RemoteClosed) !== 0) {
      this.#remoteClosed = true;
      this.#stream.endInbound();
      if (payload.length > 0) {
        // Go's rule: the close must be a separate empty frame.
        this.#port.sendError(this.id, new TtrpcError("data close message cannot include data", Code.InvalidArgument));
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
    this.#port.sendError(this.id, error);
    this.#finish(error);
    // A handler waiting on its client stream must not wait forever.
    this.#input?.fail(error);
  }

  /** The connection went away: no frame can be sent, just stop. */
  drop(error: TtrpcError): void {
    if (this.#finished) return;
    this.#finish(error);
    this.#input?.fail(error);
  }

  #encode(message: unknown): Uint8Array {
    if (message === undefined || message === null) throw new TtrpcError("ttrpc: marshal called with nil", Code.Unknown);
    try {
      return this.def.encodeOutput(message);
    } catch (e) {
      throw new TtrpcError(`ttrpc: error marshaling payload: ${errorText(e)}`, Code.Internal, { cause: e });
    }
  }

  #respond(message: unknown): void {
    if (this.#finished) return;
    if (message !== undefined && message !== null && typeof message !== "object") {
      throw new TtrpcError(`ttrpc: error unsupported response type: ${typeof message}`, Code.Internal);
    }
    const bytes = this.#encode(message);
    // An oversize result is answered with an error by sendResponse; either way the call is over.
    this.#port.sendResponse(this.id, bytes);
    this.#finish();
  }

  #finish(reason?: TtrpcError): void {
    this.#finished = true;
    this.#core?.stop();
    this.#timer?.stop();
    // What the handler left unread no longer counts against the connection.
    this.#core?.detachInbound();
    this.#port.callDone(this);
    // The default reason is only built if a handler ever looks at its signal.
    this.#end.end(reason);
  }
}

function toHandlerError(e: unknown): TtrpcError {
  // Code OK on the wire would read as success with an empty message.
  if (e instanceof TtrpcError) return e.code === Code.OK ? new TtrpcError(e.rawMessage, Code.Unknown, { cause: e }) : e;
  // A plain Error becomes UNKNOWN with its message, as in Go.
  return new TtrpcError(e instanceof Error ? e.message : String(e), Code.Unknown, { cause: e });
}

/** The decoder of a call that receives no stream (never called). */

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}
