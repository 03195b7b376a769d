import type { Duplex } from "node:stream";
import { encodeFrameHeader, FRAME_HEADER_LENGTH, type Frame } from "./frame.js";
import { FrameParser } from "./frame-parser.js";
import { varintSize } from "./wire-envelope.js";

/** What a {@link Channel} reports to its owner (client or server connection). */
export interface ChannelHandler {
  frame(frame: Frame): void;
  oversize(streamId: number, type: number, flags: number, length: number): void;
  /** The socket closed; `error` is set when it closed because of an error. */
  closed(error: Error | undefined): void;
}

// Payloads up to this size are copied next to their header (one small
// buffer); larger ones go as a second corked write to avoid the copy.
const COPY_LIMIT = 16 * 1024;

/**
 * A framed, duplex byte stream: parses incoming frames, writes outgoing
 * frames whole, batches the writes of one tick into one syscall, exposes
 * write back-pressure, and can stop reading while a stream's buffer is full.
 */
export class Channel {
  readonly socket: Duplex;
  readonly #parser: FrameParser;
  readonly #handler: ChannelHandler;
  #corked = false;
  #closed = false;
  #error: Error | undefined;
  readonly #holds = new Set<object>();
  #drainWaiters: Array<() => void> = [];

  constructor(socket: Duplex, maxMessageSize: number, handler: ChannelHandler) {
    this.socket = socket;
    this.#handler = handler;
    this.#parser = new FrameParser(maxMessageSize, handler);
    socket.on("data", (chunk: Buffer) => this.#parser.push(chunk));
    socket.on("error", (err: Error) => {
      this.#error ??= err;
    });
    socket.on("end", () => socket.destroy());
    socket.on("close", () => this.#onClose());
    socket.on("drain", () => this.#wakeDrain());
    if (socket.destroyed) queueMicrotask(() => this.#onClose());
  }

  /** Whether the socket has closed (or is closing). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes of a partial frame the parser holds. */
  get pendingBytes(): number {
    return this.#parser.pendingBytes;
  }

  /** Whether the parser sits between frames. */
  get idle(): boolean {
    return this.#parser.idle;
  }

  /**
   * Writes one frame. Returns false when the socket's buffer is over its
   * high-water mark (wait for {@link drain} before writing more stream data),
   * or when the channel is closed (the frame is dropped).
   */
  write(streamId: number, type: number, flags: number, payload: Uint8Array): boolean {
    if (this.#closed || this.socket.writableEnded || this.socket.destroyed) return false;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      process.nextTick(() => this.#uncork());
    }
    const len = payload.length;
    if (len <= COPY_LIMIT) {
      const b = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + len);
      b.writeUInt32BE(len, 0);
      b.writeUInt32BE(streamId, 4);
      b[8] = type;
      b[9] = flags;
      if (len > 0) b.set(payload, FRAME_HEADER_LENGTH);
      return this.socket.write(b);
    }
    // Corked: the header and the payload leave in the same writev.
    this.socket.write(encodeFrameHeader(len, streamId, type, flags));
    return this.socket.write(payload);
  }

  /**
   * Writes one frame whose payload is `parts` back to back (`length` bytes).
   * Small frames are joined into one buffer; large payload pieces are
   * written as they are, corked with the header, so they are never copied.
   */
  writeParts(streamId: number, type: number, flags: number, parts: readonly Uint8Array[], length: number): boolean {
    if (parts.length === 1) return this.write(streamId, type, flags, parts[0] as Uint8Array);
    if (this.#closed || this.socket.writableEnded || this.socket.destroyed) return false;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      process.nextTick(() => this.#uncork());
    }
    if (length <= COPY_LIMIT) {
      const b = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + length);
      b.writeUInt32BE(length, 0);
      b.writeUInt32BE(streamId, 4);
      b[8] = type;
      b[9] = flags;
      let at = FRAME_HEADER_LENGTH;
      for (const p of parts) {
        b.set(p, at);
        at += p.length;
      }
      return this.socket.write(b);
    }
    let ok = this.socket.write(encodeFrameHeader(length, streamId, type, flags));
    for (const p of parts) if (p.length > 0) ok = this.socket.write(p);
    return ok;
  }

  /**
   * Writes a frame whose payload is `pre` followed by one length-delimited
   * protobuf field (`tag`, `body`'s length as a varint, `body`; left out when
   * `body` is empty): a Request (pre = the method's cached service and method
   * fields, tag 3) or an OK Response (pre empty, tag 2), built straight into
   * the frame with one copy of `body`, or none past the copy limit.
   */
  writeField(streamId: number, type: number, flags: number, pre: Uint8Array, tag: number, body: Uint8Array): boolean {
    if (this.#closed || this.socket.writableEnded || this.socket.destroyed) return false;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      process.nextTick(() => this.#uncork());
    }
    const n = body.length;
    const fieldHead = n === 0 ? 0 : 1 + varintSize(n);
    const length = pre.length + fieldHead + n;
    const inline = length <= COPY_LIMIT;
    const b = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + pre.length + fieldHead + (inline ? n : 0));
    b.writeUInt32BE(length, 0);
    b.writeUInt32BE(streamId, 4);
    b[8] = type;
    b[9] = flags;
    let at = FRAME_HEADER_LENGTH;
    if (pre.length > 0) {
      b.set(pre, at);
      at += pre.length;
    }
    if (n === 0) return this.socket.write(b);
    b[at++] = tag;
    let v = n;
    while (v > 0x7f) {
      b[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[at++] = v;
    if (inline) {
      b.set(body, at);
      return this.socket.write(b);
    }
    // Corked: the head and the body leave in the same writev.
    this.socket.write(b);
    return this.socket.write(body);
  }

  /** Resolves when the socket's write buffer has drained, or the channel closed. */
  drain(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const s = this.socket;
    // Destroyed or ended but not closed yet: wait for 'close' (which wakes
    // every waiter). Resolving at once would let a writer that loops on
    // write()/drain() spin in microtasks, and 'close' would never come.
    if (!s.destroyed && !s.writableEnded && !s.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Whether writes are currently over the high-water mark. */
  get needDrain(): boolean {
    return !this.#closed && this.socket.writableNeedDrain;
  }

  /** Stops reading from the socket until every holder has released. */
  hold(key: object): void {
    this.#holds.add(key);
    if (this.#holds.size === 1) this.socket.pause();
  }

  /** Releases a {@link hold}. */
  release(key: object): void {
    if (this.#holds.delete(key) && this.#holds.size === 0 && !this.#closed) this.socket.resume();
  }

  /** Flushes what is queued, then closes the socket. */
  end(): void {
    if (this.#closed) return;
    this.#uncork();
    this.socket.end();
    // A peer that never reads must not keep the socket alive.
    const t = setTimeout(() => this.socket.destroy(), 1000);
    t.unref();
  }

  /** Closes the socket at once; queued writes are lost. */
  destroy(error?: Error): void {
    if (error) this.#error ??= error;
    this.socket.destroy();
  }

  #uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.socket.uncork();
  }

  #wakeDrain(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#holds.clear();
    this.#wakeDrain();
    this.#handler.closed(this.#error);
  }
}

export type { Frame };
