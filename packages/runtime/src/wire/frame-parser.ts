import { FRAME_HEADER_LENGTH } from "./frame.js";

/** Receives what a {@link FrameParser} finds in the byte stream. */
export interface FrameSink {
  /**
   * A complete frame within the size limit. Passed as arguments rather than
   * one object: no allocation per frame. `payload` may be a view into the
   * socket chunk; copy it to keep it past this call's chunk.
   */
  frame(streamId: number, type: number, flags: number, payload: Uint8Array): void;
  /**
   * A header announcing more than the limit. The body is skipped without
   * being buffered; this is called once, as soon as the header is read.
   */
  oversize(streamId: number, type: number, flags: number, length: number): void;
}

enum State {
  Header,
  Body,
  Skip,
}

/**
 * Incremental frame decoder. Feed it socket chunks in order; frames split
 * across chunks are reassembled with exactly one copy, frames wholly inside a
 * chunk are passed on as views without copying.
 */
export class FrameParser {
  readonly #max: number;
  readonly #sink: FrameSink;
  #state = State.Header;
  readonly #header = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
  #headerFill = 0;
  #length = 0;
  #streamId = 0;
  #type = 0;
  #flags = 0;
  #body: Buffer | undefined;
  #bodyFill = 0;
  #skip = 0;
  #paused = false;
  // What is left of the chunk reading paused inside, then the chunks pushed
  // since, in order: kept as they are (a running concatenation would copy
  // the whole backlog on every chunk).
  readonly #kept: Uint8Array[] = [];

  constructor(maxMessageSize: number, sink: FrameSink) {
    this.#max = maxMessageSize;
    this.#sink = sink;
  }

  /** Bytes of an incomplete frame held right now (header or body). */
  get pendingBytes(): number {
    return this.#state === State.Body ? this.#bodyFill : this.#headerFill;
  }

  /** Whether the parser sits between frames (nothing partial held). */
  get idle(): boolean {
    return this.#state === State.Header && this.#headerFill === 0;
  }

  /** Whether {@link pause} is in effect. */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Stops after the frame being delivered: the rest of the chunk is kept
   * (a view, no copy) until {@link resume}, so one chunk of many frames
   * cannot run past the owner's budget.
   */
  pause(): void {
    this.#paused = true;
  }

  /** Continues with what was kept at the pause, synchronously, until done or paused again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    while (this.#kept.length > 0 && !this.#paused) this.#consume(this.#kept.shift()!);
  }

  /** Consumes one chunk. Sink callbacks run synchronously, in wire order. */
  push(chunk: Uint8Array): void {
    // Data that arrives while paused queues behind what was kept.
    if (this.#kept.length > 0) this.#kept.push(chunk);
    else this.#consume(chunk);
  }

  #consume(chunk: Uint8Array): void {
    let off = 0;
    const end = chunk.length;
    while (off < end) {
      if (this.#paused) {
        this.#kept.unshift(chunk.subarray(off));
        return;
      }
      switch (this.#state) {
        case State.Header: {
          if (this.#headerFill === 0 && end - off >= FRAME_HEADER_LENGTH) {
            this.#readHeader(chunk, off);
            off += FRAME_HEADER_LENGTH;
          } else {
            const n = Math.min(FRAME_HEADER_LENGTH - this.#headerFill, end - off);
            this.#header.set(chunk.subarray(off, off + n), this.#headerFill);
            this.#headerFill += n;
            off += n;
            if (this.#headerFill < FRAME_HEADER_LENGTH) return;
            this.#headerFill = 0;
            this.#readHeader(this.#header, 0);
          }
          this.#afterHeader();
          break;
        }
        case State.Body: {
          const need = this.#length - this.#bodyFill;
          if (this.#body === undefined) {
            if (end - off >= need) {
              // Whole body inside this chunk: hand out a view, no copy.
              const payload = chunk.subarray(off, off + need);
              off += need;
              this.#emit(payload);
              break;
            }
            this.#body = Buffer.allocUnsafe(this.#length);
          }
          const n = Math.min(need, end - off);
          this.#body.set(chunk.subarray(off, off + n), this.#bodyFill);
          this.#bodyFill += n;
          off += n;
          if (this.#bodyFill === this.#length) {
            const payload = this.#body;
            this.#body = undefined;
            this.#bodyFill = 0;
            this.#emit(payload);
          }
          break;
        }
        case State.Skip: {
          const n = Math.min(this.#skip, end - off);
          this.#skip -= n;
          off += n;
          if (this.#skip === 0) this.#state = State.Header;
          break;
        }
      }
    }
  }

  #readHeader(b: Uint8Array, at: number): void {
    this.#length = ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
    this.#streamId = ((b[at + 4]! << 24) >>> 0) + (b[at + 5]! << 16) + (b[at + 6]! << 8) + b[at + 7]!;
    this.#type = b[at + 8]!;
    this.#flags = b[at + 9]!;
  }

  #afterHeader(): void {
    if (this.#length > this.#max) {
      this.#skip = this.#length;
      this.#state = State.Skip;
      this.#sink.oversize(this.#streamId, this.#type, this.#flags, this.#length);
      return;
    }
    if (this.#length === 0) {
      this.#state = State.Header;
      this.#sink.frame(this.#streamId, this.#type, this.#flags, EMPTY);
      return;
    }
    this.#state = State.Body;
  }

  #emit(payload: Uint8Array): void {
    this.#state = State.Header;
    this.#sink.frame(this.#streamId, this.#type, this.#flags, payload);
  }
}

const EMPTY = new Uint8Array(0);
