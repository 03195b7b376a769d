import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Nesting depth after which message fields are left as `{}` (recursive types). */
const MAX_DEPTH = 6;

/**
 * A request skeleton for a message in the protobuf JSON mapping: every
 * field with a zero value, repeated fields with one element, maps with one
 * entry and oneofs with their first member. Parsing it back gives a valid
 * message, so it is a starting point for `ttrpc call -d`.
 */
export function jsonTemplate(desc: DescMessage): JsonValue {
  return messageTemplate(desc, 0, new Set());
}

function messageTemplate(desc: DescMessage, depth: number, path: Set<string>): JsonValue {
  const wkt = wellKnownTemplate(desc);
  if (wkt !== undefined) return wkt;
  if (depth >= MAX_DEPTH || path.has(desc.typeName)) return {};
  const inner = new Set(path).add(desc.typeName);
  const out: { [key: string]: JsonValue } = {};
  for (const member of desc.members) {
    const f = member.kind === "oneof" ? member.fields[0] : member;
    if (f) out[f.jsonName] = fieldTemplate(f, depth, inner);
  }
  return out;
}

function fieldTemplate(f: DescField, depth: number, path: Set<string>): JsonValue {
  switch (f.fieldKind) {
    case "scalar":
      return scalarTemplate(f.scalar);
    case "enum":
      return f.enum.values[0]?.name ?? 0;
    case "message":
      return messageTemplate(f.message, depth + 1, path);
    case "list":
      return [
        f.listKind === "scalar"
          ? scalarTemplate(f.scalar)
          : f.listKind === "enum"
            ? (f.enum.values[0]?.name ?? 0)
            : messageTemplate(f.message, depth + 1, path),
      ];
    case "map": {
      const key = f.mapKey === ScalarType.STRING ? "key" : f.mapKey === ScalarType.BOOL ? "true" : "0";
      const value =
        f.mapKind === "scalar"
          ? scalarTemplate(f.scalar)
          : f.mapKind === "enum"
            ? (f.enum.values[0]?.name ?? 0)
            : messageTemplate(f.message, depth + 1, path);
      return { [key]: value };
    }
  }
}

function scalarTemplate(t: ScalarType): JsonValue {
  switch (t) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return "";
    case ScalarType.BOOL:
      return false;
    // 64-bit integers are strings in the JSON mapping.
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return "0";
    default:
      return 0;
  }
}

/** Well-known types have their own JSON forms. */
function wellKnownTemplate(desc: DescMessage): JsonValue | undefined {
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return "1970-01-01T00:00:00Z";
    case "google.protobuf.Duration":
      return "0s";
    case "google.protobuf.FieldMask":
      return "";
    case "google.protobuf.Struct":
      return {};
    case "google.protobuf.ListValue":
      return [];
    case "google.protobuf.Value":
      return null;
    case "google.protobuf.Empty":
      return {};
    case "google.protobuf.Any":
      return {};
    case "google.protobuf.StringValue":
    case "google.protobuf.BytesValue":
      return "";
    case "google.protobuf.BoolValue":
      return false;
    case "google.protobuf.Int64Value":
    case "google.protobuf.UInt64Value":
      return "0";
    case "google.protobuf.Int32Value":
    case "google.protobuf.UInt32Value":
    case "google.protobuf.FloatValue":
    case "google.protobuf.DoubleValue":
      return 0;
    default:
      return undefined;
  }
}
