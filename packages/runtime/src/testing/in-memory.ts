import type { DescService } from "@bufbuild/protobuf";
// Through the main entry point, so that the published bundle shares its
// classes (TtrpcError, Connection) instead of carrying copies.
import {
  type Client,
  Connection,
  type ConnectionOptions,
  createClient,
  type PeerInfo,
  Server,
  type ServerOptions,
  type ServiceImpl,
} from "../index.js";
import { duplexPair } from "./duplex-pair.js";

/** Options for {@link connectInMemory}. */
export interface InMemoryOptions extends ConnectionOptions {
  /** What the server's handlers see as `context.peer`. */
  peer?: PeerInfo;
}

/**
 * A client Connection to `server` without a socket: the two ends of an
 * in-memory duplex pair, one served by the server and one framed by the
 * connection. Everything else (framing, limits, interceptors, deadlines)
 * is the same as over a socket. `close()` ends both sides.
 */
export function connectInMemory(server: Server, options: InMemoryOptions = {}): Connection {
  const [clientEnd, serverEnd] = duplexPair();
  server.serve(serverEnd, options.peer);
  return new Connection(clientEnd, options);
}

/** Options for {@link createTestClient}. */
export interface TestClientOptions {
  /** Options of the in-memory server. */
  server?: ServerOptions;
  /** Options of the client's connection. */
  connection?: InMemoryOptions;
}

/**
 * A typed client for `service`, answered by `impl` on a fresh in-memory
 * server: fake a service a unit under test depends on. Methods `impl`
 * leaves out answer UNIMPLEMENTED, as a real server would.
 *
 * ```ts
 * const tasks = createTestClient(Task, { async state(req) { return { status: Status.RUNNING }; } });
 * await codeUnderTest(tasks);
 * ```
 */
export function createTestClient<S extends DescService>(
  service: S,
  impl: Partial<ServiceImpl<S>>,
  options: TestClientOptions = {},
): Client<S> {
  const server = new Server(options.server);
  server.register(service, impl);
  return createClient(service, connectInMemory(server, options.connection));
}
