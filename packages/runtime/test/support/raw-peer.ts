// A raw ttrpc peer for tests: sends hand-built frames on a socket and reads
// back every frame the other side writes, keeping the exact bytes.
import * as net from "node:net";
import { fromBinary } from "@bufbuild/protobuf";
import {
  encodeFrame,
  encodeFrameHeader,
  FRAME_HEADER_LENGTH,
  FrameParser,
  FrameType,
  type Response,
  ResponseSchema,
} from "@ttrpc-ts/runtime/protocol";
import { hex, parseRequest, parseResponse, type RequestInit, requestBody } from "./wire.js";

/** One frame received by a {@link RawPeer}. */
export interface RawFrame {
  readonly streamId: number;
  readonly type: number;
  readonly flags: number;
  /** A copy of the payload. */
  readonly payload: Buffer;
  /** Offset of the frame's header in everything this peer received. */
  readonly offset: number;
  /** The decoded Response, for Response frames that parse. */
  readonly response: Response | undefined;
}

interface Waiter {
  match(f: RawFrame): boolean;
  resolve(f: RawFrame): void;
}

/**
 * Either end of a raw connection. Every received frame is queued until a
 * `next*` call takes it; `received()` returns every byte that arrived.
 */
export class RawPeer {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;
  #isClosed = false;
  readonly #unread: RawFrame[] = [];
  readonly #all: RawFrame[] = [];
  readonly #chunks: Buffer[] = [];
  #consumed = 0;
  #waiters: Waiter[] = [];
  #arrivals: Array<() => void> = [];

