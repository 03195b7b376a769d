// Public API of @ttrpc-ts/nri: NRI plugins in TypeScript.

/** Event masks: which events a plugin subscribes to. */
export { ALL_EVENTS, eventBit, eventMask, eventsOf } from "./events.js";
/** The NRI API (nri.pkg.api.v1alpha1): messages, enums and service descriptors. */
export * from "./gen/api_pb.js";
/** Typed ttrpc clients and service registration for the NRI services. */
export * from "./gen/api_ttrpc.js";
/** The containerd/nri release the API was generated from. */
export { NRI_VERSION } from "./gen/version.js";
/** What a plugin implements. */
export type { ContainerUpdateInit, CreateContainerResult, PluginHandlers, RuntimeInfo } from "./handlers.js";
/** Plugin name and index rules and lookup. */
export {
  checkPluginIndex,
  checkPluginName,
  PLUGIN_IDX_ENV,
  PLUGIN_NAME_ENV,
  type PluginIdentity,
  resolvePluginIdentity,
} from "./identity.js";
/** The plugin stub. */
export {
  createPlugin,
  DEFAULT_REGISTRATION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  NriPlugin,
  type PluginOptions,
} from "./plugin.js";
/** Which events the handlers cover. */
export { handledEvents } from "./plugin-service.js";
/** Connecting to the runtime by path or inherited file descriptor. */
export { DEFAULT_SOCKET_PATH, type NriSocketOptions, openNriSocket, PLUGIN_SOCKET_ENV } from "./socket.js";
