import type { Duplex } from "node:stream";
import type { CallOptions } from "../call-options.js";
import { Code } from "../code.js";
import { isPast, resolveDeadline, timeoutNano } from "../deadline.js";
import {
  applyInterceptors,
  type CallNext,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
  type UnaryRequest,
  type UnaryResponse,
} from "../interceptor.js";
import {
  DEFAULT_CONNECTION_BUFFER_BYTES,
  DEFAULT_MAX_DECODE_COST,
  DEFAULT_STREAM_BUFFER_BYTES,
  DEFAULT_STREAM_BUFFER_SIZE,
  MAX_SANE_FRAME_LENGTH,
} from "../limits.js";
import { Metadata } from "../metadata.js";
import { type MethodDef, type MethodInput, normalizeMethod } from "../method.js";
import { abortError, deadlineError, oversizeError, protocolError, TtrpcError } from "../ttrpc-error.js";
import { Channel } from "../wire/channel.js";
import { encodeRequestHead, encodeRequestTail, fieldEnvelopeLength, REQUEST_PAYLOAD_TAG } from "../wire/envelope.js";
import { DEFAULT_MAX_MESSAGE_SIZE, FrameFlag, FrameType } from "../wire/frame.js";
import type { CallState, ClientPort } from "./client-port.js";
import { StreamCall } from "./stream-call.js";
import { UnaryCall } from "./unary-call.js";

/** Options for {@link connect} and {@link Connection}. */
export interface ConnectionOptions {
  /** Largest frame payload sent or accepted, inclusive. Default 4 MiB, like Go. */
  maxMessageSize?: number;
  /** Interceptors for every call; the first is the outermost. */
  interceptors?: Interceptor[];
  /** Timeout for calls that set none, in ms. Default: none. */
  defaultTimeoutMs?: number;
  /** Called once when the connection closes, with the error pending calls got. */
  onClose?: (error: TtrpcError) => void;
  /**
   * Messages buffered per stream before reading from the socket pauses.
   * Default 64.
   */
  streamBufferSize?: number;
  /** Bytes buffered per stream before reading from the socket pauses. Default 4 MiB. */
  streamBufferBytes?: number;
  /**
   * Bytes of received stream messages the connection holds unread, over all
   * its streams, before reading from the socket pauses. Default 16 MiB.
   */
  connectionBufferBytes?: number;
  /**
   * Most decode work for one response, in cost units (a number 1, a
   * sub-message 2, a map entry 7; see PROTOCOL.md), checked before
   * decoding: more is RESOURCE_EXHAUSTED. Applies to protobuf-es services.
   * Default 500,000 (about 100 ms of decoding).
   */
  maxDecodeCost?: number;
  /**
   * How long a stream may stay full before it is failed with
   * RESOURCE_EXHAUSTED `ttrpc: stream buffer full` so the other calls on the
   * connection can go on. Default 1000 ms (Go's value).
   */
  streamBufferTimeoutMs?: number;
  /**
   * Request flags for client-streaming and bidi calls: `0x02` (Go's, the
   * default) or `0x06` (what Rust's ttrpc sends; Go accepts both).
   */
  streamOpenFlags?: 0x02 | 0x06;
  /** {@link connect} only: give up connecting after this many ms (UNAVAILABLE). Default 10000. */
  connectTimeoutMs?: number;
}

// Typed as plain Uint8Array: TypeScript 5.7+ would infer Uint8Array<ArrayBuffer>, which older compilers cannot read in the .d.ts.
const EMPTY: Uint8Array = new Uint8Array(0);
// Shared by calls without metadata; never modified (no interceptor sees it).
const EMPTY_METADATA = new Metadata();
// Encoded service and method fields, per method: the same for every call.
const heads = new WeakMap<MethodDef, Uint8Array>();

/**
 * A connection to a ttrpc server. Any number of calls and streams share it,
 * multiplexed by stream id. Create one with {@link connect}, or around a
 * connected Duplex with `new Connection(duplex)`; make typed clients on it
 * with {@link createClient}.
 */
export class Connection {
  readonly #channel: Channel;
  readonly #calls = new Map<number, CallState>();
  readonly #max: number;
  readonly #call: CallNext;
  readonly #defaultTimeout: number | undefined;
  readonly #closeListeners = new Set<(error: TtrpcError) => void>();
  readonly #port: ClientPort;
  readonly #intercepted: boolean;
  #nextId = 1;
  #closedError: TtrpcError | undefined;
  #closing: TtrpcError | undefined;

