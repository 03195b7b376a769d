import { abortError, deadlineError } from "./call-options.js";
import type { CallState, Client } from "./client.js";
import { Code } from "./code.js";
import { errorText, oversizeError, protocolError } from "./errors.js";
import { FrameFlag, FrameType } from "./frame.js";
import type { StreamRequest } from "./interceptor.js";
import { MessageQueue } from "./message-queue.js";
import { StallGuard } from "./stall-guard.js";
import { TtrpcError } from "./ttrpc-error.js";
import { decodeResponseFast } from "./wire-envelope.js";

const EMPTY = new Uint8Array(0);
const CLOSE = FrameFlag.RemoteClosed | FrameFlag.NoData;

/**
 * The client side of one streaming call (server, client or bidi). Incoming
 * messages go to a bounded queue the caller iterates; outgoing ones are
 * pumped from the caller's iterable, honouring socket back-pressure.
 */
export class StreamCall implements CallState {
  readonly queue: MessageQueue<unknown>;
  readonly #client: Client;
  readonly #req: StreamRequest;
  readonly #clientStreams: boolean;
  readonly #serverStreams: boolean;
  #id = 0;
  #finished = false;
  #localClosed = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #stall: StallGuard;
  #onAbort: (() => void) | undefined;

  constructor(client: Client, req: StreamRequest) {
    this.#client = client;
    this.#req = req;
    const kind = req.method.kind;
    this.#clientStreams = kind === "client_streaming" || kind === "bidi_streaming";
    this.#serverStreams = kind === "server_streaming" || kind === "bidi_streaming";
    this.#stall = new StallGuard(client, client.streamBufferTimeoutMs, () => {
      const error = new TtrpcError("ttrpc: stream buffer full", Code.ResourceExhausted);
      this.queue.abort(error);
      this.#failLocally(error);
    });
    this.queue = new MessageQueue(client.streamBufferSize, {
      full: () => this.#stall.full(),
      drained: () => this.#stall.drained(),
      progress: () => this.#stall.progress(),
      cancel: () => this.#cancelLocally(),
    });
  }

  /** Sends the Request frame (and, for client streams, starts the pump). */
  async start(): Promise<void> {
    const req = this.#req;
    const signal = req.signal;
    if (signal?.aborted) throw abortError(signal);
    if (req.deadline !== undefined && req.deadline <= Date.now()) throw deadlineError();
    let payload: Uint8Array | undefined;
    let flags: number;
    if (this.#clientStreams) {
      flags = this.#client.streamOpenFlags;
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
      this.#localClosed = true;
    }
    this.#id = this.#client.open(req.method, flags, payload, req.metadata, req.deadline, this);
    if (req.deadline !== undefined) {
      this.#timer = setTimeout(() => this.#failLocally(deadlineError()), Math.max(0, req.deadline - Date.now()));
    }
    if (signal) {
      this.#onAbort = () => this.#failLocally(abortError(signal));
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
    if (this.#clientStreams) void this.#pump(req.message);
  }

  frame(type: number, flags: number, payload: Uint8Array): void {
    // The deadline timer may run late on a busy event loop; what arrives
    // after the deadline does not count.
    const deadline = this.#req.deadline;
    if (deadline !== undefined && Date.now() >= deadline) {
      this.#failLocally(deadlineError());
      return;
    }
    if (type === FrameType.Data) {
      if (!this.#serverStreams) {
        this.#fail(protocolError("received data from non-streaming server"));
        return;
      }
      if ((flags & FrameFlag.NoData) === 0) {
        let message: unknown;
        try {
          message = this.#req.method.decodeOutput(payload);
        } catch (e) {
          this.#fail(new TtrpcError(`ttrpc: error unmarshalling payload: ${errorText(e)}`, Code.Internal, { cause: e }));
          return;
        }
        this.queue.push(message);
      }
      if ((flags & FrameFlag.RemoteClosed) !== 0) this.#complete();
      return;
    }
    if (type === FrameType.Response) {
      let error: TtrpcError | undefined;
      try {
        const res = decodeResponseFast(payload);
        if (res.status && res.status.code !== Code.OK) error = TtrpcError.fromStatus(res.status);
        else if (!this.#serverStreams) this.queue.push(this.#req.method.decodeOutput(res.payload));
      } catch (e) {
        error = new TtrpcError(`ttrpc: error unmarshalling response: ${errorText(e)}`, Code.Internal, { cause: e });
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

  async #pump(input: AsyncIterable<unknown>): Promise<void> {
    const method = this.#req.method;
    const max = this.#client.maxMessageSize;
    try {
      for await (const message of input) {
        if (this.#finished || this.#localClosed) break;
        let bytes: Uint8Array;
        try {
          bytes = method.encodeInput(message);
        } catch (e) {
          this.#failLocally(TtrpcError.from(e, Code.InvalidArgument));
          break;
        }
        if (bytes.length > max) {
          this.#failLocally(oversizeError(bytes.length, max));
          break;
        }
        if (!this.#client.sendData(this.#id, 0, bytes)) await this.#client.drain();
      }
    } catch (e) {
      // The caller's request iterable threw: the call fails with its error.
      this.#failLocally(TtrpcError.from(e, Code.Canceled));
    }
    // No close for a stream the server has already ended.
    if (!this.#finished) this.#closeSend();
  }

  /** Half-closes our side with a separate zero-length Data(0x05), as Go does. */
  #closeSend(): void {
    if (this.#localClosed) return;
    this.#localClosed = true;
    this.#client.sendData(this.#id, CLOSE, EMPTY);
  }

  /** The caller stopped reading: forget the stream, half-close if we stream. */
  #cancelLocally(): void {
    if (this.#finished) return;
    this.#cleanup();
    if (this.#clientStreams && this.#id !== 0) this.#closeSend();
  }

  /** A local reason to stop (deadline, abort, bad request): fail and half-close. */
  #failLocally(error: TtrpcError): void {
    if (this.#finished) return;
    this.#fail(error);
    if (this.#clientStreams && this.#id !== 0) this.#closeSend();
  }

  #complete(): void {
    if (this.#finished) return;
    this.#cleanup();
    this.queue.end();
  }

  #fail(error: TtrpcError): void {
    if (this.#finished) return;
    this.#cleanup();
    this.queue.fail(error);
  }

  #cleanup(): void {
    this.#finished = true;
    this.#client.forget(this.#id);
    if (this.#timer) clearTimeout(this.#timer);
    this.#stall.drained();
    if (this.#onAbort) this.#req.signal?.removeEventListener("abort", this.#onAbort);
  }
}
