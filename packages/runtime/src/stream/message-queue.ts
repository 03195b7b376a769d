/** Callbacks a {@link MessageQueue} uses for flow control. */
export interface QueueHooks {
  /** The queue reached its high-water mark. */
  full?(): void;
  /**
   * A full queue was read from and has room again. With `full`, this lets
   * the owner time how long the consumer makes no progress at all.
   */
  room?(): void;
  /** A message was read while the queue was still at or over its mark. */
  progress?(): void;
  /** The consumer stopped reading (`return()` or `throw()` on the iterator). */
  cancel?(): void;
  /** The bytes held changed by `delta` (a connection-wide receive budget counts them). */
  bytes?(delta: number): void;
}

/**
 * A single-consumer async queue of received messages for one stream. Messages
 * queued before an error are still delivered, then the error is thrown
 * (matching Go, which delivers pending messages before reporting).
 *
 * It counts what it holds both in messages and in bytes (the size of each
 * message as received), so a limit in bytes, or a connection-wide read
 * budget, can be applied where `full` is decided.
 */
export class MessageQueue<T> implements AsyncIterableIterator<T> {
  // Messages live in items[head, tail); the arrays are reused once drained
  // rather than replaced, so a consumer that keeps up allocates no arrays.
  #items: T[] = [];
  #sizes: number[] = [];
  #bytes = 0;
  #head = 0;
  #tail = 0;
  #waiter: { resolve(r: IteratorResult<T>): void; reject(e: unknown): void } | undefined;
  #done = false;
  #error: unknown;
  #hasError = false;
  #full = false;
  #cancelled = false;
  #detached = false;
  readonly #hwm: number;
  readonly #hwmBytes: number;
  readonly #hooks: QueueHooks;

  /**
   * Full at `highWaterMark` messages or `highWaterMarkBytes` bytes,
   * whichever comes first (a single message over the byte mark still fits).
   */
  constructor(highWaterMark: number, hooks: QueueHooks = {}, highWaterMarkBytes = Number.POSITIVE_INFINITY) {
    this.#hwm = Math.max(1, highWaterMark);
    this.#hwmBytes = highWaterMarkBytes;
    this.#hooks = hooks;
  }

  /** Messages waiting to be read. */
  get length(): number {
    return this.#tail - this.#head;
  }

  /** Bytes of the messages waiting to be read, as received. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether `end` or `fail` was called. */
  get closed(): boolean {
    return this.#done || this.#hasError;
  }

  /** Whether the consumer gave up. */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Adds a message of `size` bytes (as received); ignored after end, fail or cancel. */
  push(value: T, size = 0): void {
    if (this.#done || this.#hasError || this.#cancelled) return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w.resolve({ value, done: false });
      return;
    }
    this.#items[this.#tail] = value;
    this.#sizes[this.#tail] = size;
    this.#tail++;
    this.#bytes += size;
    if (size > 0 && !this.#detached) this.#hooks.bytes?.(size);
    if (!this.#full && this.#overMark()) {
      this.#full = true;
      this.#hooks.full?.();
    }
  }

  /**
   * Stops reporting bytes: what is queued is given back at once (through
   * the `bytes` hook) and later reads report nothing. For a queue whose
   * stream is over but whose reader may still read it.
   */
  detach(): void {
    if (this.#detached) return;
    if (this.#bytes > 0) this.#hooks.bytes?.(-this.#bytes);
    this.#detached = true;
  }

  /** No more messages: the iterator finishes after the queued ones. */
  end(): void {
    if (this.#done || this.#hasError) return;
    this.#done = true;
    this.#settleWaiter();
  }

  /** Ends with an error, thrown after the queued messages. */
  fail(error: unknown): void {
    if (this.#done || this.#hasError) return;
    this.#hasError = true;
    this.#error = error;
    this.#settleWaiter();
  }

  /** Drops queued messages and ends with an error at once. */
  abort(error: unknown): void {
    this.#clear();
    this.#done = false;
    this.#hasError = false;
    this.fail(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#tail) {
      const value = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined as T;
      const size = this.#sizes[this.#head] as number;
      this.#bytes -= size;
      this.#head++;
      if (size > 0 && !this.#detached) this.#hooks.bytes?.(-size);
      if (this.#head === this.#tail) {
        this.#head = 0;
        this.#tail = 0;
      } else if (this.#head > 1024 && this.#head * 2 > this.#tail) {
        // Mostly read: move the rest to the front (and let the arrays shrink).
        this.#items = this.#items.slice(this.#head, this.#tail);
        this.#sizes = this.#sizes.slice(this.#head, this.#tail);
        this.#tail -= this.#head;
        this.#head = 0;
      }
      if (this.#full) {
        if (!this.#overMark()) {
          this.#full = false;
          this.#hooks.room?.();
        } else {
          this.#hooks.progress?.();
        }
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#hasError) return Promise.reject(this.#error);
    if (this.#done || this.#cancelled) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) return Promise.reject(new Error("MessageQueue: concurrent next() calls"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#cancel();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.#cancel();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#clear();
    if (this.#full) {
      this.#full = false;
      this.#hooks.room?.();
    }
    this.#settleWaiter();
    if (!this.#done && !this.#hasError) this.#hooks.cancel?.();
  }

  /** Whether the queue holds as much as it may before reading should pause. */
  #overMark(): boolean {
    return this.length >= this.#hwm || this.#bytes >= this.#hwmBytes;
  }

  #clear(): void {
    if (this.#bytes > 0 && !this.#detached) this.#hooks.bytes?.(-this.#bytes);
    this.#items = [];
    this.#sizes = [];
    this.#bytes = 0;
    this.#head = 0;
    this.#tail = 0;
  }

  #settleWaiter(): void {
    const w = this.#waiter;
    if (!w) return;
    this.#waiter = undefined;
    if (this.#hasError) w.reject(this.#error);
    else w.resolve({ value: undefined, done: true });
  }
}
