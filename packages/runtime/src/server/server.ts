import type * as net from "node:net";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { DescService } from "@bufbuild/protobuf";
import { type Address, formatAddress, parseAddress } from "../address.js";
import { Code } from "../code.js";
import { applyInterceptors, type Interceptor } from "../interceptor.js";
import {
  DEFAULT_CONNECTION_BUFFER_BYTES,
  DEFAULT_FIRST_FRAME_TIMEOUT_MS,
  DEFAULT_MAX_CONCURRENT_STREAMS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_DECODE_COST,
  DEFAULT_MAX_METADATA_BYTES,
  DEFAULT_MAX_METADATA_ENTRIES,
  DEFAULT_STREAM_BUFFER_BYTES,
  DEFAULT_STREAM_BUFFER_SIZE,
} from "../limits.js";
import { normalizeService, type ServiceDef, type ServiceInput, type TsProtoServiceDefinition } from "../method.js";
import type { PeerInfo } from "../peer.js";
import type { ServiceImpl, TsProtoServiceImpl } from "../service-types.js";
import { nodeFs, nodeNet } from "../transport/builtins.js";
import { hybridVsockListenPath } from "../transport/hybrid-vsock.js";
import { defaultBacklog } from "../transport/somaxconn.js";
import { echo, TtrpcError } from "../ttrpc-error.js";
import { DEFAULT_MAX_MESSAGE_SIZE } from "../wire/frame.js";
import { type AnyHandler, findHandler, invokeHandler, type RegisteredMethod } from "./invoke.js";
import { ServerConnection, type ServerCore } from "./server-connection.js";

/** Options for {@link Server}. */
export interface ServerOptions {
  /** Largest frame payload accepted or sent, inclusive. Default 4 MiB, like Go. */
  maxMessageSize?: number;
  /** Interceptors for every call; the first is the outermost. */
  interceptors?: Interceptor[];
  /** Messages buffered per client stream before reading pauses. Default 64. */
  streamBufferSize?: number;
  /** Bytes buffered per client stream before reading pauses. Default 4 MiB. */
  streamBufferBytes?: number;
  /**
   * Bytes of received stream messages a connection holds unread, over all
   * its calls, before reading from it pauses. Default 16 MiB.
   */
  connectionBufferBytes?: number;
  /** Most metadata entries in one Request; more is RESOURCE_EXHAUSTED. Default 1024. */
  maxMetadataEntries?: number;
  /** Most metadata bytes (keys and values) in one Request; more is RESOURCE_EXHAUSTED. Default 64 KiB. */
  maxMetadataBytes?: number;
  /**
   * Most decode work for one request message, in cost units (a number 1, a
   * sub-message 2, a map entry 7; see PROTOCOL.md), checked before
   * decoding: more is RESOURCE_EXHAUSTED. Applies to protobuf-es services.
   * Default 500,000 (about 100 ms of decoding).
   */
  maxDecodeCost?: number;
  /**
   * Close a connection that has not sent one complete frame within this many
   * ms. Default 60,000; 0 for never.
   */
  firstFrameTimeoutMs?: number;
  /**
   * How long a client stream's buffer may stay full before the call fails
   * with `data handling error: ttrpc: stream buffer full`. Default 1000 ms.
   */
  streamBufferTimeoutMs?: number;
  /** File mode of unix sockets created by {@link Server.listen}. Default 0o600 (owner only). */
  socketMode?: number;
  /**
   * Most open connections. Past it, a new connection's first Request is
   * answered RESOURCE_EXHAUSTED and the connection closed. Default 1024;
   * 0 or Infinity for no limit.
   */
  maxConnections?: number;
  /**
   * Most calls in progress per connection; more are refused with
   * RESOURCE_EXHAUSTED. Default 1000 (Go has none); 0 or Infinity for no limit.
   */
  maxConcurrentStreams?: number;
  /** Close connections that have had no call and no frame for this many ms. Default: never. */
  idleTimeoutMs?: number;
  /**
   * Works out who is connecting (uid, gid, pid), for `context.peer` and
   * `onConnection`. Node cannot read SO_PEERCRED itself; the optional
   * package `@ttrpc-ts/peercred` provides one.
   */
  peerCredentials?: (socket: Socket) => PeerInfo | undefined;
  /**
   * Runs for each accepted connection before any frame is read. Return (or
   * resolve) false, or throw, to refuse it: the socket is closed at once.
   */
  onConnection?: (connection: IncomingConnection) => boolean | Promise<boolean>;
  /**
   * Runs for each accepted connection (after `onConnection`) before the
   * first frame is read: authenticate the peer, or wrap the socket (TLS,
   * a decrypting stream). Resolve with a Duplex to serve that instead of
   * the socket, or with nothing to serve the socket itself. A throw (or a
   * rejection) closes the connection and is reported to `onHandshakeError`.
   * Go's `Handshaker` does the same job. Listeners only; {@link Server.serve}
   * does not run it.
   */
  handshake?: (socket: Socket, info: HandshakeInfo) => Promise<Duplex | undefined> | Duplex | undefined;
  /** How long `handshake` may take before the connection is closed. Default 10000 ms. */
  handshakeTimeoutMs?: number;
  /**
   * Told why a connection was closed during its handshake. Default: a
   * process warning (`process.emitWarning`, type `TtrpcHandshakeWarning`).
   */
  onHandshakeError?: (error: Error, info: HandshakeInfo) => void;
}

