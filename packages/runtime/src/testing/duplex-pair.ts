import * as stream from "node:stream";

/**
 * Two connected in-memory Duplex streams: what one side writes, the other
 * reads, with backpressure (a write completes when the other side reads
 * it). Destroying one side destroys the other, as a closed socket would.
 * Uses `stream.duplexPair` where Node has it (22.6+), else an equivalent.
 */
export function duplexPair(): [stream.Duplex, stream.Duplex] {
  // Read by name, not as `stream.duplexPair`: a bundler turns that into an
  // import of the same name, and this function would be renamed.
  const native = Reflect.get(stream, "duplexPair") as (() => [stream.Duplex, stream.Duplex]) | undefined;
  const [a, b] = native ? native() : fallbackPair();
  // Node's pair does not propagate destroy in every version; a socket does.
  a.once("close", () => b.destroy());
  b.once("close", () => a.destroy());
  return [a, b];
}

/** One end of {@link fallbackPair}. */
class Side extends stream.Duplex {
  other: Side | undefined;
  #pendingWrite: (() => void) | undefined;

  override _read(): void {
    const cb = this.#pendingWrite;
    if (cb) {
      this.#pendingWrite = undefined;
      cb();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const other = this.other as Side;
    if (chunk.length === 0) {
      process.nextTick(callback);
      return;
    }
    // The write completes once the other side asks for more.
    other.#pendingWrite = () => callback();
    other.push(chunk);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const other = this.other as Side;
    other.push(null);
    callback();
  }
}

/** The same pair as Node 22.6's `stream.duplexPair`, for Node 20. */
export function fallbackPair(): [stream.Duplex, stream.Duplex] {
  const a = new Side();
  const b = new Side();
  a.other = b;
  b.other = a;
  return [a, b];
}
