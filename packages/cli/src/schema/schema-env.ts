import { CliError } from "../cli-error.js";
import type { SchemaOptions } from "./schema-options.js";

/**
 * Parses `TTRPC_SCHEMA`, the schema options set once for every command
 * (`export TTRPC_SCHEMA="-I protos --proto api/task.proto"`): the same
 * `--proto`, `-I`/`--import-path` and `--descriptor-set` options as on the
 * command line, separated by spaces (paths with spaces are not supported
 * there). Undefined when the variable is unset or blank.
 */
export function schemaFromEnv(value: string | undefined): SchemaOptions | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const tokens = value.trim().split(/\s+/);
  const options: { proto: string[]; importPath: string[]; descriptorSet: string[] } = { proto: [], importPath: [], descriptorSet: [] };
  const keys: Record<string, keyof typeof options> = {
    "--proto": "proto",
    "-I": "importPath",
    "--import-path": "importPath",
    "--descriptor-set": "descriptorSet",
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    const eq = token.indexOf("=");
    const [flag, inline] = token.startsWith("--") && eq > 0 ? [token.slice(0, eq), token.slice(eq + 1)] : [token, undefined];
    // -Idir, as protoc accepts it.
    const [name, attached] = flag.startsWith("-I") && flag.length > 2 ? ["-I", flag.slice(2)] : [flag, inline];
    const key = keys[name];
    if (key === undefined) {
      throw new CliError(
        `TTRPC_SCHEMA: unexpected ${JSON.stringify(token)}; it holds --proto FILE, -I DIR and --descriptor-set FILE options`,
      );
    }
    const arg = attached ?? tokens[++i];
    if (arg === undefined || arg === "") throw new CliError(`TTRPC_SCHEMA: ${name} needs a value`);
    options[key].push(arg);
  }
  return options;
}
