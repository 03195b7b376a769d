import { Duplex } from "node:stream";
import { splitChunk, TtrpcMessageSplitter } from "./ttrpc-message-splitter.js";

/** How a logical connection's writes are cut into frames. */
export type MuxFraming = "ttrpc" | "chunks";

/** What a {@link MuxConnection} needs from its multiplexer. */
export interface MuxTrunk {
  writeFrames(id: number, frames: Buffer[], done: (error?: Error | null) => void): void;
  readResumed(conn: MuxConnection): void;
  detach(conn: MuxConnection): void;
}

/**
 * One logical connection of a multiplexer, as a Duplex. The protocol has no
 * per-connection close or half-close on the wire, so ending or destroying it
 * closes it only here: frames that still arrive for its id are dropped.
 */
export class MuxConnection extends Duplex {
  readonly id: number;
  readonly #trunk: MuxTrunk;
  readonly #splitter: TtrpcMessageSplitter | undefined;

  constructor(id: number, trunk: MuxTrunk, framing: MuxFraming) {
    // No half-open state: the wire cannot express it.
    super({ allowHalfOpen: false });
    this.id = id;
    this.#trunk = trunk;
    this.#splitter = framing === "ttrpc" ? new TtrpcMessageSplitter() : undefined;
  }

  override _read(): void {
    this.#trunk.readResumed(this);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const frames = this.#splitter ? this.#splitter.push(chunk) : splitChunk(chunk);
    if (frames.length === 0) callback();
    else this.#trunk.writeFrames(this.id, frames, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const held = this.#splitter?.buffered ?? 0;
    this.#trunk.detach(this);
    this.push(null);
    callback(held > 0 ? new Error(`nri multiplex: conn ${this.id} ended inside a ttrpc message (${held} bytes never sent)`) : null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#trunk.detach(this);
    callback(error);
  }
}
