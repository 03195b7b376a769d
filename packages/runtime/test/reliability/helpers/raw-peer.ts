// A client that speaks raw frames: for tests that must send what a
// well-behaved client never would (half frames, huge lengths, garbage).
import * as net from "node:net";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { encodeFrame, type Frame, FrameParser, FrameType, RequestSchema, type Response, ResponseSchema } from "@ttrpc-ts/runtime";
import { SERVICE } from "./test-service.js";

/** A received frame, with its payload copied out of the socket chunk. */
export interface RawFrame extends Frame {
  /** The decoded Response, for Response frames that parse. */
  response?: Response | undefined;
}

/** Encodes a `ttrpc.Request` for the test service (or any service). */
export function requestBody(method: string, payload?: Uint8Array, service = SERVICE, timeoutNano = 0n): Uint8Array {
  const req = create(RequestSchema, { service, method, timeoutNano });
  if (payload !== undefined) req.payload = payload;
  return toBinary(RequestSchema, req);
}

/** A whole Request frame for the test service. */
export function requestFrame(streamId: number, method: string, payload?: Uint8Array, flags = 0): Buffer {
  return encodeFrame(streamId, FrameType.Request, flags, requestBody(method, payload));
}

/**
 * One raw connection. Incoming frames are parsed with the runtime's parser
 * (its limit is set high so that nothing the server sends is dropped).
 */
export class RawPeer {
  readonly socket: net.Socket;
  readonly frames: RawFrame[] = [];
  readonly closed: Promise<void>;
  #isClosed = false;
  #waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    const parser = new FrameParser(64 << 20, {
      frame: (f) => {
        const payload = Uint8Array.from(f.payload);
        let response: Response | undefined;
        if (f.type === FrameType.Response) {
          try {
            response = fromBinary(ResponseSchema, payload);
          } catch {
            response = undefined;
          }
        }
        this.frames.push({ streamId: f.streamId, type: f.type, flags: f.flags, payload, response });
        this.#wake();
      },
      oversize: () => {},
    });
    socket.on("data", (chunk: Buffer) => parser.push(chunk));
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.#isClosed = true;
        this.#wake();
        resolve();
      });
    });
  }

  /** Connects to a unix socket path. */
  static connect(path: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      s.once("connect", () => {
        s.removeListener("error", reject);
        resolve(new RawPeer(s));
      });
      s.once("error", reject);
    });
  }

  /** Wraps an already connected socket. */
  static wrap(socket: net.Socket): RawPeer {
    return new RawPeer(socket);
  }

  /** Whether the socket has closed. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Writes bytes; resolves when they were handed to the kernel (or the socket failed). */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /**
   * Resolves with the first frame matching `pred` (already received or
   * later). Rejects after `timeoutMs`, or when the socket closes first.
   */
  async waitFrame(pred: (f: RawFrame) => boolean, timeoutMs = 5000, what = "frame"): Promise<RawFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(pred);
      if (found) return found;
      if (this.#isClosed) throw new Error(`connection closed before ${what} arrived`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The Response for `streamId`. */
  waitResponse(streamId: number, timeoutMs = 5000): Promise<RawFrame> {
    return this.waitFrame((f) => f.streamId === streamId && f.type === FrameType.Response, timeoutMs, `response on stream ${streamId}`);
  }

  /** Resolves when the socket closes; rejects after `timeoutMs`. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(t);
    }
  }

  /** Destroys the socket and waits for it to close. */
  async destroy(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  #wake(): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) w();
  }
}
