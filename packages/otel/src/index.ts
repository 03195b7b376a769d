// Public API of @ttrpc-ts/otel.

/** The call-side interceptor: client spans, trace context sent in metadata. */
export { createOtelClientInterceptor } from "./client-interceptor.js";
/** The text-map getter and setter over ttrpc metadata, for custom propagation. */
export { metadataGetter, metadataSetter } from "./metadata-carrier.js";
/** Options of both interceptors. */
export type { MessageEventKind, OtelOptions, TracedCall } from "./options.js";
/** Attribute and event names, identical to containerd/otelttrpc's. */
export {
  ATTR_MESSAGE_ID,
  ATTR_MESSAGE_TYPE,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
  ATTR_RPC_TTRPC_STATUS_CODE,
  EVENT_MESSAGE,
  RPC_SYSTEM_TTRPC,
} from "./semconv.js";
/** The serving-side interceptor: server spans continuing the caller's trace. */
export { createOtelServerInterceptor } from "./server-interceptor.js";
/** Instrumentation scope name and version of the tracer. */
export { INSTRUMENTATION_NAME, VERSION } from "./version.js";
