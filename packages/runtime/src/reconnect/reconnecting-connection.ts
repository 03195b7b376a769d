import type { Duplex } from "node:stream";
import { resolveDeadline } from "../deadline.js";
// Through the main entry point, so that the published bundle shares its
// classes (TtrpcError, Connection) instead of carrying copies.
import { type CallOptions, Code, Connection, type ConnectionOptions, connect, TtrpcError } from "../index.js";
import type { MethodInput } from "../method.js";
import { type BackoffOptions, backoffDelay, checkBackoff } from "./backoff.js";

/**
 * Where a {@link ReconnectingConnection} is:
 *
 * - `idle`: created, not dialed yet (the first call or `ready()` dials);
 * - `connecting`: dialing, or waiting out the backoff between attempts;
 * - `ready`: connected; calls go straight to the connection;
 * - `closed`: for good (`close()`, or `maxAttempts` failed dials in a row).
 */
export type ConnectionState = "idle" | "connecting" | "ready" | "closed";

/** Options for {@link ReconnectingConnection}. */
export interface ReconnectOptions extends ConnectionOptions {
  /** Called once when this closes for good (not when a dropped connection is redialed). */
  onClose?: (error: TtrpcError) => void;
  /** Waits between failed dials. The first redial after a drop is immediate. */
  backoff?: BackoffOptions;
  /** Consecutive failed dials before giving up (state `closed`). Default: never give up. */
  maxAttempts?: number;
  /**
   * Longest a call waits for a connection while `idle`/`connecting` before
   * failing UNAVAILABLE; a call's own deadline or signal ends the wait
   * sooner. Default 30000 ms.
   */
  waitTimeoutMs?: number;
  /** Told every state change, with the error that caused it when there is one. */
  onStateChange?: (state: ConnectionState, error: TtrpcError | undefined) => void;
  /**
   * Opens the byte stream instead of dialing the address (another
   * transport, a test double). Rejecting counts as a failed attempt.
   */
  dial?: () => Promise<Duplex>;
}

interface Waiter {
  resolve(conn: Connection): void;
  reject(error: TtrpcError): void;
}

/**
 * A connection that redials when the server goes away (a restarted shim,
 * agent or daemon), like containerd's shim clients. It has a Connection's
 * call methods, so `createClient(Service, rc)` works on it.
 *
 * Which calls fail and which wait:
 * - calls in flight when the connection drops fail UNAVAILABLE (they may or
 *   may not have run; retrying them is the caller's choice, e.g. with
 *   `@ttrpc-ts/retry`);
 * - calls started while `idle` or `connecting` wait for the connection, up
 *   to their deadline (DEADLINE_EXCEEDED), their signal (CANCELLED) or
 *   `waitTimeoutMs` (UNAVAILABLE), whichever comes first;
 * - calls started after `closed` fail UNAVAILABLE at once.
 *
 * `onClose` means closed for good: `close()` was called or `maxAttempts`
 * dials in a row failed. A dropped connection that is being redialed is a
 * state change (`onStateChange`), not a close.
 */
export class ReconnectingConnection {
  readonly #address: string;
  readonly #options: ReconnectOptions;
  readonly #waitTimeoutMs: number;
  readonly #stateListeners = new Set<(state: ConnectionState, error: TtrpcError | undefined) => void>();
  readonly #closeListeners = new Set<(error: TtrpcError) => void>();
  #waiters = new Set<Waiter>();
  #state: ConnectionState = "idle";
  #conn: Connection | undefined;
  #closedError: TtrpcError | undefined;
  #lastError: TtrpcError | undefined;
  #wake: (() => void) | undefined;
  #dials = 0;

