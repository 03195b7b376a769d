import type { Duplex } from "node:stream";
import { Code } from "../code.js";
import { deadlineFromTimeoutNano } from "../deadline.js";
import { Metadata } from "../metadata.js";
import type { PeerInfo } from "../peer.js";
import { errorText, oversizeError, TtrpcError } from "../ttrpc-error.js";
import { Channel } from "../wire/channel.js";
import {
  type DecodedRequest,
  decodeRequestFast,
  decodeRequestMetadata,
  encodeErrorResponse,
  fieldEnvelopeLength,
  RESPONSE_PAYLOAD_TAG,
} from "../wire/envelope.js";
import { FrameType } from "../wire/frame.js";
import type { RegisteredMethod } from "./invoke.js";
import { ServerCall, type ServerPort } from "./server-call.js";

/** What a connection needs from its server. */
export interface ServerCore {
  readonly maxMessageSize: number;
  readonly streamBufferSize: number;
  readonly streamBufferTimeoutMs: number;
  readonly streamBufferBytes: number;
  /** Received stream bytes held unread per connection before reading pauses. */
  readonly connectionBufferBytes: number;
  readonly maxMetadataEntries: number;
  readonly maxMetadataBytes: number;
  readonly maxDecodeCost: number;
  /** Close connections that send no complete frame within this many ms; 0 means never. */
  readonly firstFrameTimeoutMs: number;
  readonly shuttingDown: boolean;
  /** Most calls in progress per connection; 0 means no limit. */
  readonly maxConcurrentStreams: number;
  /** Close connections without calls after this many ms without frames; 0 means never. */
  readonly idleTimeoutMs: number;
  /** The registered method; undefined when there is none. */
  lookup(service: string, method: string): RegisteredMethod | undefined;
  /** The UNIMPLEMENTED error Go sends for a method {@link lookup} did not find. */
  unimplemented(service: string, method: string): TtrpcError;
  callStarted(): void;
  callDone(): void;
  connectionClosed(conn: ServerConnection): void;
}

const EMPTY = new Uint8Array(0);

/** The key of the read hold taken while Responses are backed up. */
const WRITE_HOLD = {};
/** The key of the read hold that lets the answers to a burst of Requests go out first. */
const TURN_HOLD = {};
/**
 * Requests started in one turn of the event loop before reading yields to
 * their answers: a chunk of thousands of tiny Requests for big answers
 * cannot start them all before the first answer backs up the socket.
 */
const REQUESTS_PER_TURN = 64;

/**
 * One accepted connection: enforces Go's stream-id rules, routes frames to
 * calls, and writes their replies. Never throws into the socket's event
 * loop; a bad frame costs one error Response, not the connection.
 */
export class ServerConnection {
  readonly #channel: Channel;
  readonly #server: ServerCore;
  readonly #calls = new Map<number, ServerCall>();
  readonly #port: ServerPort;
  readonly peer: PeerInfo | undefined;
  #lastId = 0;
  #writeHeld = false;
  #turnRequests = 0;
  #draining = false;
  #refusal: TtrpcError | undefined;
  #lastActivity = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #firstFrameTimer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #closedPromise: Promise<void>;
  #resolveClosed!: () => void;

