import { type DescMessage, fromJson, type JsonValue, type Message, type Registry, toJsonString } from "@bufbuild/protobuf";
import { CliError, errorMessage } from "./cli-error.js";

/** How responses are rendered. */
export interface JsonOutputOptions {
  /** Print fields that hold their default value (`--emit-defaults`). */
  emitDefaults: boolean;
  /** Use the .proto field names instead of lowerCamelCase (`--proto-field-names`). */
  protoFieldNames: boolean;
  /** Indent with two spaces instead of one line per message (`--pretty`). */
  pretty: boolean;
}

/**
 * Parses one request in the protobuf JSON mapping. `where` names the source
 * for the error message (e.g. `request`, `stdin line 3`). Unknown fields
 * are an error: a typo would otherwise be dropped silently.
 */
export function parseJsonMessage(desc: DescMessage, text: string, registry: Registry, where: string): Message {
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new CliError(`invalid JSON in ${where}: ${errorMessage(e)}`);
  }
  try {
    return fromJson(desc, json, { registry });
  } catch (e) {
    throw new CliError(`invalid request in ${where}: ${errorMessage(e)}`);
  }
}

/** Renders a message in the protobuf JSON mapping. */
export function formatJsonMessage(desc: DescMessage, message: Message, registry: Registry, options: JsonOutputOptions): string {
  return toJsonString(desc, message, {
    registry,
    alwaysEmitImplicit: options.emitDefaults,
    useProtoFieldName: options.protoFieldNames,
    prettySpaces: options.pretty ? 2 : 0,
  });
}
