import type { MethodDef } from "../method.js";
import { oversizeError, type TtrpcError, unmarshalError } from "../ttrpc-error.js";
import { FrameFlag } from "../wire/frame.js";
import { CallTimer } from "./call-timer.js";
import { decodeCostCheck } from "./decode-cost.js";
import { MessageQueue } from "./message-queue.js";
import { type ReadGate, StallGuard } from "./stall-guard.js";

/**
 * What a stream needs from its connection, on either side: the only way a
 * call reaches its connection besides the side's own frames (the client's
 * Request, the server's Response).
 */
export interface StreamPort extends ReadGate {
  /** Largest message sent or accepted, in bytes. */
  readonly maxMessageSize: number;
  /** Messages a stream's inbound queue holds before reading from the socket pauses. */
  readonly streamBufferSize: number;
  /** Bytes a stream's inbound queue holds before reading from the socket pauses. */
  readonly streamBufferBytes: number;
  /** Most decode work for one received message, in elements. */
  readonly maxDecodeCost: number;
  /** How long an inbound queue may stay full (its reader taking nothing) before the stream fails. */
  readonly streamBufferTimeoutMs: number;
  /** Writes one Data frame; false means wait for {@link whenWritable} before the next. */
  sendData(id: number, flags: number, payload: Uint8Array): boolean;
  /** Whether the socket's write buffer is over its mark (for any stream). */
  readonly writeBlocked: boolean;
  /** Received bytes entering (> 0) or leaving (< 0) a stream's queue: the connection's receive budget. */
  account(bytes: number): void;
  /** Resolves when the socket takes writes again (or has closed). */
  whenWritable(): Promise<void>;
}

/** What differs between the two sides' use of a {@link StreamCore}. */
export interface StreamRules {
  /** Whether messages arrive on this stream; then it has an {@link StreamCore.inbound} queue. */
  readonly receives: boolean;
  /** The error a stream fails with when its reader takes nothing from a full queue for too long (made only then). */
  stallError(): TtrpcError;
  /** Ends the call for a local reason: the stall above, the deadline, the signal. */
  fail(error: TtrpcError): void;
  /** Whether a full queue should pause reading now (default: yes). */
  holdWhenFull?(): boolean;
  /** The reader stopped reading (`return()` on the iterator). */
  cancelled?(): void;
}

const CLOSE = FrameFlag.RemoteClosed | FrameFlag.NoData;
const EMPTY = new Uint8Array(0);

/**
 * The machinery of one streaming call, shared by the client and the server:
 * the inbound queue and its stall guard, the send loop with write
 * back-pressure, the half-close, and the deadline/abort timer. Each side
 * keeps its own rules (which frames are allowed, what an error sends).
 */
export class StreamCore {
  /** The stream id, once the call is open. */
  id = 0;
  /** Received messages, when the stream receives any. */
  readonly inbound: MessageQueue<unknown> | undefined;
  readonly #port: StreamPort;
  readonly #guard: StallGuard | undefined;
  #timer: CallTimer | undefined;
  #sendClosed = false;

  constructor(port: StreamPort, rules: StreamRules) {
    this.#port = port;
    if (!rules.receives) return;
    const guard = new StallGuard(port, port.streamBufferTimeoutMs, () => {
      const error = rules.stallError();
      this.inbound?.abort(error);
      rules.fail(error);
    });
    this.#guard = guard;
    this.inbound = new MessageQueue(
      port.streamBufferSize,
      {
        full: () => {
          if (rules.holdWhenFull?.() ?? true) guard.full();
        },
        room: () => guard.clear(),
        progress: () => guard.progress(),
        cancel: () => rules.cancelled?.(),
        bytes: (delta) => port.account(delta),
      },
      port.streamBufferBytes,
    );
  }

  /** Whether our side has half-closed (or never sends Data). */
  get sendClosed(): boolean {
    return this.#sendClosed;
  }

  /** Starts the deadline and signal watch; `expire` gets the error to end the call with. */
  arm(deadline: number | undefined, signal: AbortSignal | undefined, expire: (error: TtrpcError) => void): void {
    if (deadline !== undefined || signal !== undefined) this.#timer = new CallTimer(deadline, signal, expire);
  }

  /**
   * Decodes one received message (the `side` of `method`) into the inbound
   * queue, after the decode-cost check; returns the error instead of throwing.
   */
  receive(payload: Uint8Array, method: MethodDef, side: "input" | "output"): TtrpcError | undefined {
    const tooCostly = decodeCostCheck(method, side, payload, this.#port.maxDecodeCost);
    if (tooCostly) return tooCostly;
    const decode = side === "input" ? method.decodeInput : method.decodeOutput;
    let message: unknown;
    try {
      message = decode(payload);
    } catch (e) {
      return unmarshalError("payload", e);
    }
    this.inbound?.push(message, payload.length);
    return undefined;
  }

  /** The peer half-closed: nothing more arrives, so nothing is left to hold reading for. */
  endInbound(): void {
    this.inbound?.end();
    this.#guard?.clear();
  }

  /**
   * Sends every message of `messages` as a Data frame, waiting out write
   * back-pressure, until the iterable ends (true) or `stopped()` (false).
   * Throws what the iterable, `encode` or the size check throws; the caller
   * decides what that means for the call.
   */
  async send(messages: AsyncIterable<unknown>, encode: (message: unknown) => Uint8Array, stopped: () => boolean): Promise<boolean> {
    const port = this.#port;
    const max = port.maxMessageSize;
    const it = messages[Symbol.asyncIterator]();
    let exhausted = false;
    try {
      for (;;) {
        // While the socket's buffer is over its mark (this stream's last
        // message or another stream's), the producer is not even asked for
        // the next message.
        while (port.writeBlocked) {
          await port.whenWritable();
          if (stopped()) return false;
        }
        const r = await it.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        if (stopped() || this.#sendClosed) break;
        // Streams started in one turn all found room and asked for a
        // message; the first one written may have filled the socket. The
        // others wait here, before encoding (a copy) and queueing theirs.
        while (port.writeBlocked) {
          await port.whenWritable();
          if (stopped()) return false;
        }
        const bytes = encode(r.value);
        if (bytes.length > max) throw oversizeError(bytes.length, max);
        // False also when the socket is going away: waiting for its close
        // (not spinning on a producer that never ends) lets the call stop.
        if (!port.sendData(this.id, 0, bytes)) await port.whenWritable();
      }
    } finally {
      // Stop a producer that is still running (we failed or were stopped).
      if (!exhausted) Promise.resolve(it.return?.()).catch(() => {});
    }
    return exhausted;
  }

  /** Marks our side closed without a frame (the one request travelled in the Request). */
  markSendClosed(): void {
    this.#sendClosed = true;
  }

  /** Half-closes our side with a separate zero-length Data(0x05), as Go does; once. */
  closeSend(): void {
    if (this.#sendClosed) return;
    this.#sendClosed = true;
    this.#port.sendData(this.id, CLOSE, EMPTY);
  }

  /** The call is over: stop the timer and the stall guard. */
  stop(): void {
    this.#timer?.stop();
    this.#guard?.clear();
  }

  /**
   * The server's call is over: what its handler has not read yet no longer
   * counts against the connection (nothing more can arrive on the stream).
   */
  detachInbound(): void {
    this.inbound?.detach();
  }
}
