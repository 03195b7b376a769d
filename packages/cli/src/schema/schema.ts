import { create, createFileRegistry, createRegistry, type DescService, type FileRegistry, type Registry } from "@bufbuild/protobuf";
import { type FileDescriptorProto, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { CliError, errorMessage } from "../cli-error.js";
import { wellKnownFiles } from "./wkt-files.js";

/**
 * The protobuf types a command works with, from `--proto` files and/or
 * descriptor sets.
 */
export interface Schema {
  /** Every file given, plus the well-known types they import. */
  readonly files: FileRegistry;
  /**
   * Everything in {@link files} plus all well-known types: what JSON
   * conversion resolves `google.protobuf.Any` against.
   */
  readonly types: Registry;
  /** All services, sorted by fully qualified name. */
  readonly services: readonly DescService[];
}

/**
 * Builds a {@link Schema} from file descriptors. When a file is given more
 * than once (the same import in two sets) the first copy wins. Imports
 * missing from the input are taken from the bundled well-known types;
 * anything else missing is an error that says how to fix the set.
 */
export function buildSchema(input: readonly FileDescriptorProto[]): Schema {
  const byName = new Map<string, FileDescriptorProto>();
  for (const f of input) if (!byName.has(f.name)) byName.set(f.name, f);
  const wkt = wellKnownFiles();

  // Dependencies first: the registry links types in the order files are added.
  const ordered: FileDescriptorProto[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (f: FileDescriptorProto): void => {
    const s = state.get(f.name);
    if (s === "done") return;
    if (s === "visiting") throw new CliError(`import cycle through ${f.name}`);
    state.set(f.name, "visiting");
    for (const dep of f.dependency) {
      const d = byName.get(dep) ?? wkt.get(dep)?.proto;
      if (!d) {
        throw new CliError(
          `${dep} (imported by ${f.name}) is missing from the schema; ` +
            "build the descriptor set with its imports (buf build, or protoc --include_imports)",
        );
      }
      visit(d);
    }
    state.set(f.name, "done");
    ordered.push(f);
  };
  for (const f of byName.values()) visit(f);

  let files: FileRegistry;
  try {
    files = createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
  } catch (e) {
    throw new CliError(`invalid schema: ${errorMessage(e)}`);
  }
  const services: DescService[] = [];
  for (const file of files.files) services.push(...file.services);
  services.sort((a, b) => (a.typeName < b.typeName ? -1 : a.typeName > b.typeName ? 1 : 0));
  const types = createRegistry(...wkt.values(), files);
  return { files, types, services };
}
