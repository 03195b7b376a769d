import { rpcLine } from "../describe/proto-text.js";
import { ExitCode } from "../exit-codes.js";
import { findService } from "../schema/find-method.js";
import { loadSchema, type SchemaOptions } from "../schema/load-schema.js";
import type { CommandIo } from "./io.js";

/** Options of `ttrpc list`. */
export interface ListCommandOptions extends SchemaOptions {
  /** Print only `Service/Method` names, one per line. */
  names?: boolean | undefined;
}

/**
 * `ttrpc list [SERVICE]`: the services in the schema and their methods, or
 * with `--names` one `pkg.Service/Method` per line (the form `call` takes).
 */
export async function runList(serviceName: string | undefined, options: ListCommandOptions, io: CommandIo): Promise<number> {
  const schema = await loadSchema(options);
  const services = serviceName === undefined ? schema.services : [findService(schema, serviceName)];
  if (services.length === 0) {
    io.stderr.write("ttrpc: the given schemas define no services\n");
    return ExitCode.Ok;
  }
  const lines: string[] = [];
  for (const s of services) {
    if (options.names) {
      for (const m of s.methods) lines.push(`${s.typeName}/${m.name}`);
    } else {
      lines.push(s.typeName);
      for (const m of s.methods) lines.push(rpcLine(m, "  ").replace(/ \/\/.*$/, ""));
    }
  }
  io.stdout.write(`${lines.join("\n")}\n`);
  return ExitCode.Ok;
}