  constructor(socket: net.Socket) {
    this.socket = socket;
    const parser = new FrameParser(0xffffffff, {
      frame: (streamId, type, flags, payload) => {
        const f = { streamId, type, flags, payload };
        const frame: RawFrame = {
          streamId: f.streamId,
          type: f.type,
          flags: f.flags,
          payload: Buffer.from(f.payload),
          offset: this.#consumed,
          response: f.type === FrameType.Response ? tryResponse(f.payload) : undefined,
        };
        this.#consumed += FRAME_HEADER_LENGTH + f.payload.length;
        this.#all.push(frame);
        this.#wakeArrivals();
        const i = this.#waiters.findIndex((w) => w.match(frame));
        if (i >= 0) {
          const [w] = this.#waiters.splice(i, 1);
          w?.resolve(frame);
        } else {
          this.#unread.push(frame);
        }
      },
      oversize: () => {},
    });
    socket.on("data", (chunk: Buffer) => {
      this.#chunks.push(chunk);
      parser.push(chunk);
    });
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.#isClosed = true;
        this.#wakeArrivals();
        resolve();
      });
    });
  }

  /** Connects to a unix socket. */
  static connect(path: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      s.once("connect", () => {
        s.off("error", reject);
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

  /** Every frame received so far, read or not. */
  get frames(): readonly RawFrame[] {
    return this.#all;
  }

  /** Frames received but not yet taken. */
  get unread(): readonly RawFrame[] {
    return this.#unread;
  }

  /** Every byte received so far. */
  received(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  /** The exact bytes of a received frame, header and payload. */
  bytesOf(f: RawFrame): Buffer {
    return this.received().subarray(f.offset, f.offset + FRAME_HEADER_LENGTH + f.payload.length);
  }

  /** `bytesOf` as hex. */
  hexOf(f: RawFrame): string {
    return hex(this.bytesOf(f));
  }

  /**
   * Writes bytes as they are; resolves when they were handed to the kernel.
   * Rejects when the write fails, unless the socket is already gone (peers
   * that write garbage expect the other side to hang up on them).
   */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(bytes, (err) => (err && !this.socket.destroyed ? reject(err) : resolve()));
    });
  }

  /** Writes one frame. */
  send(streamId: number, type: number, flags: number, payload: Uint8Array = new Uint8Array(0)): Promise<void> {
    return this.write(encodeFrame(streamId, type, flags, payload));
  }

  /** Writes a header alone (to announce a length and send the body in parts, or never). */
  sendHeader(length: number, streamId: number, type: number, flags: number): Promise<void> {
    return this.write(encodeFrameHeader(length, streamId, type, flags));
  }

  /** Writes a Request frame carrying a hand-built `ttrpc.Request`. */
  request(streamId: number, init: RequestInit, flags = 0): Promise<void> {
    return this.send(streamId, FrameType.Request, flags, requestBody(init));
  }

  /** Writes a Data frame. */
  data(streamId: number, flags: number, payload: Uint8Array = new Uint8Array(0)): Promise<void> {
    return this.send(streamId, FrameType.Data, flags, payload);
  }

  /** The next unread frame (optionally of one stream), waiting up to `timeoutMs`. */
  next(streamId?: number, timeoutMs = 5000): Promise<RawFrame> {
    const match = (f: RawFrame) => streamId === undefined || f.streamId === streamId;
    const i = this.#unread.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#unread.splice(i, 1)[0] as RawFrame);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const on = streamId === undefined ? "" : ` on stream ${streamId}`;
        reject(new Error(`no frame${on} within ${timeoutMs} ms (socket ${this.#isClosed ? "closed" : "open"})`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** The next frame of `streamId`, which must be a Response; returns it decoded. */
  async response(streamId: number, timeoutMs = 5000): Promise<Response & { frame: RawFrame }> {
    const f = await this.next(streamId, timeoutMs);
    if (f.type !== FrameType.Response) throw new Error(`expected a Response on stream ${streamId}, got type ${f.type} flags ${f.flags}`);
    return Object.assign(parseResponse(f.payload), { frame: f });
  }

  /** The next Request frame (as a fake server sees it), decoded. */
  async nextRequest(timeoutMs = 5000): Promise<ReturnType<typeof parseRequest> & { frame: RawFrame }> {
    const f = await this.next(undefined, timeoutMs);
    if (f.type !== FrameType.Request) throw new Error(`expected a Request, got type ${f.type} on stream ${f.streamId}`);
    return Object.assign(parseRequest(f.payload), { frame: f });
  }

  /** Waits `ms` and fails if any unread frame (optionally of one stream) arrived meanwhile. */
  async expectQuiet(ms: number, streamId?: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const extra = this.#unread.filter((f) => streamId === undefined || f.streamId === streamId);
    if (extra.length > 0) {
      const f = extra[0] as RawFrame;
      throw new Error(`unexpected frame: stream ${f.streamId} type ${f.type} flags ${f.flags} payload ${hex(f.payload)}`);
    }
  }

  /**
   * Resolves with the first frame matching `pred`, read or not, already
   * received or later. Rejects after `timeoutMs`, or when the socket closes first.
   */
  async waitFrame(pred: (f: RawFrame) => boolean, timeoutMs = 5000, what = "frame"): Promise<RawFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.#all.find(pred);
      if (found) return found;
      if (this.#isClosed) throw new Error(`connection closed before ${what} arrived`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#arrivals.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The Response frame for `streamId`, read or not. */
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

  /** Closes the socket at once; resolves once it has closed. */
  destroy(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  #wakeArrivals(): void {
    const ws = this.#arrivals;
    this.#arrivals = [];
    for (const w of ws) w();
  }
}

function tryResponse(payload: Uint8Array): Response | undefined {
  try {
    return fromBinary(ResponseSchema, payload);
  } catch {
    return undefined;
  }
}

/**
 * A fake ttrpc server on a unix socket: every accepted connection becomes a
 * {@link RawPeer} the test drives by hand.
 */
export class FakeServer {
  readonly path: string;
  readonly peers: RawPeer[] = [];
  readonly #server: net.Server;
  readonly #pending: RawPeer[] = [];
  #waiters: Array<(p: RawPeer) => void> = [];

  private constructor(path: string, server: net.Server) {
    this.path = path;
    this.#server = server;
    server.on("connection", (socket) => {
      const peer = new RawPeer(socket);
      this.peers.push(peer);
      const w = this.#waiters.shift();
      if (w) w(peer);
      else this.#pending.push(peer);
    });
  }

  static listen(path: string): Promise<FakeServer> {
    const server = net.createServer();
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve(new FakeServer(path, server));
      });
    });
  }

  /** The next accepted connection. */
  accept(timeoutMs = 5000): Promise<RawPeer> {
    const p = this.#pending.shift();
    if (p) return Promise.resolve(p);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push((peer) => {
        clearTimeout(timer);
        resolve(peer);
      });
    });
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const p of this.peers) p.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
