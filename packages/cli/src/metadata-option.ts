import { CliError } from "./cli-error.js";

/**
 * Parses one `-m key=value` or `-H 'key: value'` argument (grpcurl's and
 * curl's header form). The first `=` or `:` separates key and value, so
 * values may contain either; after a `:` leading spaces are dropped. The
 * value may be empty.
 */
export function parseMetadataPair(text: string): [string, string] {
  const sep = text.search(/[=:]/);
  const key = sep < 0 ? "" : text.slice(0, sep).trim();
  if (sep < 0 || key === "") {
    throw new CliError(`invalid metadata "${text}": expected key=value or "key: value"`);
  }
  const value = text.slice(sep + 1);
  return [key, text[sep] === ":" ? value.trimStart() : value];
}
