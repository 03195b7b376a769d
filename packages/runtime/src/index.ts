// Public API of @ttrpc-ts/runtime.

/** Address parsing (path, unix://path, @abstract). */
export { parseAddress } from "./address.js";
/** Per-call options: timeout, deadline, metadata, signal. */
export type { CallOptions } from "./call-options.js";
/** A client connection; its methods call any method by descriptor. */
export { Client, type ClientOptions } from "./client.js";
// --- Errors and metadata ---
/** Status codes (gRPC numbering). */
export { Code, codeName, parseCode } from "./code.js";
// --- Calling: connections and clients ---
/** Connect to a ttrpc server over a unix socket or a Duplex. */
export { type ConnectOptions, connect } from "./connect.js";
/** Typed client for one service. */
export { createClient } from "./create-client.js";
// --- Protocol level (for tools, tests and other libraries) ---
/** Frame constants and encoders. */
export {
  DEFAULT_MAX_MESSAGE_SIZE,
  encodeFrame,
  encodeFrameHeader,
  FRAME_HEADER_LENGTH,
  type Frame,
  FrameFlag,
  FrameType,
} from "./frame.js";
/** Incremental frame decoder. */
export { FrameParser, type FrameSink } from "./frame-parser.js";
export { type Status, StatusSchema } from "./gen/google/rpc/status_pb.js";
/** ttrpc.Request / ttrpc.Response / google.rpc.Status schemas. */
export { type KeyValue, KeyValueSchema, type Request, RequestSchema, type Response, ResponseSchema } from "./gen/ttrpc/request_pb.js";
/** What handlers receive besides the request. */
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
/** Method and service descriptions the runtime accepts. */
export {
  type MethodDef,
  type MethodInput,
  type MethodKind,
  normalizeMethod,
  normalizeService,
  type ServiceDef,
  type ServiceInput,
  type TsProtoMessageFns,
  type TsProtoMethodDefinition,
  type TsProtoServiceDefinition,
} from "./method.js";
/** The identity of the connecting process. */
export type { PeerInfo } from "./peer.js";
// --- Serving ---
/** A ttrpc server. */
export { type IncomingConnection, Server, type ServerOptions, type ShutdownOptions } from "./server.js";
// --- Types for clients and implementations ---
/** Mapped types for typed clients and service implementations. */
export type {
  ClientMethod,
  HandlerMethod,
  MaybePromise,
  ServiceClient,
  ServiceImpl,
  TsProtoClientMethod,
  TsProtoHandlerMethod,
  TsProtoServiceClient,
  TsProtoServiceImpl,
} from "./service-types.js";
/** The error of every failed call. */
export { type OutgoingDetail, TtrpcError, type TtrpcErrorOptions } from "./ttrpc-error.js";