/** What {@link ServerOptions.handshake} gets besides the socket. */
export interface HandshakeInfo {
  /** The address the connection came in on, as given to `listen`. */
  readonly address: string;
  /** The peer's credentials, when `peerCredentials` is set and could read them. */
  readonly peer: PeerInfo | undefined;
}

/** Options for {@link Server.listen}. */
export interface ListenOptions {
  /**
   * Most connections the kernel queues before they are accepted. Default:
   * the system's `net.core.somaxconn` on Linux (read from /proc, as Go
   * does), else 511 (Node's default).
   */
  backlog?: number;
}

/** What {@link ServerOptions.onConnection} gets. */
export interface IncomingConnection {
  /** The accepted socket. */
  readonly socket: Socket;
  /** The peer's credentials, when `peerCredentials` is set and could read them. */
  readonly peer: PeerInfo | undefined;
}

/** Options for {@link Server.shutdown}. */
export interface ShutdownOptions {
  /**
   * How long calls in progress may take before they are ended with
   * UNAVAILABLE and the connections closed. Default: wait for all of them.
   */
  timeoutMs?: number;
}

/**
 * A ttrpc server: register services, then `listen` on a unix socket or
 * `serve` connections you accepted yourself.
 */
export class Server {
  readonly #services = new Map<string, Map<string, RegisteredMethod>>();
  readonly #connections = new Set<ServerConnection>();
  readonly #listeners: Array<{ server: net.Server; path: string | undefined }> = [];
  readonly #interceptors: Interceptor[];
  readonly #socketMode: number;
  readonly #core: ServerCore;
  readonly #maxConnections: number;
  readonly #peerCredentials: ServerOptions["peerCredentials"];
  readonly #onConnection: ServerOptions["onConnection"];
  readonly #handshake: ServerOptions["handshake"];
  readonly #handshakeTimeoutMs: number;
  readonly #onHandshakeError: NonNullable<ServerOptions["onHandshakeError"]>;
  #active = 0;
  #state: "open" | "shutdown" | "closed" = "open";
  #idleWaiters: Array<() => void> = [];

