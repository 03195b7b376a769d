import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";

/**
 * The proto comments of a service or method as JSDoc text: leading and
 * trailing comments, then `extra` paragraphs, then the `@generated from`
 * and `@deprecated` tags.
 */
export function docText(desc: DescService | DescMethod, extra: readonly string[] = []): string {
  const paragraphs: string[] = [];
  const { leading, trailing } = getComments(desc);
  for (const c of [leading, trailing]) {
    if (c === undefined) continue;
    // protoc keeps the space after `//`; JSDoc does not want it.
    const text = c
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => (line.startsWith(" ") ? line.slice(1) : line))
      .join("\n");
    if (text.trim() !== "") paragraphs.push(text);
  }
  paragraphs.push(...extra.map((e) => wrap(e)));
  const tags = [`@generated from ${desc.toString()}`];
  if (desc.deprecated) tags.push("@deprecated");
  paragraphs.push(tags.join("\n"));
  return paragraphs.join("\n\n");
}

/** JSDoc text for a symbol generated for a whole service (client type, functions). */
export function serviceSymbolDoc(service: DescService, text: string): string {
  const wrapped = wrap(text);
  return service.deprecated ? `${wrapped}\n\n@deprecated` : wrapped;
}

/** Wraps our own prose (never proto comments) so JSDoc lines stay within 80 columns. */
function wrap(text: string, width = 76): string {
  const lines: string[] = [];
  let line = "";
  // `{@link X}` stays on one line.
  for (const word of text.match(/\{@link [^}]*\}\S*|\S+/g) ?? []) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}
