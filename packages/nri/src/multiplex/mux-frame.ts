import { MAX_MUX_PAYLOAD, MUX_HEADER_LENGTH } from "./constants.js";

const EMPTY = Buffer.alloc(0);

/** Encodes the 8-byte header of a frame carrying `length` bytes for connection `id`. */
export function encodeMuxHeader(id: number, length: number): Buffer {
  const h = Buffer.allocUnsafe(MUX_HEADER_LENGTH);
  h.writeUInt32BE(id, 0);
  h.writeUInt32BE(length, 4);
  return h;
}

/** Receives what {@link MuxFrameParser} decodes. */
export interface MuxFrameSink {
  /** One whole frame. `payload` may be empty. */
  frame(id: number, payload: Buffer): void;
  /** A header announced more than the limit; the stream cannot be resynchronised. */
  oversize(id: number, length: number): void;
}

/**
 * Incremental decoder of the multiplexer's trunk byte stream. Feed it any
 * chunking; it calls the sink once per frame, in order. After `oversize` it
 * ignores everything.
 */
export class MuxFrameParser {
  readonly #sink: MuxFrameSink;
  readonly #max: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #broken = false;

  constructor(sink: MuxFrameSink, maxPayload: number = MAX_MUX_PAYLOAD) {
    this.#sink = sink;
    this.#max = maxPayload;
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): void {
    if (this.#broken || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (!this.#broken && this.#buffered >= MUX_HEADER_LENGTH) {
      const head = this.#peek(MUX_HEADER_LENGTH);
      const id = head.readUInt32BE(0);
      const length = head.readUInt32BE(4);
      if (length > this.#max) {
        this.#broken = true;
        this.#chunks = [];
        this.#buffered = 0;
        this.#sink.oversize(id, length);
        return;
      }
      if (this.#buffered < MUX_HEADER_LENGTH + length) return;
      this.#take(MUX_HEADER_LENGTH);
      this.#sink.frame(id, this.#take(length));
    }
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0]!.subarray(0, n);
  }

  #take(n: number): Buffer {
    if (n === 0) return EMPTY;
    this.#buffered -= n;
    const first = this.#chunks[0]!;
    if (first.length === n) {
      this.#chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.#chunks[0]!;
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    return out;
  }
}