  constructor(options: ServerOptions = {}) {
    this.#interceptors = options.interceptors ?? [];
    this.#socketMode = options.socketMode ?? 0o600;
    const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    const bufferSize = options.streamBufferSize ?? DEFAULT_STREAM_BUFFER_SIZE;
    const bufferTimeout = options.streamBufferTimeoutMs ?? 1000;
    this.#maxConnections = unlimited(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
    this.#peerCredentials = options.peerCredentials;
    this.#onConnection = options.onConnection;
    this.#handshake = options.handshake;
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.#onHandshakeError =
      options.onHandshakeError ??
      ((err, info) =>
        process.emitWarning(`ttrpc: connection on ${info.address} closed during handshake: ${err.message}`, "TtrpcHandshakeWarning"));
    const self = this;
    this.#core = {
      maxMessageSize: max,
      streamBufferSize: bufferSize,
      streamBufferTimeoutMs: bufferTimeout,
      streamBufferBytes: options.streamBufferBytes ?? DEFAULT_STREAM_BUFFER_BYTES,
      connectionBufferBytes: options.connectionBufferBytes ?? DEFAULT_CONNECTION_BUFFER_BYTES,
      maxMetadataEntries: options.maxMetadataEntries ?? DEFAULT_MAX_METADATA_ENTRIES,
      maxMetadataBytes: options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES,
      maxDecodeCost: options.maxDecodeCost ?? DEFAULT_MAX_DECODE_COST,
      maxConcurrentStreams: unlimited(options.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS),
      idleTimeoutMs: options.idleTimeoutMs ?? 0,
      firstFrameTimeoutMs: options.firstFrameTimeoutMs ?? DEFAULT_FIRST_FRAME_TIMEOUT_MS,
      get shuttingDown() {
        return self.#state !== "open";
      },
      lookup: (service, method) => this.#services.get(service)?.get(method),
      unimplemented: (service, method) =>
        new TtrpcError(this.#services.has(service) ? `method ${echo(method)}` : `service ${echo(service)}`, Code.Unimplemented),
      callStarted: () => {
        this.#active++;
      },
      callDone: () => {
        this.#active--;
        if (this.#active === 0) this.#wakeIdle();
      },
      connectionClosed: (conn) => {
        this.#connections.delete(conn);
        this.#wakeIdle();
      },
    };
  }

  /** Calls in progress across all connections. */
  get activeCalls(): number {
    return this.#active;
  }

  /**
   * Bytes of received stream messages held unread, over all connections
   * (each is bounded by `connectionBufferBytes`).
   */
  get bufferedBytes(): number {
    let n = 0;
    for (const c of this.#connections) n += c.bufferedBytes;
    return n;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Registers a service: a protobuf-es service descriptor, a ts-proto
   * generic definition, or a ServiceDef. `impl` maps method local names
   * (`sayHello`) to handlers; methods it lacks answer UNIMPLEMENTED.
   * Registering a service name twice throws.
   */
  register<S extends DescService>(service: S, impl: Partial<ServiceImpl<S>>): this;
  register<D extends TsProtoServiceDefinition>(service: D, impl: Partial<TsProtoServiceImpl<D>>): this;
  register(service: ServiceDef, impl: object): this;
  register(service: ServiceInput, impl: object): this {
    const def = normalizeService(service);
    if (this.#services.has(def.typeName)) throw new Error(`service ${def.typeName} is already registered`);
    const methods = new Map<string, RegisteredMethod>();
    for (const m of def.methods) {
      const h = findHandler(impl, m.localName);
      if (h === undefined) continue;
      if (typeof h !== "function") throw new TypeError(`handler for ${def.typeName}.${m.name} (${m.localName}) is not a function`);
      const bound = (h as AnyHandler).bind(impl) as AnyHandler;
      methods.set(m.name, {
        def: m,
        call: applyInterceptors(invokeHandler(m.kind, m.name, bound), this.#interceptors),
        unary: m.kind === "unary" && this.#interceptors.length === 0 ? bound : undefined,
      });
    }
    this.#services.set(def.typeName, methods);
    return this;
  }

  /**
   * Listens on an address: a unix socket path, `unix://path`, `@name` for an
   * abstract socket, `tcp://host:port` (port 0 picks a free one; no
   * authentication, so prefer 127.0.0.1), `hvsock://<vmm socket>:<port>`
   * (binds `<vmm socket>_<port>`, where Firecracker and Cloud Hypervisor
   * deliver connections the guest opens to that vsock port) or a Windows
   * named pipe `\\.\pipe\name`. A stale socket file is replaced; one that a live
   * server still answers on is not (the promise rejects). Socket files are
   * created with `socketMode` and removed again by `close`/`shutdown`.
   * Resolves with the bound address (for tcp, with the actual port).
   */
  async listen(address: string, options: ListenOptions = {}): Promise<string> {
    if (this.#state !== "open") throw new Error("server is shut down");
    const target = parseAddress(address);
    const backlog = options.backlog ?? defaultBacklog();
    if (!Number.isInteger(backlog) || backlog < 1) throw new RangeError(`listen backlog must be a positive integer, got ${backlog}`);
    const file = socketFile(target);
    if (file !== undefined) await clearStaleSocket(file);
    const { createServer } = nodeNet();
    const server = createServer((socket) => void this.#accept(socket, address, target.kind === "tcp"));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      const ready = (): void => {
        server.off("error", reject);
        resolve();
      };
      if (target.kind === "tcp") {
        server.listen({ host: target.host, port: target.port, backlog }, ready);
        return;
      }
      // Bind with a restrictive umask so the socket is never briefly open to others.
      const old = file === undefined ? undefined : process.umask(0o777 & ~this.#socketMode);
      try {
        server.listen({ path: file ?? (target as { path: string }).path, backlog }, ready);
      } finally {
        if (old !== undefined) process.umask(old);
      }
    });
    if (file !== undefined) nodeFs().chmodSync(file, this.#socketMode);
    server.on("error", () => {});
    this.#listeners.push({ server, path: file });
    const bound = server.address();
    if (target.kind === "tcp" && bound !== null && typeof bound === "object") {
      return formatAddress({ kind: "tcp", host: target.host, port: bound.port });
    }
    return file ?? address;
  }

  /**
   * Serves one connected stream (an accepted socket, or any Duplex, e.g. for
   * tests). `peer` is shown to handlers as `context.peer`.
   */
  serve(socket: Duplex, peer?: PeerInfo): void {
    if (this.#state !== "open") {
      socket.destroy();
      return;
    }
    const full = this.#maxConnections > 0 && this.#connections.size >= this.#maxConnections;
    const refusal = full
      ? new TtrpcError(`ttrpc: server connection limit (${this.#maxConnections}) reached`, Code.ResourceExhausted)
      : undefined;
    const conn = new ServerConnection(this.#core, socket, peer, refusal);
    if (!conn.closed && !refusal) this.#connections.add(conn);
  }

  async #accept(socket: Socket, address: string, tcp: boolean): Promise<void> {
    socket.on("error", () => {});
    if (tcp) socket.setNoDelay(true);
    let peer: PeerInfo | undefined;
    try {
      peer = this.#peerCredentials?.(socket);
    } catch {
      peer = undefined;
    }
    if (this.#onConnection) {
      let ok = false;
      try {
        ok = await this.#onConnection({ socket, peer });
      } catch {
        ok = false;
      }
      if (!ok) {
        socket.destroy();
        return;
      }
    }
    let stream: Duplex = socket;
    if (this.#handshake) {
      const info: HandshakeInfo = { address, peer };
      try {
        stream = (await this.#runHandshake(socket, info)) ?? socket;
      } catch (e) {
        socket.destroy();
        try {
          this.#onHandshakeError(e instanceof Error ? e : new Error(String(e)), info);
        } catch {
          // A failing reporter must not take the server down.
        }
        return;
      }
    }
    this.serve(stream, peer);
  }

  /** Runs the handshake hook, bounded by the timeout and by the peer going away. */
  #runHandshake(socket: Socket, info: HandshakeInfo): Promise<Duplex | undefined> {
    const handshake = this.#handshake as NonNullable<ServerOptions["handshake"]>;
    const ms = this.#handshakeTimeoutMs;
    return new Promise((resolve, reject) => {
      const finish = (err: Error | undefined, stream?: Duplex): void => {
        clearTimeout(timer);
        socket.off("close", onClose);
        if (err) reject(err);
        else resolve(stream);
      };
      const onClose = (): void => finish(new Error("peer closed the connection"));
      const timer = setTimeout(() => finish(new Error(`handshake took longer than ${ms} ms`)), ms);
      socket.once("close", onClose);
      Promise.resolve()
        .then(() => handshake(socket, info))
        .then(
          (s) => finish(undefined, s ?? undefined),
          (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
        );
    });
  }

  /**
   * Graceful stop: stops accepting connections, refuses new calls with
   * UNAVAILABLE, waits for calls in progress to finish, then closes every
   * connection. With `timeoutMs`, calls still running then end with
   * UNAVAILABLE.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (this.#state === "open") this.#state = "shutdown";
    this.#stopListening();
    for (const c of this.#connections) c.drain();
    let timer: NodeJS.Timeout | undefined;
    const idle = this.#whenIdle();
    if (options.timeoutMs !== undefined) {
      const t = options.timeoutMs;
      await Promise.race([idle, new Promise<void>((r) => (timer = setTimeout(r, t)))]);
      clearTimeout(timer);
      if (this.#connections.size > 0) await this.close();
    } else {
      await idle;
    }
  }

  /**
   * Immediate stop: stops accepting, ends calls in progress with UNAVAILABLE
   * `ttrpc: server closed`, closes every connection.
   */
  async close(): Promise<void> {
    this.#state = "closed";
    this.#stopListening();
    const err = new TtrpcError("ttrpc: server closed", Code.Unavailable);
    const waits: Promise<void>[] = [];
    for (const c of this.#connections) {
      c.terminate(err);
      waits.push(c.whenClosed());
    }
    await Promise.all(waits);
  }

  #stopListening(): void {
    for (const { server, path } of this.#listeners.splice(0)) {
      server.close();
      if (path !== undefined) {
        try {
          nodeFs().unlinkSync(path);
        } catch {
          // Already gone.
        }
      }
    }
  }

  #whenIdle(): Promise<void> {
    if (this.#connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #wakeIdle(): void {
    if (this.#connections.size > 0) return;
    const ws = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of ws) w();
  }
}

/** A count limit where 0 and Infinity both mean none (stored as 0). */
function unlimited(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

/** The socket file a listener on `a` creates, if any. */
function socketFile(a: Address): string | undefined {
  if (a.kind === "unix") return a.abstract ? undefined : a.path;
  if (a.kind === "hvsock") return hybridVsockListenPath(a.path, a.port);
  return undefined;
}

/** Removes a socket file nobody answers on; refuses to touch a live one. */
async function clearStaleSocket(path: string): Promise<void> {
  const fs = nodeFs();
  if (!fs.existsSync(path)) return;
  if (!fs.lstatSync(path).isSocket()) throw new Error(`cannot listen on ${path}: the file exists and is not a socket`);
  const { connect } = nodeNet();
  const live = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
  if (live) throw new Error(`cannot listen on ${path}: another server is accepting connections on it`);
  fs.unlinkSync(path);
}
