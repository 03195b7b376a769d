import { GO_READ_BUFFER_SIZE, MAX_MUX_PAYLOAD } from "./constants.js";

const TTRPC_HEADER_LENGTH = 10;

/**
 * Cuts a connection's outgoing ttrpc byte stream into multiplexer frame
 * payloads the way Go's peer writes them, because that is the only layout
 * Go's peer is sure to read: ttrpc writes through a 4096-byte buffer, so a
 * message of up to 4096 bytes is one frame, and a larger one is a 4096-byte
 * frame followed by one frame with the rest. A frame that does not fit the
 * Go reader's buffer makes it drop the connection, and many small frames can
 * overflow its per-connection frame queue.
 *
 * Bytes of an incomplete message are held until the message is whole.
 */
export class TtrpcMessageSplitter {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Adds bytes; returns the frame payloads of every message now complete. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    while (this.#buffered >= TTRPC_HEADER_LENGTH) {
      if (this.#chunks[0]!.length < TTRPC_HEADER_LENGTH) this.#chunks = [Buffer.concat(this.#chunks)];
      const total = TTRPC_HEADER_LENGTH + this.#chunks[0]!.readUInt32BE(0);
      // Wait for the whole message before copying anything.
      if (this.#buffered < total) break;
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
      splitMessage(all.subarray(0, total), frames);
      const rest = all.subarray(total);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#buffered = rest.length;
    }
    return frames;
  }
}

function splitMessage(message: Buffer, frames: Buffer[]): void {
  if (message.length <= GO_READ_BUFFER_SIZE) {
    frames.push(message);
    return;
  }
  frames.push(message.subarray(0, GO_READ_BUFFER_SIZE));
  splitChunk(message.subarray(GO_READ_BUFFER_SIZE), frames);
}

/**
 * Cuts bytes into frames of at most {@link MAX_MUX_PAYLOAD}, as Go's
 * multiplexer does with any write. Used for connections that do not carry
 * ttrpc, and for the tail of an over-long ttrpc message.
 */
export function splitChunk(chunk: Buffer, frames: Buffer[] = []): Buffer[] {
  for (let off = 0; off < chunk.length; off += MAX_MUX_PAYLOAD) frames.push(chunk.subarray(off, off + MAX_MUX_PAYLOAD));
  return frames;
}
