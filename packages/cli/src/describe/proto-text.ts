import {
  type DescEnum,
  type DescField,
  type DescMessage,
  type DescMethod,
  type DescOneof,
  type DescService,
  ScalarType,
} from "@bufbuild/protobuf";
import { Edition, FieldDescriptorProto_Label } from "@bufbuild/protobuf/wkt";
import type { Describable } from "../schema/find-symbol.js";
import { type Commentable, commentsOf } from "./comments.js";

const INDENT = "  ";

/**
 * Renders a service, method, message or enum as `.proto`-like text, with
 * the source comments where the schema kept them. Type references are
 * fully qualified so they can be passed to `ttrpc describe` again. A
 * method is followed by its request and response messages.
 */
export function describeText(d: Describable): string {
  const out: string[] = [];
  switch (d.kind) {
    case "service":
      out.push(header(d.typeName, "service", d.file.proto.name), ...service(d));
      break;
    case "rpc":
      out.push(header(`${d.parent.typeName}.${d.name}`, `method (${kindText(d.methodKind)})`, d.parent.file.proto.name));
      out.push(...leading(d, ""), rpcLine(d), "");
      out.push(`// request: ${d.input.typeName}`, ...message(d.input, ""), "");
      out.push(`// response: ${d.output.typeName}`, ...message(d.output, ""));
      break;
    case "message":
      out.push(header(d.typeName, "message", d.file.proto.name), ...message(d, ""));
      break;
    case "enum":
      out.push(header(d.typeName, "enum", d.file.proto.name), ...enumLines(d, ""));
      break;
  }
  return `${out.join("\n")}\n`;
}

/** One line per method: `rpc Name(stream In) returns (stream Out);`. */
export function rpcLine(m: DescMethod, indent = ""): string {
  const streamIn = m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming" ? "stream " : "";
  const streamOut = m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming" ? "stream " : "";
  const opts = m.deprecated ? " [deprecated = true]" : "";
  return `${indent}rpc ${m.name}(${streamIn}${m.input.typeName}) returns (${streamOut}${m.output.typeName})${opts};${trailing(m)}`;
}

function header(name: string, what: string, file: string): string {
  return `// ${name}: ${what} in ${file}\n`;
}

function kindText(kind: DescMethod["methodKind"]): string {
  return kind.replace("_", "-");
}

function service(s: DescService): string[] {
  const out = [...leading(s, ""), `service ${s.name} {`];
  s.methods.forEach((m, i) => {
    if (i > 0 && commentsOf(m).leading) out.push("");
    out.push(...leading(m, INDENT), rpcLine(m, INDENT));
  });
  out.push("}");
  return out;
}

function message(m: DescMessage, indent: string): string[] {
  const inner = indent + INDENT;
  const out = [...leading(m, indent), `${indent}message ${m.name} {`];
  for (const member of m.members) {
    if (member.kind === "oneof") out.push(...oneof(member, inner));
    else out.push(...leading(member, inner), fieldLine(member, inner));
  }
  const reserved = reservedLines(m, inner);
  out.push(...reserved);
  for (const e of m.nestedEnums) out.push("", ...enumLines(e, inner));
  for (const n of m.nestedMessages) out.push("", ...message(n, inner));
  out.push(`${indent}}`);
  return out;
}

function oneof(o: DescOneof, indent: string): string[] {
  const out = [...leading(o, indent), `${indent}oneof ${o.name} {`];
  for (const f of o.fields) out.push(...leading(f, indent + INDENT), fieldLine(f, indent + INDENT));
  out.push(`${indent}}`);
  return out;
}

function fieldLine(f: DescField, indent: string): string {
  const opts: string[] = [];
  if (f.proto.defaultValue !== "" && f.proto.defaultValue !== undefined) {
    opts.push(
      `default = ${f.fieldKind === "scalar" && f.scalar === ScalarType.STRING ? JSON.stringify(f.proto.defaultValue) : f.proto.defaultValue}`,
    );
  }
  if (f.deprecated) opts.push("deprecated = true");
  const suffix = opts.length > 0 ? ` [${opts.join(", ")}]` : "";
  return `${indent}${label(f)}${fieldType(f)} ${f.name} = ${f.number}${suffix};${trailing(f)}`;
}

function label(f: DescField): string {
  if (f.fieldKind === "list") return "repeated ";
  if (f.fieldKind === "map" || f.oneof) return "";
  const edition = f.parent.file.edition;
  if (edition === Edition.EDITION_PROTO2) {
    return f.proto.label === FieldDescriptorProto_Label.REQUIRED ? "required " : "optional ";
  }
  if (edition === Edition.EDITION_PROTO3) return f.proto.proto3Optional ? "optional " : "";
  return "";
}

function fieldType(f: DescField): string {
  switch (f.fieldKind) {
    case "scalar":
      return scalarName(f.scalar);
    case "enum":
      return f.enum.typeName;
    case "message":
      return f.message.typeName;
    case "list":
      return f.listKind === "scalar" ? scalarName(f.scalar) : f.listKind === "enum" ? f.enum.typeName : f.message.typeName;
    case "map": {
      const value = f.mapKind === "scalar" ? scalarName(f.scalar) : f.mapKind === "enum" ? f.enum.typeName : f.message.typeName;
      return `map<${scalarName(f.mapKey)}, ${value}>`;
    }
  }
}

/** `ScalarType` value to its .proto keyword. */
export function scalarName(t: ScalarType): string {
  return ScalarType[t].toLowerCase();
}

function enumLines(e: DescEnum, indent: string): string[] {
  const out = [...leading(e, indent), `${indent}enum ${e.name} {`];
  for (const v of e.values) {
    const opts = v.deprecated ? " [deprecated = true]" : "";
    out.push(...leading(v, indent + INDENT), `${indent}${INDENT}${v.name} = ${v.number}${opts};${trailing(v)}`);
  }
  out.push(`${indent}}`);
  return out;
}

function reservedLines(m: DescMessage, indent: string): string[] {
  const out: string[] = [];
  // DescriptorProto.ReservedRange.end is exclusive.
  const ranges = m.proto.reservedRange.map((r) =>
    r.end - 1 === r.start ? `${r.start}` : `${r.start} to ${r.end - 1 === 536870911 ? "max" : r.end - 1}`,
  );
  if (ranges.length > 0) out.push(`${indent}reserved ${ranges.join(", ")};`);
  if (m.proto.reservedName.length > 0) out.push(`${indent}reserved ${m.proto.reservedName.map((n) => JSON.stringify(n)).join(", ")};`);
  return out;
}

function leading(d: Commentable, indent: string): string[] {
  const text = commentsOf(d).leading;
  if (!text) return [];
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => `${indent}//${line}`.trimEnd());
}

function trailing(d: Commentable): string {
  const text = commentsOf(d).trailing;
  if (!text) return "";
  return ` // ${text
    .trim()
    .split("\n")
    .map((l) => l.trim())
    .join(" ")}`;
}
