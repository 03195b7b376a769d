import type { Duplex } from "node:stream";
import { MAX_MUX_PAYLOAD, RESERVED_CONN_ID } from "./constants.js";
import { MuxConnection, type MuxFraming, type MuxTrunk } from "./mux-connection.js";
import { encodeMuxHeader, MuxFrameParser } from "./mux-frame.js";

/** Options for {@link Multiplexer}. */
export interface MultiplexerOptions {
  /** Largest frame payload accepted. Default {@link MAX_MUX_PAYLOAD}, like Go. */
  maxPayload?: number;
  /** Called once when the trunk has closed: no argument after a clean end, else the error. */
  onClose?: (error?: Error) => void;
}

/** Options for {@link Multiplexer.open}. */
export interface OpenOptions {
  /**
   * `"ttrpc"` (default): the connection carries ttrpc, and each message is
   * sent in the frames Go's peer expects. `"chunks"`: any bytes, each write
   * cut into frames of at most the maximum payload, as Go's multiplexer does.
   */
  framing?: MuxFraming;
}

/**
 * NRI's connection multiplexer (containerd/nri `pkg/net/multiplex`): several
 * logical byte streams over one trunk stream, each frame an 8-byte header
 * (connection id, payload length; uint32 big-endian) and its payload.
 *
 * Opening a connection sends nothing; both ends simply use the same id.
 * Frames for an id that is not open are dropped, as Go does. Reading pauses
 * the trunk while any open connection's reader is full (back-pressure), and a
 * write completes once the trunk has taken its frames. A malformed frame or a
 * trunk error destroys every connection with that error; a clean end of the
 * trunk ends them.
 */
export class Multiplexer {
  readonly #trunk: Duplex;
  readonly #conns = new Map<number, MuxConnection>();
  readonly #full = new Set<MuxConnection>();
  readonly #drainWaiters: Array<(error?: Error | null) => void> = [];
  readonly #closeListeners = new Set<(error?: Error) => void>();
  readonly #port: MuxTrunk;
  #dropped = 0;
  #closed = false;
  #error: Error | undefined;

  constructor(trunk: Duplex, options: MultiplexerOptions = {}) {
    this.#trunk = trunk;
    if (options.onClose) this.#closeListeners.add(options.onClose);
    const max = options.maxPayload ?? MAX_MUX_PAYLOAD;
    const parser = new MuxFrameParser(
      {
        frame: (id, payload) => this.#onFrame(id, payload),
        oversize: (id, length) => this.destroy(new Error(`nri multiplex: conn ${id}: frame payload ${length} bytes, maximum is ${max}`)),
      },
      max,
    );
    this.#port = {
      writeFrames: (id, frames, done) => this.#writeFrames(id, frames, done),
      readResumed: (conn) => this.#readResumed(conn),
      detach: (conn) => this.#detach(conn),
    };
    trunk.on("data", (chunk: Buffer) => parser.push(chunk));
    trunk.on("error", (err: Error) => {
      this.#error ??= err;
    });
    // No half-close in this protocol: the peer's end closes everything.
    trunk.on("end", () => this.#finish());
    trunk.on("close", () => this.#finish());
    trunk.on("drain", () => this.#wakeDrain());
    if (trunk.destroyed) queueMicrotask(() => this.#finish());
  }

  /** Whether the trunk has closed; no connection can be opened any more. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Frames received for connection ids that were not open (dropped). */
  get droppedFrames(): number {
    return this.#dropped;
  }

  /**
   * Opens logical connection `id` (1 to 2^32-1). Throws if the id is
   * reserved or out of range, already open, or the multiplexer is closed.
   */
  open(id: number, options: OpenOptions = {}): Duplex {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`nri multiplex: conn id ${id} is not a uint32`);
    if (id === RESERVED_CONN_ID) throw new RangeError(`nri multiplex: conn id ${id} is reserved`);
    if (this.#closed) throw new Error(`nri multiplex: cannot open conn ${id}: the multiplexer is closed`);
    if (this.#conns.has(id)) throw new Error(`nri multiplex: conn ${id} is already open`);
    const conn = new MuxConnection(id, this.#port, options.framing ?? "ttrpc");
    this.#conns.set(id, conn);
    return conn;
  }

  /**
   * Registers a callback for when the trunk closes (called at once if it
   * has). Returns a function that unregisters it.
   */
  onClose(listener: (error?: Error) => void): () => void {
    if (this.#closed) {
      const err = this.#error;
      queueMicrotask(() => listener(err));
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Ends every connection and closes the trunk once what was written is sent. */
  close(): void {
    if (this.#closed) return;
    this.#trunk.end(() => this.#trunk.destroy());
    this.#finish();
  }

  /** Closes the trunk now; every connection is destroyed with `error`, if given. */
  destroy(error?: Error): void {
    if (error) this.#error ??= error;
    this.#trunk.destroy();
    this.#finish();
  }

  #onFrame(id: number, payload: Buffer): void {
    const conn = this.#conns.get(id);
    if (!conn) {
      this.#dropped++;
      return;
    }
    if (payload.length === 0) return;
    if (!conn.push(payload) && !this.#full.has(conn)) {
      this.#full.add(conn);
      this.#trunk.pause();
    }
  }

  #readResumed(conn: MuxConnection): void {
    if (this.#full.delete(conn) && this.#full.size === 0 && !this.#closed) this.#trunk.resume();
  }

  #detach(conn: MuxConnection): void {
    if (this.#conns.get(conn.id) === conn) this.#conns.delete(conn.id);
    this.#readResumed(conn);
  }

  #writeFrames(id: number, frames: Buffer[], done: (error?: Error | null) => void): void {
    const t = this.#trunk;
    if (this.#closed || t.destroyed || t.writableEnded) {
      done(new Error(`nri multiplex: conn ${id}: write after the trunk closed`));
      return;
    }
    let ok = true;
    t.cork();
    for (const f of frames) {
      t.write(encodeMuxHeader(id, f.length));
      ok = t.write(f);
    }
    t.uncork();
    if (ok) done();
    else this.#drainWaiters.push(done);
  }

  #wakeDrain(): void {
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    const err = this.#error;
    const writeErr = err ?? new Error("nri multiplex: trunk closed");
    for (const w of this.#drainWaiters.splice(0)) w(writeErr);
    for (const conn of [...this.#conns.values()]) {
      if (err) conn.destroy(err);
      else conn.push(null);
    }
    this.#conns.clear();
    this.#full.clear();
    if (!this.#trunk.destroyed && this.#trunk.writableEnded === false) this.#trunk.end();
    for (const l of this.#closeListeners) l(err);
    this.#closeListeners.clear();
  }
}