  constructor(socket: Duplex, options: ConnectionOptions = {}) {
    const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.#max = max;
    this.#defaultTimeout = options.defaultTimeoutMs;
    const calls = this.#calls;
    const self = this;
    this.#port = {
      maxMessageSize: max,
      streamBufferSize: options.streamBufferSize ?? DEFAULT_STREAM_BUFFER_SIZE,
      streamBufferBytes: options.streamBufferBytes ?? DEFAULT_STREAM_BUFFER_BYTES,
      maxDecodeCost: options.maxDecodeCost ?? DEFAULT_MAX_DECODE_COST,
      get writeBlocked() {
        return self.#channel.writeBlocked;
      },
      account: (bytes) => this.#channel.account(bytes),
      streamBufferTimeoutMs: options.streamBufferTimeoutMs ?? 1000,
      streamOpenFlags: options.streamOpenFlags ?? FrameFlag.RemoteOpen,
      open: (m, flags, payload, metadata, deadline, state) => this.#open(m, flags, payload, metadata, deadline, state),
      forget: (id) => calls.delete(id),
      sendData: (id, flags, payload) => this.#channel.write(id, FrameType.Data, flags, payload),
      whenWritable: () => this.#channel.whenWritable(),
      hold: (key) => this.#channel.hold(key),
      release: (key) => this.#channel.release(key),
    };
    if (options.onClose) this.#closeListeners.add(options.onClose);
    this.#intercepted = (options.interceptors?.length ?? 0) > 0;
    this.#call = applyInterceptors((req) => (req.stream ? this.#openStream(req) : this.#unary(req)), options.interceptors);
    this.#channel = new Channel(
      socket,
      this.#max,
      {
        // Frames for streams we do not track (finished, timed out, cancelled)
        // are dropped quietly, as Go does.
        frame: (id, type, flags, payload) => calls.get(id)?.frame(type, flags, payload),
        oversize: (id, _type, _flags, length) => this.#onOversize(id, length),
        closed: (err) => this.#onClosed(err),
      },
      options.connectionBufferBytes ?? DEFAULT_CONNECTION_BUFFER_BYTES,
    );
  }

  /**
   * A modest oversize frame fails its call and is skipped; one announced
   * at 16 MiB or more is a broken or hostile server: skipping gigabytes
   * would leave every call waiting, so the connection closes and every
   * pending call fails at once.
   */
  #onOversize(id: number, length: number): void {
    if (length < Math.max(MAX_SANE_FRAME_LENGTH, this.#max + 1)) {
      this.#calls.get(id)?.fail(oversizeError(length, this.#max));
      return;
    }
    this.#closing ??= new TtrpcError(
      `ttrpc: server sent a frame of ${length} bytes (limit ${this.#max}): protocol error, connection closed`,
      Code.Unavailable,
    );
    this.#channel.destroy();
  }

  /** Whether the connection has closed; every call now fails with UNAVAILABLE. */
  get closed(): boolean {
    return this.#closedError !== undefined;
  }

  /** Number of calls and streams in progress. */
  get activeCalls(): number {
    return this.#calls.size;
  }

  /**
   * Bytes of received stream messages held unread, over all streams: what
   * the `connectionBufferBytes` budget counts.
   */
  get bufferedBytes(): number {
    return this.#channel.buffered;
  }

  /** Largest payload this connection sends or accepts. */
  get maxMessageSize(): number {
    return this.#max;
  }

  /**
   * Registers a callback for when the connection closes (called at once if
   * it already has). Returns a function that unregisters it.
   */
  onClose(listener: (error: TtrpcError) => void): () => void {
    if (this.#closedError) {
      const err = this.#closedError;
      queueMicrotask(() => listener(err));
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Resolves once the connection has closed. */
  wait(): Promise<TtrpcError> {
    return new Promise((resolve) => this.onClose(resolve));
  }

  /**
   * Closes the connection. Calls still in progress fail with UNAVAILABLE
   * `ttrpc: client closed`.
   */
  close(): void {
    if (this.#closedError || this.#closing) return;
    this.#closing = new TtrpcError("ttrpc: client closed", Code.Unavailable);
    this.#channel.destroy();
  }

  /** Calls a unary method. */
  unary<I, O>(method: MethodInput, request: I, options?: CallOptions): Promise<O> {
    const m = normalizeMethod<I, O>(method) as MethodDef;
    const md = options?.metadata;
    const deadline = resolveDeadline(options, this.#defaultTimeout);
    if (!this.#intercepted) {
      // No interceptors: skip the request/response wrappers.
      return this.#unaryCall(m, request, md === undefined ? EMPTY_METADATA : new Metadata(md), deadline, options?.signal) as Promise<O>;
    }
    return this.#call({
      stream: false,
      method: m,
      message: request,
      metadata: new Metadata(md),
      deadline,
      signal: options?.signal,
      context: undefined,
    }).then((res) => res.message as O);
  }

  /** Calls a server-streaming method; iterate the result to receive. */
  serverStream<I, O>(method: MethodInput, request: I, options?: CallOptions): AsyncIterable<O> {
    return this.#lazyStream<I, O>(method, single(request), options);
  }

  /** Calls a client-streaming method: sends every request, resolves with the response. */
  async clientStream<I, O>(method: MethodInput, requests: AsyncIterable<I>, options?: CallOptions): Promise<O> {
    const res = (await this.#call(this.#streamRequest(method, requests, options))) as StreamResponse<O>;
    for await (const message of res.message) return message;
    throw protocolError("client-streaming call ended without a response");
  }

  /** Calls a bidirectional method; requests are sent while responses are read. */
  bidiStream<I, O>(method: MethodInput, requests: AsyncIterable<I>, options?: CallOptions): AsyncIterable<O> {
    return this.#lazyStream<I, O>(method, requests, options);
  }

  /** Sends the Request frame of a new call (see {@link ClientPort.open}). */
  #open(
    m: MethodDef,
    flags: number,
    payload: Uint8Array | undefined,
    metadata: Metadata,
    deadline: number | undefined,
    state: CallState,
  ): number {
    const closed = this.#closedError ?? this.#closing;
    if (closed) throw closed;
    let head = heads.get(m);
    if (head === undefined) {
      head = encodeRequestHead(m.service, m.name);
      heads.set(m, head);
    }
    const body = payload ?? EMPTY;
    // The usual Request (no deadline, no metadata) has no tail: cached head, then the payload field.
    const tn = timeoutNano(deadline);
    const tail = tn === 0 && metadata.size === 0 ? EMPTY : encodeRequestTail(tn, metadata);
    const length = fieldEnvelopeLength(head, body, tail);
    if (length > this.#max) throw oversizeError(length, this.#max);
    if (this.#nextId > 0xffffffff) throw new TtrpcError("ttrpc: stream ids exhausted on this connection", Code.ResourceExhausted);
    const id = this.#nextId;
    this.#nextId += 2;
    this.#calls.set(id, state);
    this.#channel.write(id, FrameType.Request, flags, body, REQUEST_PAYLOAD_TAG, head, tail);
    return id;
  }

  #streamRequest<I>(method: MethodInput, requests: AsyncIterable<I>, options: CallOptions | undefined): StreamRequest {
    return {
      stream: true,
      method: normalizeMethod(method),
      message: requests,
      // Interceptors may change the metadata: only they get a copy of their own.
      metadata: this.#intercepted || options?.metadata !== undefined ? new Metadata(options?.metadata) : EMPTY_METADATA,
      deadline: resolveDeadline(options, this.#defaultTimeout),
      signal: options?.signal,
      context: undefined,
    };
  }

  #lazyStream<I, O>(method: MethodInput, requests: AsyncIterable<I>, options: CallOptions | undefined): AsyncIterable<O> {
    // Nothing is sent until the caller starts iterating.
    return {
      [Symbol.asyncIterator]: () => {
        let it: AsyncIterator<O> | undefined;
        let opening: Promise<AsyncIterator<O>> | undefined;
        const get = (): Promise<AsyncIterator<O>> => {
          opening ??= this.#call(this.#streamRequest(method, requests, options)).then((res) => {
            it = (res as StreamResponse<O>).message[Symbol.asyncIterator]();
            return it;
          });
          return opening;
        };
        return {
          // Once open, straight to the stream's own iterator: no extra promise per message.
          next: () => (it !== undefined ? it.next() : get().then((i) => i.next())),
          return: async () => {
            const target = it ?? (opening ? await opening.catch(() => undefined) : undefined);
            if (target?.return) await target.return();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  #unary(req: UnaryRequest): Promise<UnaryResponse> {
    return this.#unaryCall(req.method, req.message, req.metadata, req.deadline, req.signal).then((message) => ({ stream: false, message }));
  }

  #unaryCall(
    method: MethodDef,
    message: unknown,
    metadata: Metadata,
    deadline: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      if (isPast(deadline)) return reject(deadlineError());
      let payload: Uint8Array;
      try {
        payload = method.encodeInput(message);
      } catch (e) {
        return reject(TtrpcError.from(e, Code.InvalidArgument));
      }
      const call = new UnaryCall(this.#port, method, resolve, reject);
      try {
        call.id = this.#open(method, 0, payload, metadata, deadline, call);
      } catch (e) {
        return reject(TtrpcError.from(e, Code.Internal));
      }
      call.arm(deadline, signal);
    });
  }

  async #openStream(req: StreamRequest): Promise<StreamResponse> {
    const call = new StreamCall(this.#port, req);
    await call.start();
    return { stream: true, message: call.responses };
  }

  #onClosed(err: Error | undefined): void {
    const error =
      this.#closing ?? new TtrpcError(err ? `ttrpc: closed: ${err.message}` : "ttrpc: closed", Code.Unavailable, { cause: err });
    this.#closedError = error;
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const c of calls) c.fail(error);
    for (const l of this.#closeListeners) {
      try {
        l(error);
      } catch {
        // A listener's failure must not stop the others.
      }
    }
    this.#closeListeners.clear();
  }
}

async function* single<T>(value: T): AsyncIterable<T> {
  yield value;
}