  /**
   * `refusal`: the connection is over a server limit; the first Request is
   * answered with this error and the connection closed.
   */
  constructor(server: ServerCore, socket: Duplex, peer: PeerInfo | undefined, refusal?: TtrpcError) {
    this.#server = server;
    this.peer = peer;
    this.#refusal = refusal;
    this.#closedPromise = new Promise((r) => {
      this.#resolveClosed = r;
    });
    const channel = new Channel(
      socket,
      server.maxMessageSize,
      {
        frame: (id, type, flags, payload) => this.#onFrame(id, type, flags, payload),
        oversize: (id, type, _flags, length) => this.#onOversize(id, type, length),
        closed: (err) => this.#onClosed(err),
      },
      server.connectionBufferBytes,
    );
    this.#channel = channel;
    this.#port = {
      maxMessageSize: server.maxMessageSize,
      streamBufferSize: server.streamBufferSize,
      streamBufferBytes: server.streamBufferBytes,
      streamBufferTimeoutMs: server.streamBufferTimeoutMs,
      maxDecodeCost: server.maxDecodeCost,
      get writeBlocked() {
        return channel.writeBlocked;
      },
      account: (bytes) => channel.account(bytes),
      sendData: (id, flags, payload) => channel.write(id, FrameType.Data, flags, payload),
      whenWritable: () => channel.whenWritable(),
      hold: (key) => channel.hold(key),
      release: (key) => channel.release(key),
      sendResponse: (id, payload) => this.#sendResponse(id, payload),
      sendError: (id, error) => this.#sendError(id, error),
      callDone: (call) => this.#callDone(call),
    };
    if (refusal) {
      // A peer that never sends a Request is not kept waiting for one.
      this.#idleTimer = setTimeout(() => this.#channel.destroy(), 5000);
      this.#idleTimer.unref();
    } else if (server.idleTimeoutMs > 0) {
      this.#lastActivity = Date.now();
      this.#armIdle(server.idleTimeoutMs);
    }
    if (server.firstFrameTimeoutMs > 0 && !refusal) {
      // A peer holding a connection slot without ever speaking is let go.
      this.#firstFrameTimer = setTimeout(() => this.#channel.destroy(), server.firstFrameTimeoutMs);
      this.#firstFrameTimer.unref();
    }
  }

  /** Bytes of received stream messages held unread on this connection. */
  get bufferedBytes(): number {
    return this.#channel.buffered;
  }

  /** Calls in progress on this connection. */
  get activeCalls(): number {
    return this.#calls.size;
  }

  /** Whether the socket has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves when the socket has closed. */
  whenClosed(): Promise<void> {
    return this.#closedPromise;
  }

  /** Graceful close: refuse new calls, close once the calls in progress are done. */
  drain(): void {
    this.#draining = true;
    if (this.#calls.size === 0) this.#channel.end();
  }

  /** Close now: calls in progress get `error`, then the socket closes. */
  terminate(error: TtrpcError): void {
    for (const call of [...this.#calls.values()]) call.fail(error);
    this.#channel.end();
  }

  /** Writes a Response carrying `payload` (OK). Oversize becomes an error Response. */
  #sendResponse(id: number, payload: Uint8Array): void {
    const length = fieldEnvelopeLength(EMPTY, payload);
    if (length > this.#server.maxMessageSize) {
      // Go drops the whole connection here; we fail just this call.
      this.#sendError(id, oversizeError(length, this.#server.maxMessageSize));
      return;
    }
    this.#pressure(this.#channel.write(id, FrameType.Response, 0, payload, RESPONSE_PAYLOAD_TAG));
  }

  /** Writes an error Response. */
  #sendError(id: number, error: TtrpcError): void {
    this.#pressure(this.#channel.write(id, FrameType.Response, 0, encodeErrorResponse(error.toStatus(), this.#server.maxMessageSize)));
  }

  /**
   * After a Response or stream Data that went over the socket's high-water
   * mark, stops reading until the buffer drains: a peer that sends requests
   * but never reads the answers must not make us start (and buffer) every
   * answer. A reading peer drains the buffer at once, so this only slows
   * reading while the answers go out; our client always reads, so it cannot
   * deadlock with it. Returns `ok`.
   */
  #pressure(ok: boolean): boolean {
    if (ok || this.#writeHeld || this.#channel.closed) return ok;
    this.#writeHeld = true;
    this.#channel.hold(WRITE_HOLD);
    void this.#channel.whenWritable().then(() => {
      this.#writeHeld = false;
      this.#channel.release(WRITE_HOLD);
    });
    return ok;
  }

  #nextTurn(): void {
    this.#turnRequests = 0;
    this.#channel.release(TURN_HOLD);
  }

  /** A call sent its final frame. */
  #callDone(call: ServerCall): void {
    if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
    if (this.#idleTimer) this.#lastActivity = Date.now();
    if (this.#draining && this.#calls.size === 0) this.#channel.end();
    this.#server.callDone();
  }

  #onFrame(id: number, type: number, flags: number, payload: Uint8Array): void {
    if (this.#idleTimer) this.#lastActivity = Date.now();
    if (this.#firstFrameTimer) {
      clearTimeout(this.#firstFrameTimer);
      this.#firstFrameTimer = undefined;
    }
    if (id % 2 === 0) {
      this.#sendError(id, new TtrpcError("StreamID must be odd for client initiated streams", Code.InvalidArgument));
      return;
    }
    if (type === FrameType.Request) {
      if (id <= this.#lastId) {
        this.#sendError(id, new TtrpcError("StreamID cannot be re-used and must increment", Code.InvalidArgument));
        return;
      }
      this.#lastId = id;
      this.#onRequest(id, payload);
      if (++this.#turnRequests === 1) setImmediate(() => this.#nextTurn());
      else if (this.#turnRequests === REQUESTS_PER_TURN) this.#channel.hold(TURN_HOLD);
    } else if (type === FrameType.Data) {
      const call = this.#calls.get(id);
      if (!call) {
        this.#sendError(id, new TtrpcError("StreamID is no longer active", Code.InvalidArgument));
        return;
      }
      call.data(flags, payload);
    }
    // Any other type is ignored, for forward compatibility (as Go does).
  }

  /** An oversize Data frame ends its live stream; anything else just gets the error. */
  #onOversize(id: number, type: number, length: number): void {
    const error = oversizeError(length, this.#server.maxMessageSize);
    const call = type === FrameType.Data ? this.#calls.get(id) : undefined;
    if (call) call.fail(error);
    else this.#sendError(id, error);
  }

  #onRequest(id: number, payload: Uint8Array): void {
    let req: DecodedRequest;
    try {
      req = decodeRequestFast(payload);
    } catch (e) {
      this.#sendError(id, new TtrpcError(`unmarshal request error: ${errorText(e)}`, Code.InvalidArgument));
      return;
    }
    if (this.#refusal) {
      this.#sendError(id, this.#refusal);
      this.#channel.end();
      return;
    }
    if (this.#draining || this.#server.shuttingDown) {
      this.#sendError(id, new TtrpcError("ttrpc: server shutting down", Code.Unavailable));
      return;
    }
    const limit = this.#server.maxConcurrentStreams;
    if (limit > 0 && this.#calls.size >= limit) {
      this.#sendError(id, new TtrpcError(`ttrpc: too many concurrent streams on this connection (limit ${limit})`, Code.ResourceExhausted));
      return;
    }
    const found = this.#server.lookup(req.service, req.method);
    if (found === undefined) {
      this.#sendError(id, this.#server.unimplemented(req.service, req.method));
      return;
    }
    const core = this.#server;
    if (req.metadataCount > core.maxMetadataEntries || req.metadataBytes > core.maxMetadataBytes) {
      this.#sendError(
        id,
        new TtrpcError(
          `ttrpc: metadata of ${req.metadataCount} entries and ${req.metadataBytes} bytes exceeds the limit of ${core.maxMetadataEntries} entries and ${core.maxMetadataBytes} bytes`,
          Code.ResourceExhausted,
        ),
      );
      return;
    }
    let metadata: Metadata;
    try {
      metadata = req.metadataCount === 0 ? new Metadata() : new Metadata(decodeRequestMetadata(payload, req));
    } catch (e) {
      this.#sendError(id, new TtrpcError(`unmarshal request error: ${errorText(e)}`, Code.InvalidArgument));
      return;
    }
    const deadline = deadlineFromTimeoutNano(req.timeoutNano);
    const call = new ServerCall(this.#port, id, found.def, metadata, deadline, this.peer);
    // Registered before the handler runs, so a fast handler cannot race its
    // own bookkeeping (Go's stream-map leak, #236).
    this.#calls.set(id, call);
    this.#server.callStarted();
    if (found.unary !== undefined) call.runUnary(found.unary, req.payload);
    else void call.run(found.call, req.payload);
  }

  /** Closes the connection once it has had no calls and no frames for `ms`. */
  #armIdle(ms: number): void {
    this.#idleTimer = setTimeout(() => {
      const quiet = Date.now() - this.#lastActivity;
      if (this.#calls.size === 0 && quiet >= ms) this.#channel.end();
      else this.#armIdle(this.#calls.size === 0 ? ms - quiet : ms);
    }, ms);
    this.#idleTimer.unref();
  }

  #onClosed(err: Error | undefined): void {
    this.#closed = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    if (this.#firstFrameTimer) clearTimeout(this.#firstFrameTimer);
    const error = new TtrpcError(err ? `ttrpc: connection closed: ${err.message}` : "ttrpc: connection closed", Code.Unavailable);
    for (const call of [...this.#calls.values()]) call.drop(error);
    this.#calls.clear();
    this.#server.connectionClosed(this);
    this.#resolveClosed();
  }
}