  /** `address` as for `connect`; with `options.dial`, only used in messages. */
  constructor(address: string, options: ReconnectOptions = {}) {
    checkBackoff(options.backoff ?? {});
    this.#address = address;
    this.#options = options;
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
    if (options.onStateChange) this.#stateListeners.add(options.onStateChange);
    if (options.onClose) this.#closeListeners.add(options.onClose);
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The connection calls go to now; undefined unless `ready`. */
  get connection(): Connection | undefined {
    return this.#state === "ready" ? this.#conn : undefined;
  }

  /** Successful dials so far (1 after the first connect, +1 per reconnect). */
  get connects(): number {
    return this.#dials;
  }

  /** Calls in progress on the current connection. */
  get activeCalls(): number {
    return this.#conn?.activeCalls ?? 0;
  }

  /** Registers a state listener; returns a function that removes it. */
  onStateChange(listener: (state: ConnectionState, error: TtrpcError | undefined) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * Registers a callback for when this closes for good (at once if it
   * has). Not called when a connection drops and is redialed.
   */
  onClose(listener: (error: TtrpcError) => void): () => void {
    const closed = this.#closedError;
    if (closed) {
      queueMicrotask(() => listener(closed));
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /**
   * Dials if idle and resolves once `ready`; rejects as a waiting call
   * would (deadline, signal, `waitTimeoutMs`, closed).
   */
  async ready(options?: CallOptions): Promise<void> {
    await this.#ready(options);
  }

  /**
   * Closes for good: stops redialing, closes the connection (calls in
   * flight fail UNAVAILABLE `ttrpc: client closed`), fails waiting calls.
   */
  close(): void {
    this.#shutdown(new TtrpcError("ttrpc: client closed", Code.Unavailable));
  }

  /** Calls a unary method (see the class comment for what waits and what fails). */
  async unary<I, O>(method: MethodInput, request: I, options?: CallOptions): Promise<O> {
    const [conn, opts] = await this.#ready(options);
    return conn.unary<I, O>(method, request, opts);
  }

  /** Calls a server-streaming method; iterate the result to receive. */
  serverStream<I, O>(method: MethodInput, request: I, options?: CallOptions): AsyncIterable<O> {
    return this.#lazy((conn, opts) => conn.serverStream<I, O>(method, request, opts), options);
  }

  /** Calls a client-streaming method. */
  async clientStream<I, O>(method: MethodInput, requests: AsyncIterable<I>, options?: CallOptions): Promise<O> {
    const [conn, opts] = await this.#ready(options);
    return conn.clientStream<I, O>(method, requests, opts);
  }

  /** Calls a bidirectional method. */
  bidiStream<I, O>(method: MethodInput, requests: AsyncIterable<I>, options?: CallOptions): AsyncIterable<O> {
    return this.#lazy((conn, opts) => conn.bidiStream<I, O>(method, requests, opts), options);
  }

  /** Nothing happens until iteration starts, as with a Connection's streams. */
  #lazy<O>(open: (conn: Connection, opts: CallOptions) => AsyncIterable<O>, options: CallOptions | undefined): AsyncIterable<O> {
    return {
      [Symbol.asyncIterator]: () => {
        let inner: Promise<AsyncIterator<O>> | undefined;
        const get = (): Promise<AsyncIterator<O>> => {
          inner ??= this.#ready(options).then(([conn, opts]) => open(conn, opts)[Symbol.asyncIterator]());
          return inner;
        };
        return {
          next: async () => (await get()).next(),
          return: async () => {
            const it = inner ? await inner.catch(() => undefined) : undefined;
            if (it?.return) await it.return();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  /**
   * The connection, once ready, and the options to call it with: the
   * deadline is fixed here, so time spent waiting counts against it.
   */
  async #ready(options: CallOptions | undefined): Promise<[Connection, CallOptions]> {
    const deadline = resolveDeadline(options, this.#options.defaultTimeoutMs);
    const opts: CallOptions = { ...options, timeoutMs: undefined, deadline };
    // A connection that has just dropped is skipped: the dial loop is about to redial.
    if (this.#state === "ready" && this.#conn && !this.#conn.closed) return [this.#conn, opts];
    const closed = this.#closedError;
    if (closed) throw closed;
    if (this.#state === "idle") void this.#run();
    const signal = options?.signal;
    if (signal?.aborted) throw abortError(signal);
    const conn = await new Promise<Connection>((resolve, reject) => {
      const untilDeadline = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now();
      // Which limit ends the wait is settled here: a timer may fire a
      // millisecond before Date.now() reaches the deadline (the two clocks
      // round differently), and a call whose deadline came first must get
      // DEADLINE_EXCEEDED, not the wait limit's UNAVAILABLE.
      const deadlineFirst = untilDeadline <= this.#waitTimeoutMs;
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        resolve: (c) => {
          finish();
          resolve(c);
        },
        reject: (e) => {
          finish();
          reject(e);
        },
      };
      const onAbort = (): void => waiter.reject(abortError(signal as AbortSignal));
      const timer = setTimeout(
        () => {
          if (deadlineFirst) {
            waiter.reject(new TtrpcError("deadline exceeded (waiting for a connection)", Code.DeadlineExceeded));
          } else {
            const why = this.#lastError ? `: ${this.#lastError.rawMessage}` : "";
            waiter.reject(
              new TtrpcError(`ttrpc: not connected to ${this.#address} after ${this.#waitTimeoutMs} ms${why}`, Code.Unavailable),
            );
          }
        },
        Math.max(0, Math.min(untilDeadline, this.#waitTimeoutMs)),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
    return [conn, opts];
  }

  /** The dial loop: runs from the first demand until closed for good. */
  async #run(): Promise<void> {
    let failures = 0;
    this.#setState("connecting", undefined);
    while (!this.#closedError) {
      let conn: Connection;
      try {
        conn = await this.#dial();
      } catch (e) {
        if (this.#closedError) return;
        const err =
          e instanceof TtrpcError
            ? e
            : new TtrpcError(`ttrpc: dial ${this.#address}: ${(e as Error).message}`, Code.Unavailable, { cause: e });
        this.#lastError = err;
        failures++;
        const max = this.#options.maxAttempts;
        if (max !== undefined && failures >= max) {
          this.#shutdown(
            new TtrpcError(
              `ttrpc: gave up reconnecting to ${this.#address} after ${failures} attempts: ${err.rawMessage}`,
              Code.Unavailable,
              { cause: err },
            ),
          );
          return;
        }
        await this.#sleep(backoffDelay(failures, this.#options.backoff));
        continue;
      }
      if (this.#closedError) {
        conn.close();
        return;
      }
      failures = 0;
      this.#dials++;
      this.#conn = conn;
      this.#lastError = undefined;
      const dropped = conn.wait();
      this.#setState("ready", undefined);
      const waiters = this.#waiters;
      this.#waiters = new Set();
      for (const w of waiters) w.resolve(conn);
      const error = await dropped;
      if (this.#closedError) return;
      this.#lastError = error;
      this.#setState("connecting", error);
    }
  }

  async #dial(): Promise<Connection> {
    // onClose belongs to this object (closed for good), not to each connection.
    const { dial, onClose, ...connOptions } = this.#options;
    if (dial) return new Connection(await dial(), connOptions);
    return connect(this.#address, connOptions);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.#wake = done;
    });
  }

  #shutdown(error: TtrpcError): void {
    if (this.#closedError) return;
    this.#closedError = error;
    this.#wake?.();
    this.#conn?.close();
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const w of waiters) w.reject(error);
    this.#setState("closed", error);
    for (const l of this.#closeListeners) safely(() => l(error));
    this.#closeListeners.clear();
  }

  #setState(state: ConnectionState, error: TtrpcError | undefined): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const l of this.#stateListeners) safely(() => l(state, error));
  }
}

function abortError(signal: AbortSignal): TtrpcError {
  const reason: unknown = signal.reason;
  if (reason instanceof TtrpcError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError")
    return new TtrpcError("deadline exceeded", Code.DeadlineExceeded, { cause: reason });
  return new TtrpcError("call cancelled", Code.Canceled, { cause: reason });
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A listener's failure must not stop the others or the dial loop.
  }
}
