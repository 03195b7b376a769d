// Public API of @ttrpc-ts/protoc-gen-ttrpc-ts. Most users only run the
// `protoc-gen-ttrpc-ts` binary; these exports are for tests and tools that
// run the plugin in process.

/** The plugin's own options. */
export { defaultRuntimePackage, type PluginOptions, parseOptions } from "./options.js";
/** The plugin; `runNodeJs(protocGenTtrpcTs)` makes it a protoc plugin. */
export { protocGenTtrpcTs } from "./protoc-gen-ttrpc-ts-plugin.js";
/** The names generated for a service. */
export { type ServiceNames, serviceNames } from "./service-names.js";
/** The plugin version. */
export { version } from "./version.js";
