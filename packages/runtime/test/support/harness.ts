// The one test harness: a server on a unix socket, the clients and raw peers
// a test connects to it, and fake raw servers, all cleaned up when the test
// ends. `startServer` serves the streaming service; `Harness.start` serves
// the test service and ends every case with leak checks: no call left in
// any map, no server connection left, and the process's active handles and
// timers back to what they were before the case.
import * as assert from "node:assert/strict";
import { dirname } from "node:path";
import {
  type Client,
  type Connection,
  type ConnectionOptions,
  connect,
  createClient,
  Server,
  type ServerOptions,
  type ServiceImpl,
} from "@ttrpc-ts/runtime";
import { connectInMemory } from "@ttrpc-ts/runtime/testing";
import { Streaming } from "./gen/streaming_pb.js";
import { FakeServer, RawPeer } from "./raw-peer.js";
import { socketPath } from "./socket-path.js";
import { streamingImpl } from "./streaming-service.js";
import { createProbe, type Probe, TestService, testImpl } from "./test-service.js";
import { tempDir } from "./util.js";
import { waitFor } from "./wait.js";

/** The streaming service as in interop/proto (shared with the interop suite). */
export { Streaming, streamingImpl };

/** Active resources (handles, requests, timers) of the process, counted by kind. */
export function resourceCounts(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

function excess(baseline: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [kind, n] of resourceCounts()) {
    const before = baseline.get(kind) ?? 0;
    if (n > before) out.push(`${kind}: ${before} -> ${n}`);
  }
  return out;
}

/**
 * Waits (up to `timeoutMs`) until no kind of active resource outnumbers
 * `baseline`; fails listing the kinds that still do.
 */
export async function expectResourcesAtBaseline(baseline: Map<string, number>, timeoutMs = 3000): Promise<void> {
  await waitFor(
    () => excess(baseline).length === 0,
    timeoutMs,
    () => `active resources above baseline: ${excess(baseline).join(", ")}`,
  );
}

/** The minimal shape of a `node:test` context the harness needs. */
export interface TestContextLike {
  after(fn: () => unknown): void;
}

interface HarnessParts {
  server: Server;
  path: string;
  dir: string;
  probe: Probe;
  /** Resource counts before the case; undefined: no leak checks at close. */
  baseline: Map<string, number> | undefined;
  /** Removes the socket's directory, if the harness owns it. */
  cleanup: () => void;
  /** Clients are served over in-memory duplex pairs; nothing listens. */
  inMemory?: boolean;
}

/** A server listening on a fresh socket, plus everything a case connects to it. */
export class Harness {
  readonly server: Server;
  readonly path: string;
  /** The directory the socket is in. */
  readonly dir: string;
  /** What the test service's handlers did (unused with the streaming service). */
  readonly probe: Probe;
  readonly baseline: Map<string, number>;
  readonly clients: Connection[] = [];
  readonly raws: RawPeer[] = [];
  readonly #leakChecks: boolean;
  readonly #cleanup: () => void;
  readonly #inMemory: boolean;
  #closed = false;

  private constructor(parts: HarnessParts) {
    this.server = parts.server;
    this.path = parts.path;
    this.dir = parts.dir;
    this.probe = parts.probe;
    this.baseline = parts.baseline ?? new Map();
    this.#leakChecks = parts.baseline !== undefined;
    this.#cleanup = parts.cleanup;
    this.#inMemory = parts.inMemory ?? false;
  }

  /**
   * Takes the resource baseline, then starts a server with the test service
   * (or what `register` registers) on a new socket. Cleans up and runs the
   * leak checks after the test, even when it fails.
   */
  static async start(t: TestContextLike, options: ServerOptions = {}, register?: (server: Server, probe: Probe) => void): Promise<Harness> {
    const baseline = resourceCounts();
    const server = new Server(options);
    const probe = createProbe();
    if (register) register(server, probe);
    else server.register(TestService, testImpl(probe));
    const path = socketPath();
    await server.listen(path);
    const h = new Harness({ server, path, dir: dirname(path), probe, baseline, cleanup: () => {} });
    t.after(() => h.close());
    return h;
  }

  /** Starts a server for one test without leak checks (see {@link startServer}). */
  static async startPlain(t: TestContextLike, server: Server, inMemory = false): Promise<Harness> {
    const tmp = tempDir("ttrpc-rt-");
    const path = tmp.path("s.sock");
    if (!inMemory) await server.listen(path);
    const h = new Harness({
      server,
      path,
      dir: tmp.dir,
      probe: createProbe(),
      baseline: undefined,
      cleanup: () => tmp.cleanup(),
      inMemory,
    });
    t.after(() => h.close());
    return h;
  }

