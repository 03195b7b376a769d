import type { DescEnum, DescEnumValue, DescField, DescFile, DescMessage, DescMethod, DescOneof, DescService } from "@bufbuild/protobuf";

/** Elements whose source comments can be looked up. */
export type Commentable = DescService | DescMethod | DescMessage | DescEnum | DescEnumValue | DescField | DescOneof;

/** The comments attached to an element in its .proto source. */
export interface SourceComments {
  readonly leading: string | undefined;
  readonly trailing: string | undefined;
}

const locationCache = new WeakMap<DescFile, Map<string, SourceComments>>();

/**
 * The comments of an element, taken from the file's `source_code_info`
 * (present when buf or protoc kept it; `buf build` does by default).
 */
export function commentsOf(d: Commentable): SourceComments {
  const path = sourcePath(d);
  if (!path) return { leading: undefined, trailing: undefined };
  return locations(fileOf(d)).get(path.join(",")) ?? { leading: undefined, trailing: undefined };
}

function locations(file: DescFile): Map<string, SourceComments> {
  let m = locationCache.get(file);
  if (!m) {
    m = new Map();
    for (const loc of file.proto.sourceCodeInfo?.location ?? []) {
      const leading = loc.leadingComments || undefined;
      const trailing = loc.trailingComments || undefined;
      if (leading !== undefined || trailing !== undefined) m.set(loc.path.join(","), { leading, trailing });
    }
    locationCache.set(file, m);
  }
  return m;
}

function fileOf(d: Commentable): DescFile {
  switch (d.kind) {
    case "rpc":
      return d.parent.file;
    case "enum_value":
      return d.parent.file;
    case "field":
    case "oneof":
      return d.parent.file;
    default:
      return d.file;
  }
}

// Field numbers in google/protobuf/descriptor.proto that source paths use.
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const MESSAGE_ONEOF = 8;
const SERVICE_METHOD = 2;
const ENUM_VALUE = 2;

/** The `SourceCodeInfo.Location.path` of an element, if it can be found. */
function sourcePath(d: Commentable): number[] | undefined {
  switch (d.kind) {
    case "service":
      return at([], FILE_SERVICE, d.file.proto.service.indexOf(d.proto));
    case "rpc": {
      const parent = sourcePath(d.parent);
      return parent && at(parent, SERVICE_METHOD, d.parent.proto.method.indexOf(d.proto));
    }
    case "message": {
      if (!d.parent) return at([], FILE_MESSAGE, d.file.proto.messageType.indexOf(d.proto));
      const parent = sourcePath(d.parent);
      return parent && at(parent, MESSAGE_NESTED, d.parent.proto.nestedType.indexOf(d.proto));
    }
    case "enum": {
      if (!d.parent) return at([], FILE_ENUM, d.file.proto.enumType.indexOf(d.proto));
      const parent = sourcePath(d.parent);
      return parent && at(parent, MESSAGE_ENUM, d.parent.proto.enumType.indexOf(d.proto));
    }
    case "enum_value": {
      const parent = sourcePath(d.parent);
      return parent && at(parent, ENUM_VALUE, d.parent.proto.value.indexOf(d.proto));
    }
    case "field": {
      const parent = sourcePath(d.parent);
      return parent && at(parent, MESSAGE_FIELD, d.parent.proto.field.indexOf(d.proto));
    }
    case "oneof": {
      const parent = sourcePath(d.parent);
      return parent && at(parent, MESSAGE_ONEOF, d.parent.proto.oneofDecl.indexOf(d.proto));
    }
  }
}

function at(parent: number[], field: number, index: number): number[] | undefined {
  return index < 0 ? undefined : [...parent, field, index];
}
