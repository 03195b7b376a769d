import { CliError } from "../cli-error.js";
import { jsonTemplate } from "../describe/json-template.js";
import { describeText } from "../describe/proto-text.js";
import { ExitCode } from "../exit-codes.js";
import { findSymbol } from "../schema/find-symbol.js";
import { loadSchema, type SchemaOptions } from "../schema/load-schema.js";
import type { CommandIo } from "./io.js";

/** Options of `ttrpc describe`. */
export interface DescribeCommandOptions extends SchemaOptions {
  /** Print a JSON request template instead of the definition. */
  template?: boolean | undefined;
}

/**
 * `ttrpc describe [SYMBOL]`: a service, method, message or enum as
 * .proto-like text; every service when SYMBOL is omitted. With `--template`,
 * a JSON skeleton of a message (of a method's request, for a method).
 */
export async function runDescribe(symbol: string | undefined, options: DescribeCommandOptions, io: CommandIo): Promise<number> {
  const schema = await loadSchema(options);
  if (symbol === undefined) {
    if (options.template) throw new CliError("--template needs a SYMBOL: a message or a method");
    if (schema.services.length === 0) {
      io.stderr.write("ttrpc: the given schemas define no services; name a message or enum to describe\n");
      return ExitCode.Ok;
    }
    io.stdout.write(schema.services.map(describeText).join("\n"));
    return ExitCode.Ok;
  }
  const found = findSymbol(schema, symbol);
  if (options.template) {
    const message = found.kind === "rpc" ? found.input : found.kind === "message" ? found : undefined;
    if (!message)
      throw new CliError(`--template works for a message or a method, and ${symbol} is a${found.kind === "enum" ? "n enum" : " service"}`);
    io.stdout.write(`${JSON.stringify(jsonTemplate(message), null, 2)}\n`);
    return ExitCode.Ok;
  }
  io.stdout.write(describeText(found));
  return ExitCode.Ok;
}
