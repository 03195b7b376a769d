// Public API of @ttrpc-ts/runtime.

// --- Calling: connections and clients ---
/** Connect to a ttrpc server over a unix socket or a Duplex. */
export { connect, type ConnectOptions } from "./connect.js";
/** A client connection; its methods call any method by descriptor. */
export { Client, type ClientOptions } from "./client.js";
/** Typed client for one service. */
export { createClient } from "./create-client.js";
/** Per-call options: timeout, deadline, metadata, signal. */
export type { CallOptions } from "./call-options.js";

// --- Serving ---
/** A ttrpc server. */
export { Server, type ServerOptions, type ShutdownOptions } from "./server.js";
/** What handlers receive besides the request. */
export { type HandlerContext, type HandlerContextInit, createHandlerContext } from "./handler-context.js";
/** The identity of the connecting process. */
export type { PeerInfo } from "./peer.js";

// --- Types for clients and implementations ---
/** Mapped types for typed clients and service implementations. */
export type {
  ServiceClient,
  ServiceImpl,
  ClientMethod,
  HandlerMethod,
  TsProtoServiceClient,
  TsProtoServiceImpl,
  TsProtoClientMethod,
  TsProtoHandlerMethod,
  MaybePromise,
} from "./service-types.js";
/** Method and service descriptions the runtime accepts. */
export {
  type MethodDef,
  type MethodKind,
  type ServiceDef,
  type ServiceInput,
  type MethodInput,
  type TsProtoServiceDefinition,
  type TsProtoMethodDefinition,
  type TsProtoMessageFns,
  normalizeService,
  normalizeMethod,
} from "./method.js";

// --- Errors and metadata ---
/** Status codes (gRPC numbering). */
export { Code, codeName, parseCode } from "./code.js";
/** The error of every failed call. */
export { TtrpcError, type TtrpcErrorOptions, type OutgoingDetail } from "./ttrpc-error.js";
/** Multi-valued request metadata. */
export { Metadata, type MetadataInit } from "./metadata.js";

// --- Interceptors ---
/** Client and server interceptors, unary and streaming. */
export type {
  Interceptor,
  CallNext,
  UnaryRequest,
  UnaryResponse,
  StreamRequest,
  StreamResponse,
} from "./interceptor.js";

// --- Protocol level (for tools, tests and other libraries) ---
/** Frame constants and encoders. */
export {
  FRAME_HEADER_LENGTH,
  DEFAULT_MAX_MESSAGE_SIZE,
  FrameType,
  FrameFlag,
  type Frame,
  encodeFrame,
  encodeFrameHeader,
} from "./frame.js";
/** Incremental frame decoder. */
export { FrameParser, type FrameSink } from "./frame-parser.js";
/** ttrpc.Request / ttrpc.Response / google.rpc.Status schemas. */
export { RequestSchema, ResponseSchema, KeyValueSchema, type Request, type Response, type KeyValue } from "./gen/ttrpc/request_pb.js";
export { StatusSchema, type Status } from "./gen/google/rpc/status_pb.js";
/** Address parsing (path, unix://path, @abstract). */
export { parseAddress } from "./address.js";
