// A server with the streaming test service on a unix socket in a temp dir,
// plus clients and raw connections to it, all cleaned up after the test.
import type { TestContext } from "node:test";
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
import { streamingImpl } from "./streaming-service.js";
import { tempDir } from "./util.js";

/** The streaming service as in interop/proto (shared with the interop suite). */
export { Streaming, streamingImpl };

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

/** A running server and helpers to reach it. */
export interface Harness {
  readonly server: Server;
  readonly path: string;
  readonly dir: string;
  /** A new client connection (closed after the test). */
  connect(options?: ConnectionOptions): Promise<Connection>;
  /** A typed Streaming client on a new connection. */
  streaming(options?: ConnectionOptions): Promise<{ client: Connection; svc: Client<typeof Streaming> }>;
  /** A new raw connection (closed after the test). */
  raw(): Promise<RawPeer>;
}

/** Starts a server for one test; everything is closed when the test ends. */
export async function startServer(t: TestContext, options: HarnessOptions = {}): Promise<Harness> {
  const tmp = tempDir("ttrpc-rt-");
  const path = tmp.path("s.sock");
  const server = new Server(options.server);
  server.register(Streaming, { ...streamingImpl(), ...options.impl });
  options.register?.(server);
  if (!options.inMemory) await server.listen(path);
  const clients: Connection[] = [];
  const peers: RawPeer[] = [];
  t.after(async () => {
    for (const c of clients) c.close();
    for (const p of peers) p.destroy();
    await server.close();
    tmp.cleanup();
  });
  const h: Harness = {
    server,
    path,
    dir: tmp.dir,
    async connect(o) {
      const c = options.inMemory ? connectInMemory(server, o) : await connect(path, o);
      clients.push(c);
      return c;
    },
    async streaming(o) {
      const client = await h.connect(o);
      return { client, svc: createClient(Streaming, client) };
    },
    async raw() {
      const p = await RawPeer.connect(path);
      peers.push(p);
      return p;
    },
  };
  return h;
}

/** Starts a fake raw server for one test (closed when the test ends). */
export async function startFakeServer(t: TestContext): Promise<FakeServer> {
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
  t: TestContext,
  options?: ConnectionOptions,
): Promise<{ fake: FakeServer; client: Connection; peer: RawPeer; svc: Client<typeof Streaming> }> {
  const fake = await startFakeServer(t);
  const client = await connect(fake.path, options);
  t.after(() => client.close());
  const peer = await fake.accept();
  return { fake, client, peer, svc: createClient(Streaming, client) };
}