  /** A new client connection, closed by {@link close}. */
  async client(options: ConnectionOptions = {}): Promise<Connection> {
    const c = this.#inMemory ? connectInMemory(this.server, options) : await connect(this.path, options);
    this.clients.push(c);
    return c;
  }

  /** A new client connection, closed by {@link close} (same as {@link client}). */
  connect(options?: ConnectionOptions): Promise<Connection> {
    return this.client(options);
  }

  /** A typed Streaming client on a new connection. */
  async streaming(options?: ConnectionOptions): Promise<{ client: Connection; svc: Client<typeof Streaming> }> {
    const client = await this.client(options);
    return { client, svc: createClient(Streaming, client) };
  }

  /** A new raw connection, destroyed by {@link close}. */
  async raw(): Promise<RawPeer> {
    const r = await RawPeer.connect(this.path);
    this.raws.push(r);
    return r;
  }

  /**
   * Checks the maps: every client and the server have no call in progress
   * (waiting up to `timeoutMs` for them to settle), and the server has
   * `connections` open connections.
   */
  async expectIdle(connections?: number, timeoutMs = 3000): Promise<void> {
    await waitFor(
      () => this.server.activeCalls === 0 && this.clients.every((c) => c.activeCalls === 0),
      timeoutMs,
      () => `calls left: server ${this.server.activeCalls}, clients [${this.clients.map((c) => c.activeCalls).join(", ")}]`,
    );
    if (connections !== undefined) {
      await waitFor(
        () => this.server.connectionCount === connections,
        timeoutMs,
        () => `server has ${this.server.connectionCount} connections, expected ${connections}`,
      );
    }
    await waitFor(
      () => this.probe.running === 0,
      timeoutMs,
      () => `${this.probe.running} handlers still running`,
    );
  }

  /**
   * Closes every client and raw peer and the server. With leak checks:
   * first checks the server drops to zero connections, and after closing
   * that no call is left and active resources are back at the baseline.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.clients) c.close();
    if (!this.#leakChecks) {
      for (const r of this.raws) r.destroy();
      await this.server.close();
      this.#cleanup();
      return;
    }
    await Promise.all(this.raws.map((r) => r.destroy()));
    await waitFor(
      () => this.server.connectionCount === 0,
      3000,
      () => `server still has ${this.server.connectionCount} connections`,
    );
    await this.server.close();
    assert.equal(this.server.activeCalls, 0, "server calls after close");
    for (const c of this.clients) assert.equal(c.activeCalls, 0, "client calls after close");
    await expectResourcesAtBaseline(this.baseline);
  }
}

export interface HarnessOptions {
  /** Server options. */
  server?: ServerOptions;
  /** Handlers replacing the default streaming ones. */
  impl?: Partial<ServiceImpl<typeof Streaming>>;
  /** More registrations. */
  register?: (server: Server) => void;
  /**
   * Serve clients over in-memory duplex pairs instead of a unix socket
   * (no listener; `path` and `raw()` are then unusable).
   */
  inMemory?: boolean;
}

/** Starts a server with the streaming service for one test; everything is closed when the test ends. */
export async function startServer(t: TestContextLike, options: HarnessOptions = {}): Promise<Harness> {
  const server = new Server(options.server);
  server.register(Streaming, { ...streamingImpl(), ...options.impl });
  options.register?.(server);
  return Harness.startPlain(t, server, options.inMemory);
}

/** Starts a fake raw server for one test (closed when the test ends). */
export async function startFakeServer(t: TestContextLike): Promise<FakeServer> {
  const tmp = tempDir("ttrpc-fake-");
  const fake = await FakeServer.listen(tmp.path("fake.sock"));
  t.after(async () => {
    await fake.close();
    tmp.cleanup();
  });
  return fake;
}

/** Connects a client to a fake server and returns both ends. */
export async function connectFake(
  t: TestContextLike,
  options?: ConnectionOptions,
): Promise<{ fake: FakeServer; client: Connection; peer: RawPeer; svc: Client<typeof Streaming> }> {
  const fake = await startFakeServer(t);
  const client = await connect(fake.path, options);
  t.after(() => client.close());
  const peer = await fake.accept();
  return { fake, client, peer, svc: createClient(Streaming, client) };
}
