import { Code } from "../code.js";
import { isPast } from "../deadline.js";
import type { StreamRequest } from "../interceptor.js";
import { decodeCostCheck } from "../stream/decode-cost.js";
import type { MessageQueue } from "../stream/message-queue.js";
import { StreamCore } from "../stream/stream-core.js";
import { abortError, deadlineError, protocolError, TtrpcError, unmarshalError } from "../ttrpc-error.js";
import { decodeResponseFast, okResponsePayload } from "../wire/envelope.js";
import { FrameFlag, FrameType } from "../wire/frame.js";
import type { CallState, ClientPort } from "./client-port.js";

/**
 * The client side of one streaming call (server, client or bidi): the
 * client's rules on top of the shared {@link StreamCore}. Incoming messages
 * go to the queue the caller iterates; outgoing ones are sent from the
 * caller's iterable.
 */
export class StreamCall implements CallState {
  readonly #port: ClientPort;
  readonly #req: StreamRequest;
  readonly #core: StreamCore;
  readonly #clientStreams: boolean;
  readonly #serverStreams: boolean;
  #finished = false;

  constructor(port: ClientPort, req: StreamRequest) {
    this.#port = port;
    this.#req = req;
    const kind = req.method.kind;
    this.#clientStreams = kind === "client_streaming" || kind === "bidi_streaming";
    this.#serverStreams = kind === "server_streaming" || kind === "bidi_streaming";
    this.#core = new StreamCore(port, {
      receives: true,
      stallError: () => new TtrpcError("ttrpc: stream buffer full", Code.ResourceExhausted),
      fail: (error) => this.#failLocally(error),
      cancelled: () => this.#cancelLocally(),
    });
  }

  /** What the caller iterates: the responses. */
  get responses(): MessageQueue<unknown> {
    return this.#core.inbound as MessageQueue<unknown>;
  }

  /** Sends the Request frame (and, for client streams, starts sending the requests). */
  async start(): Promise<void> {
    const req = this.#req;
    const signal = req.signal;
    if (signal?.aborted) throw abortError(signal);
    if (isPast(req.deadline)) throw deadlineError();
    let payload: Uint8Array | undefined;
    let flags: number;
    if (this.#clientStreams) {
      flags = this.#port.streamOpenFlags;
    } else {
      // Server-streaming: the single request travels in the Request frame.
      flags = FrameFlag.RemoteClosed;
      const it = req.message[Symbol.asyncIterator]();
      const first = await it.next();
      await it.return?.();
      if (first.done) throw new TtrpcError("server-streaming call needs exactly one request", Code.InvalidArgument);
      try {
        payload = req.method.encodeInput(first.value);
      } catch (e) {
        throw TtrpcError.from(e, Code.InvalidArgument);
      }
      this.#core.markSendClosed();
    }
    this.#core.id = this.#port.open(req.method, flags, payload, req.metadata, req.deadline, this);
    this.#core.arm(req.deadline, signal, (e) => this.#failLocally(e));
    if (this.#clientStreams) void this.#sendRequests(req.message);
  }

  frame(type: number, flags: number, payload: Uint8Array): void {
    // The deadline timer may run late on a busy event loop; what arrives
    // after the deadline does not count.
    if (isPast(this.#req.deadline)) {
      this.#failLocally(deadlineError());
      return;
    }
    if (type === FrameType.Data) {
      if (!this.#serverStreams) {
        this.#fail(protocolError("received data from non-streaming server"));
        return;
      }
      if ((flags & FrameFlag.NoData) === 0) {
        const error = this.#core.receive(payload, this.#req.method, "output");
        if (error) {
          this.#fail(error);
          return;
        }
      }
      if ((flags & FrameFlag.RemoteClosed) !== 0) this.#complete();
      return;
    }
    if (type === FrameType.Response) {
      let error: TtrpcError | undefined;
      try {
        let out = okResponsePayload(payload);
        if (out === undefined) {
          const res = decodeResponseFast(payload);
          if (res.status && res.status.code !== Code.OK) error = TtrpcError.fromStatus(res.status);
          out = res.payload;
        }
        if (!error && !this.#serverStreams) {
          const method = this.#req.method;
          error = decodeCostCheck(method, "output", out, this.#port.maxDecodeCost);
          if (!error) this.responses.push(method.decodeOutput(out), out.length);
        }
      } catch (e) {
        error = unmarshalError("response", e);
      }
      if (error) this.#fail(error);
      else this.#complete();
      return;
    }
    this.#fail(protocolError(`unexpected "${type === FrameType.Request ? "request" : "unknown"}" message received`));
  }

  /** Connection-level failure (closed, oversize frame). */
  fail(error: TtrpcError): void {
    this.#fail(error);
  }

  async #sendRequests(input: AsyncIterable<unknown>): Promise<void> {
    const method = this.#req.method;
    const encode = (message: unknown): Uint8Array => {
      try {
        return method.encodeInput(message);
      } catch (e) {
        throw TtrpcError.from(e, Code.InvalidArgument);
      }
    };
    try {
      await this.#core.send(input, encode, () => this.#finished);
    } catch (e) {
      // A bad request, or the caller's iterable threw: the call fails with it.
      this.#failLocally(TtrpcError.from(e, Code.Canceled));
    }
    // No close for a stream the server has already ended.
    if (!this.#finished) this.#core.closeSend();
  }

  /** The caller stopped reading: forget the stream, half-close if we stream. */
  #cancelLocally(): void {
    if (this.#finished) return;
    this.#stop();
    if (this.#clientStreams && this.#core.id !== 0) this.#core.closeSend();
  }

  /** A local reason to stop (deadline, abort, stall, bad request): fail and half-close. */
  #failLocally(error: TtrpcError): void {
    if (this.#finished) return;
    this.#fail(error);
    if (this.#clientStreams && this.#core.id !== 0) this.#core.closeSend();
  }

  #complete(): void {
    if (this.#finished) return;
    this.#stop();
    this.responses.end();
  }

  #fail(error: TtrpcError): void {
    if (this.#finished) return;
    this.#stop();
    this.responses.fail(error);
  }

  #stop(): void {
    this.#finished = true;
    this.#port.forget(this.#core.id);
    this.#core.stop();
  }
}
