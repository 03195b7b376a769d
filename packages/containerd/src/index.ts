// Public API of @ttrpc-ts/containerd: helpers for shims and events. The
// generated APIs are subpath exports: ./task/v3, ./task/v2, ./events,
// ./bootstrap and ./types.

/** Connects to a shim's ttrpc socket. */
export { connectShim } from "./connect-shim.js";
/** Event envelopes: build one, check a topic, decode the event inside. */
export { createEnvelope, type EnvelopeInit, taskEventRegistry, unpackEvent, validateTopic } from "./envelope.js";
/** Publishes events to containerd's ttrpc Events service. */
export {
  type ConnectEventPublisherOptions,
  connectEventPublisher,
  createEventPublisher,
  type EventPublisher,
} from "./event-publisher.js";
/** The namespace every containerd call carries, in ttrpc metadata. */
export { NAMESPACE_METADATA_KEY, validateNamespace, withNamespace } from "./namespace.js";
/** Normalizes a shim address (`unix://`, `ttrpc+unix://`, path). */
export { shimSocketAddress } from "./shim-address.js";
/** Creates and reads the `log` fifo a shim daemon writes to. */
export { openShimLog, type ShimLog } from "./shim-log.js";
/** Reads a shim `start`'s stdout (bootstrap protobuf, JSON or address text). */
export { parseStartResult } from "./start-result.js";
/** Starts a shim through containerd 2.x's bootstrap protocol (or the legacy one). */
export { type StartedShim, type StartShimOptions, startShim } from "./start-shim.js";
