import type { Duplex } from "node:stream";
import { FRAME_HEADER_LENGTH, writeFrameHeader } from "./frame.js";
import { FrameParser, type FrameSink } from "./frame-parser.js";
import { varintSize, writeVarint } from "./varint.js";

/** What a {@link Channel} reports to its owner (client or server connection). */
export interface ChannelHandler extends FrameSink {
  /** The socket closed; `error` is set when it closed because of an error. */
  closed(error: Error | undefined): void;
}

const EMPTY = new Uint8Array(0);
// The key of the read hold taken when the receive budget is spent.
const BUDGET_HOLD = {};

// Payloads up to this size are copied next to their header, into the
// tick's batch; larger ones go as separate corked writes to avoid the copy.
const COPY_LIMIT = 16 * 1024;
// The batch buffers that the small frames of one tick are copied into: a
// socket write per batch instead of one per frame (a write on a Node socket
// costs about 0.6 µs, a copy of a small frame far less). The first batch of
// a tick is small and each next one twice as big, up to BATCH_SIZE: the
// first frames reach the peer while the rest are still being made, so both
// ends work at once (64 calls in flight: about 1.4× the calls per second of
// one 16 KiB batch per tick), and a long run of frames still goes out in
// few writes.
const FIRST_BATCH_SIZE = 2 * 1024;
const BATCH_SIZE = 16 * 1024;
// Frames or bytes written in one event-loop turn before writers are asked
// to wait for the next (see writeBlocked): a peer that reads as fast as we
// write never fills the socket, and a long stream would otherwise run on
// microtasks alone and hold the event loop from every other connection.
// 1024 small messages are a few milliseconds of work.
const TURN_FRAMES = 1024;
const TURN_BYTES = 256 * 1024;

/**
 * A framed, duplex byte stream: parses incoming frames, writes outgoing
 * frames whole, batches the small frames of one tick into one write, exposes
 * write back-pressure, and can stop reading while a stream's buffer is full.
 */
