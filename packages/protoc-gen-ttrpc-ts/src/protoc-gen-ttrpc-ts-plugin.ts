import { createEcmaScriptPlugin, type Plugin } from "@bufbuild/protoplugin";
import { generateFiles } from "./generate.js";
import { parseOptions } from "./options.js";
import { version } from "./version.js";

/**
 * The protoc-gen-ttrpc-ts plugin: for every proto file with services it
 * writes `<name>_ttrpc.ts` (or `.js` and `.d.ts`) beside protoc-gen-es's
 * `<name>_pb` output, with a shared service interface, a typed client
 * factory and a registration function per service.
 *
 * Run it with `runNodeJs(protocGenTtrpcTs)`, or call `run(request)` directly
 * with a `CodeGeneratorRequest`.
 */
export const protocGenTtrpcTs: Plugin = createEcmaScriptPlugin({
  name: "protoc-gen-ttrpc-ts",
  version,
  parseOptions,
  generateTs: (schema) => generateFiles(schema, "ts"),
  generateJs: (schema) => generateFiles(schema, "js"),
  generateDts: (schema) => generateFiles(schema, "dts"),
});
