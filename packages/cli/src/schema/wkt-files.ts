import type { DescFile } from "@bufbuild/protobuf";
import * as wkt from "@bufbuild/protobuf/wkt";

let byName: ReadonlyMap<string, DescFile> | undefined;

/**
 * The well-known type files bundled with `@bufbuild/protobuf`
 * (`google/protobuf/empty.proto`, ...), by file name. They fill in imports
 * a descriptor set lacks (one written by protoc without `--include_imports`)
 * and let JSON output resolve `google.protobuf.Any` of well-known types.
 */
export function wellKnownFiles(): ReadonlyMap<string, DescFile> {
  if (!byName) {
    const m = new Map<string, DescFile>();
    for (const value of Object.values(wkt) as unknown[]) {
      if (isDescFile(value)) m.set(value.proto.name, value);
    }
    byName = m;
  }
  return byName;
}

function isDescFile(value: unknown): value is DescFile {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "file";
}