export class Channel {
  readonly socket: Duplex;
  readonly #parser: FrameParser;
  readonly #handler: ChannelHandler;
  // The small frames written this tick: `#single` while there is one,
  // then `#batch` (its first `#batchUsed` bytes); written out on the next
  // tick, when the batch is full, before a large frame, or when a writer
  // has to wait (see whenWritable).
  #single: Buffer | undefined;
  #batch: Buffer | undefined;
  #batchUsed = 0;
  // The size of the next batch buffer; back to the first size each tick.
  #batchSize = FIRST_BATCH_SIZE;
  #flushQueued = false;
  readonly #flushNow = (): void => {
    this.#batchSize = FIRST_BATCH_SIZE;
    this.#flush();
  };
  #turnBytes = 0;
  #turnFrames = 0;
  #turnWaiters: Array<() => void> = [];
  readonly #nextTurn = (): void => {
    this.#turnBytes = 0;
    this.#turnFrames = 0;
    this.#wake("turn");
  };
  #closed = false;
  #error: Error | undefined;
  readonly #holds = new Set<object>();
  #writableWaiters: Array<() => void> = [];
  readonly #budget: number;
  #buffered = 0;
  #resumeQueued = false;

  /**
   * `receiveBudget`: bytes of received messages the owner may hold unread
   * (see {@link account}) before reading stops.
   */
  constructor(socket: Duplex, maxMessageSize: number, handler: ChannelHandler, receiveBudget = Number.POSITIVE_INFINITY) {
    this.socket = socket;
    this.#handler = handler;
    this.#budget = receiveBudget;
    this.#parser = new FrameParser(maxMessageSize, handler);
    socket.on("data", (chunk: Buffer) => this.#parser.push(chunk));
    socket.on("error", (err: Error) => {
      this.#error ??= err;
    });
    socket.on("end", () => socket.destroy());
    socket.on("close", () => this.#onClose());
    socket.on("drain", () => this.#wake("drain"));
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
   * Writes one frame, the only way anything is written. Its payload is
   * `head`, then `body`, then `tail`; with a `tag`, `body` goes as that
   * length-delimited protobuf field (tag byte, varint length, bytes; left
   * out when empty), so a Request or an OK Response is built straight into
   * the frame from its cached head and the message bytes. Small frames are
   * copied into the tick's batch (one socket write per tick); past the copy
   * limit `body` is written as it is, corked with the rest, never copied.
   *
   * Returns false when the socket's buffer (with the batch) is over its
   * high-water mark or this event-loop turn has written its share (wait
   * for {@link whenWritable} before writing more stream data), or when the
   * channel is closed (the frame is dropped).
   */
  write(
    streamId: number,
    type: number,
    flags: number,
    body: Uint8Array,
    tag = 0,
    head: Uint8Array = EMPTY,
    tail: Uint8Array = EMPTY,
  ): boolean {
    if (this.#closed || this.socket.writableEnded || this.socket.destroyed) return false;
    const n = body.length;
    const fieldHead = tag === 0 || n === 0 ? 0 : 1 + varintSize(n);
    const bodyBytes = tag !== 0 && n === 0 ? 0 : n;
    const length = head.length + fieldHead + bodyBytes + tail.length;
    if (this.#turnFrames++ === 0) setImmediate(this.#nextTurn);
    this.#turnBytes += FRAME_HEADER_LENGTH + length;
    if (length > COPY_LIMIT) {
      // Header (with head and field tag) copied; body and tail as they are;
      // corked with what is batched, so all leave in one writev, in order.
      const b = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + head.length + fieldHead);
      writeFrameStart(b, 0, length, streamId, type, flags, head, fieldHead > 0 ? tag : 0, n);
      const s = this.socket;
      s.cork();
      this.#flush();
      s.write(b);
      let ok = s.write(body);
      if (tail.length > 0) ok = s.write(tail);
      s.uncork();
      return ok && !this.#turnSpent();
    }
    const size = FRAME_HEADER_LENGTH + length;
    let b: Buffer;
    let at: number;
    if (this.#single === undefined && this.#batch === undefined) {
      b = Buffer.allocUnsafe(size);
      at = 0;
      this.#single = b;
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        process.nextTick(this.#flushNow);
      }
    } else {
      if (this.#batch === undefined) {
        const first = this.#single as Buffer;
        this.#batch = Buffer.allocUnsafe(Math.max(this.#batchSize, first.length + size));
        this.#batch.set(first, 0);
        this.#batchUsed = first.length;
        this.#single = undefined;
      } else if (this.#batchUsed + size > this.#batch.length) {
        this.socket.write(this.#batch.subarray(0, this.#batchUsed));
        this.#batchSize = Math.min(2 * this.#batchSize, BATCH_SIZE);
        this.#batch = Buffer.allocUnsafe(Math.max(this.#batchSize, size));
        this.#batchUsed = 0;
      }
      b = this.#batch;
      at = this.#batchUsed;
      this.#batchUsed += size;
    }
    at = writeFrameStart(b, at, length, streamId, type, flags, head, fieldHead > 0 ? tag : 0, n);
    if (bodyBytes > 0) b.set(body, at);
    if (tail.length > 0) b.set(tail, at + bodyBytes);
    return !this.#overMark();
  }

  /** Bytes batched but not yet given to the socket. */
  #pending(): number {
    return this.#single !== undefined ? this.#single.length : this.#batchUsed;
  }

  /** Whether writers should wait: the socket's buffer and the batch are at its mark, or this turn wrote its share. */
  #overMark(): boolean {
    return this.#socketOverMark() || this.#turnSpent();
  }

  /** Whether this event-loop turn has written its share. */
  #turnSpent(): boolean {
    return this.#turnFrames >= TURN_FRAMES || this.#turnBytes >= TURN_BYTES;
  }

  /** Whether the socket's buffer and the batch together are at its high-water mark. */
  #socketOverMark(): boolean {
    const s = this.socket;
    return s.writableNeedDrain || s.writableLength + this.#pending() >= s.writableHighWaterMark;
  }

  /** Writes out the batched small frames; returns the socket's answer (true when there was nothing). */
  #flush(): boolean {
    this.#flushQueued = false;
    let out: Buffer | undefined;
    if (this.#single !== undefined) {
      out = this.#single;
      this.#single = undefined;
    } else if (this.#batch !== undefined) {
      out = this.#batch.subarray(0, this.#batchUsed);
      this.#batch = undefined;
      this.#batchUsed = 0;
    }
    if (out === undefined || this.#closed || this.socket.destroyed) return true;
    return this.socket.write(out);
  }

  /**
   * Resolves when writers may go on: the socket's write buffer is below its
   * high-water mark and, if this turn already wrote its share, the event
   * loop has turned; or the channel closed.
   */
  whenWritable(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const s = this.socket;
    // Over the mark with frames still batched: hand them to the socket now,
    // so that its own back-pressure ('drain') says when to go on.
    if (this.#pending() > 0 && this.#socketOverMark()) this.#flush();
    // Destroyed or ended but not closed yet: wait for 'close' (which wakes
    // every waiter). Resolving at once would let a writer that loops on
    // write()/drain() spin in microtasks, and 'close' would never come.
    if (s.destroyed || s.writableEnded || s.writableNeedDrain) return new Promise((resolve) => this.#writableWaiters.push(resolve));
    if (this.#turnSpent()) return new Promise((resolve) => this.#turnWaiters.push(resolve));
    return Promise.resolve();
  }

  /** Whether writers should wait for {@link whenWritable}. */
  get writeBlocked(): boolean {
    return !this.#closed && this.#overMark();
  }

  /** Bytes of received messages held unread, as reported to {@link account}. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Counts received messages in (`bytes` > 0) and out (< 0) of the owner's
   * queues. At the receive budget reading stops, inside a chunk if need be,
   * until enough is read to go below it.
   */
  account(bytes: number): void {
    this.#buffered += bytes;
    if (this.#buffered >= this.#budget) this.hold(BUDGET_HOLD);
    else if (bytes < 0) this.release(BUDGET_HOLD);
  }

  /** Stops reading (the socket, and the parser after the frame at hand) until every holder has released. */
  hold(key: object): void {
    if (this.#holds.has(key)) return;
    this.#holds.add(key);
    if (this.#holds.size === 1) {
      this.#parser.pause();
      this.socket.pause();
    }
  }

  /** Releases a {@link hold}. */
  release(key: object): void {
    if (!this.#holds.delete(key) || this.#holds.size > 0 || this.#closed) return;
    if (!this.#parser.paused) {
      this.socket.resume();
      return;
    }
    // The rest of a paused chunk goes on from the event loop, never inside
    // the reader's call that released the hold. The socket stays paused
    // until that rest is consumed: chunks read meanwhile would only queue
    // behind it (10,000 calls in flight kept ~1 MiB queued that way).
    if (!this.#resumeQueued) {
      this.#resumeQueued = true;
      setImmediate(this.#resumeParser);
    }
  }

  readonly #resumeParser = (): void => {
    this.#resumeQueued = false;
    if (this.#holds.size > 0 || this.#closed) return;
    this.#parser.resume();
    // Reading again unless a frame of that rest took a new hold.
    if (this.#holds.size === 0 && !this.#closed) this.socket.resume();
  };

  /** Flushes what is queued, then closes the socket. */
  end(): void {
    if (this.#closed) return;
    this.#flush();
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

  #wake(which: "drain" | "turn"): void {
    const waiters = which === "drain" ? this.#writableWaiters : this.#turnWaiters;
    if (which === "drain") this.#writableWaiters = [];
    else this.#turnWaiters = [];
    for (const w of waiters) w();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#single = undefined;
    this.#batch = undefined;
    this.#holds.clear();
    this.#wake("drain");
    this.#wake("turn");
    this.#handler.closed(this.#error);
  }
}

/**
 * Writes a frame's header, then `head`, then (with a `tag`) the tag and
 * length `n` of the body's field into `b` at `at`; returns where the body goes.
 */
function writeFrameStart(
  b: Buffer,
  at: number,
  length: number,
  streamId: number,
  type: number,
  flags: number,
  head: Uint8Array,
  tag: number,
  n: number,
): number {
  writeFrameHeader(b, length, streamId, type, flags, at);
  at += FRAME_HEADER_LENGTH;
  if (head.length > 0) {
    b.set(head, at);
    at += head.length;
  }
  if (tag !== 0) {
    b[at++] = tag;
    at = writeVarint(b, at, n);
  }
  return at;
}
