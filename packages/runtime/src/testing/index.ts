// Public API of @ttrpc-ts/runtime/testing: run a Server and a client in one
// process without sockets, fake services, and build handler contexts.

/** Builds a HandlerContext by hand, to call a handler directly in a unit test. */
export { createHandlerContext, type HandlerContextInit } from "../index.js";
/** Two connected in-memory Duplex streams (Node 22.6's `stream.duplexPair`, with a fallback for Node 20). */
export { duplexPair } from "./duplex-pair.js";
/** A typed client answered by an in-memory server: a fake of a service. */
/** A Connection to a Server over an in-memory duplex pair. */
export { connectInMemory, createTestClient, type InMemoryOptions, type TestClientOptions } from "./in-memory.js";
