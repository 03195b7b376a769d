import { CliError } from "./cli-error.js";

/**
 * Parses one `--metadata key=value` argument. The first `=` separates key
 * and value, so values may contain `=`; the value may be empty.
 */
export function parseMetadataPair(text: string): [string, string] {
  const eq = text.indexOf("=");
  const key = eq < 0 ? "" : text.slice(0, eq).trim();
  if (eq < 0 || key === "") {
    throw new CliError(`invalid --metadata "${text}": expected key=value`);
  }
  return [key, text.slice(eq + 1)];
}
