// Public API of @ttrpc-ts/runtime: what application code uses. Frames, the
// frame parser, the envelope schemas and the method normalizers are in
// @ttrpc-ts/runtime/protocol.

/** Per-call options: timeout, deadline, metadata, signal. */
export type { CallOptions } from "./call-options.js";
// --- Calling a server ---
/** Connect to a ttrpc server over a unix socket or a Duplex. */
export { connect } from "./client/connect.js";
/** A connection to a server, and its options. */
export { Connection, type ConnectionOptions } from "./client/connection.js";
/** A typed client for one service on a connection (or anything with a Connection's call methods). */
export { type CallTarget, createClient } from "./client/create-client.js";
// --- Errors and metadata ---
/** Status codes (gRPC numbering), their names, and parsing. */
export { Code, codeName, parseCode } from "./code.js";
/** What handlers get besides the request; `createHandlerContext` builds one for tests. */
export { createHandlerContext, type HandlerContext, type HandlerContextInit } from "./handler-context.js";
// --- Interceptors ---
/** Client and server interceptors, unary and streaming. */
export type {
  CallNext,
  Interceptor,
  StreamRequest,
  StreamResponse,
  UnaryRequest,
  UnaryResponse,
} from "./interceptor.js";
/** Multi-valued request metadata. */
export { Metadata, type MetadataInit } from "./metadata.js";
/** The identity of the connecting process. */
export type { PeerInfo } from "./peer.js";
// --- Serving ---
/** A ttrpc server, its options, and what `onConnection` sees. */
export { type IncomingConnection, Server, type ServerOptions, type ShutdownOptions } from "./server/server.js";
// --- Typed clients and implementations ---
/** Mapped types: the client and the implementation of a service, one method each. */
export type {
  Client,
  ClientMethod,
  HandlerMethod,
  MaybePromise,
  ServiceImpl,
  TsProtoClient,
  TsProtoClientMethod,
  TsProtoHandlerMethod,
  TsProtoServiceImpl,
} from "./service-types.js";
/** The error of every failed call, and its options. */
export { type OutgoingDetail, TtrpcError, type TtrpcErrorOptions } from "./ttrpc-error.js";
