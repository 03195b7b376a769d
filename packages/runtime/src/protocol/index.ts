// Public API of @ttrpc-ts/runtime/protocol: the wire level, for tools,
// tests, other transports and libraries that speak ttrpc themselves.
// Applications use @ttrpc-ts/runtime.

/** Address parsing (path, unix://, @abstract, tcp://, hvsock://, named pipes) and its short form. */
export { type Address, formatAddress, parseAddress } from "../address.js";
/** The `google.rpc.Status` schema errors travel as. */
export { type Status, StatusSchema } from "../gen/google/rpc/status_pb.js";
/** The `ttrpc.Request` / `ttrpc.Response` envelope schemas. */
export { type KeyValue, KeyValueSchema, type Request, RequestSchema, type Response, ResponseSchema } from "../gen/ttrpc/request_pb.js";
/** Method and service descriptions the runtime accepts, and how inputs become them. */
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
} from "../method.js";
/** Opens a byte stream to any parsed address (what `connect` uses before it frames). */
export { type DialOptions, dial } from "../transport/dial.js";
/** Host-initiated hybrid vsock: CONNECT <port> on a VMM's unix socket, with Kata's retry windows. */
export { dialHybridVsock, type HybridVsockDialOptions, hybridVsockListenPath } from "../transport/hybrid-vsock.js";
/** The default listen backlog: the system's somaxconn on Linux, else 511. */
export { defaultBacklog } from "../transport/somaxconn.js";
/** Frame layout: header length, default size limit, types, flags and encoders. */
export {
  DEFAULT_MAX_MESSAGE_SIZE,
  encodeFrame,
  encodeFrameHeader,
  FRAME_HEADER_LENGTH,
  type Frame,
  FrameFlag,
  FrameType,
} from "../wire/frame.js";
/** Incremental frame decoder. */
export { FrameParser, type FrameSink } from "../wire/frame-parser.js";
