/** The options protoc-gen-ttrpc-ts adds to protoplugin's standard ones. */
export interface PluginOptions {
  /**
   * The npm package generated code imports the ttrpc runtime from.
   * Set with `runtime_package=<name>`; default `@ttrpc-ts/runtime`.
   */
  readonly runtimePackage: string;
}

/** The default of `runtime_package`. */
export const defaultRuntimePackage = "@ttrpc-ts/runtime";

const standardOptions =
  "target, import_extension, js_import_style, rewrite_imports, map_imports, keep_empty_files, ts_nocheck, elide_plugin_version";

/**
 * Parses the options protoplugin did not consume itself. Throwing here makes
 * protoplugin report `invalid option "<raw>": <message>`, and the plugin exit 1.
 */
export function parseOptions(raw: ReadonlyArray<{ key: string; value: string }>): PluginOptions {
  let runtimePackage = defaultRuntimePackage;
  for (const { key, value } of raw) {
    switch (key) {
      case "runtime_package":
        if (value.trim() === "") throw new Error("runtime_package needs a package name, e.g. runtime_package=@ttrpc-ts/runtime");
        runtimePackage = value.trim();
        break;
      default:
        throw new Error(
          `unknown option "${key}"; protoc-gen-ttrpc-ts accepts runtime_package=<npm package> and the standard options ${standardOptions}`,
        );
    }
  }
  return { runtimePackage };
}
