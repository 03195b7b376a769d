import { fromBinary } from "@bufbuild/protobuf";
import { type FileDescriptorProto, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { CliError } from "../cli-error.js";
import { compileProtos } from "./compile-protos.js";
import { readDescriptorSet } from "./read-descriptor-set.js";
import { buildSchema, type Schema } from "./schema.js";
import { schemaFromEnv } from "./schema-env.js";
import type { SchemaOptions } from "./schema-options.js";

export type { SchemaOptions };

/**
 * Loads the schema a command needs. ttrpc has no server reflection, so the
 * types must come from `.proto` files (compiled with buf) or from
 * descriptor sets; both may be combined. Without any schema option on the
 * command line, the options in `TTRPC_SCHEMA` are used (see schemaFromEnv).
 */
export async function loadSchema(given: SchemaOptions, env: NodeJS.ProcessEnv = process.env): Promise<Schema> {
  const onCommandLine = [given.proto, given.importPath, given.descriptorSet].some((o) => (o ?? []).length > 0);
  const options = onCommandLine ? given : (schemaFromEnv(env.TTRPC_SCHEMA) ?? given);
  const protos = options.proto ?? [];
  const sets = options.descriptorSet ?? [];
  if (protos.length === 0 && sets.length === 0) {
    if ((options.importPath ?? []).length > 0) throw new CliError("-I only says where imports are found; name the files with --proto FILE");
    throw new CliError(
      "no schema: pass --proto FILE (plus -I DIR for its imports) or --descriptor-set FILE, or set them once in TTRPC_SCHEMA; " +
        "ttrpc servers cannot describe themselves, so the tool needs the service definitions",
    );
  }
  const files: FileDescriptorProto[] = [];
  if (protos.length > 0) {
    const bytes = await compileProtos({ files: protos, includeDirs: options.importPath ?? [] });
    files.push(...fromBinary(FileDescriptorSetSchema, bytes).file);
  }
  for (const set of sets) files.push(...readDescriptorSet(set));
  return buildSchema(files);
}
