// One server, its clients and raw peers for one test case, with the leak
// checks every case ends with: no call left in any map, the expected number
// of server connections, and the process's active handles and timers back
// to what they were before the case.
import * as assert from "node:assert/strict";
import { type Connection, type ConnectionOptions, connect, Server, type ServerOptions } from "@ttrpc-ts/runtime";
import { RawPeer } from "./raw-peer.js";
import { socketPath } from "./socket-path.js";
import { createProbe, type Probe, TestService, testImpl } from "./test-service.js";
import { waitFor } from "./wait.js";

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

/** A server listening on a fresh socket, plus everything a case connects to it. */
export class Harness {
  readonly server: Server;
  readonly path: string;
  readonly probe: Probe;
  readonly baseline: Map<string, number>;
  readonly clients: Connection[] = [];
  readonly raws: RawPeer[] = [];
  #closed = false;

  private constructor(server: Server, path: string, probe: Probe, baseline: Map<string, number>) {
    this.server = server;
    this.path = path;
    this.probe = probe;
    this.baseline = baseline;
  }

  /**
   * Takes the resource baseline, then starts a server with the test service
   * on a new socket. Cleans up after the test even when it fails.
   */
  static async start(t: TestContextLike, options: ServerOptions = {}, register?: (server: Server, probe: Probe) => void): Promise<Harness> {
    const baseline = resourceCounts();
    const server = new Server(options);
    const probe = createProbe();
    if (register) register(server, probe);
    else server.register(TestService, testImpl(probe));
    const path = socketPath();
    await server.listen(path);
    const h = new Harness(server, path, probe, baseline);
    t.after(() => h.close());
    return h;
  }

  /** A new client connection, closed by {@link close}. */
  async client(options: ConnectionOptions = {}): Promise<Connection> {
    const c = await connect(this.path, options);
    this.clients.push(c);
    return c;
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
   * Closes every client and raw peer, checks the server drops to zero
   * connections, closes the server, then checks active resources are back
   * at the baseline.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.clients) c.close();
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
