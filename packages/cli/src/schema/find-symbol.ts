import type { DescEnum, DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { CliError } from "../cli-error.js";
import type { Schema } from "./schema.js";

/** What `ttrpc describe` can show. */
export type Describable = DescService | DescMethod | DescMessage | DescEnum;

/**
 * Finds a service, method, message or enum by name. Accepts fully qualified
 * names (`pkg.Msg`, `pkg.Svc.Method`, `pkg.Svc/Method`, with or without a
 * leading dot), or a trailing part of one when that is unambiguous.
 */
export function findSymbol(schema: Schema, symbol: string): Describable {
  const want = symbol.replace(/^[./]/, "").replace(/\//g, ".");
  if (want === "") throw new CliError("empty symbol name");
  const all = candidates(schema);
  const exact = all.find((d) => fullName(d) === want);
  if (exact) return exact;
  const matches = all.filter((d) => fullName(d).endsWith(`.${want}`));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new CliError(`symbol "${symbol}" is ambiguous: ${matches.map(fullName).join(", ")}`);
  }
  throw new CliError(`unknown symbol "${symbol}": no service, method, message or enum of that name in the given schemas`);
}

/** The fully qualified name of a describable element. */
export function fullName(d: Describable): string {
  return d.kind === "rpc" ? `${d.parent.typeName}.${d.name}` : d.typeName;
}

function candidates(schema: Schema): Describable[] {
  const out: Describable[] = [];
  for (const file of schema.files.files) {
    for (const s of file.services) out.push(s, ...s.methods);
    const visit = (m: DescMessage): void => {
      out.push(m, ...m.nestedEnums);
      for (const n of m.nestedMessages) visit(n);
    };
    for (const m of file.messages) visit(m);
    out.push(...file.enums);
  }
  return out;
}
