import { readFileSync } from "node:fs";
import { fromBinary, fromJsonString } from "@bufbuild/protobuf";
import { type FileDescriptorProto, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { CliError, errorMessage } from "../cli-error.js";

/**
 * Reads a `google.protobuf.FileDescriptorSet` file: binary as written by
 * `buf build -o set.binpb` or `protoc --descriptor_set_out` (a buf image is
 * read the same way), or the JSON form (`buf build -o set.json`) when the
 * name ends in `.json`. buf's own image fields are ignored.
 */
export function readDescriptorSet(file: string): FileDescriptorProto[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new CliError(
      `cannot read --descriptor-set ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : errorMessage(e)}`,
    );
  }
  let files: FileDescriptorProto[];
  try {
    const set = file.endsWith(".json")
      ? fromJsonString(FileDescriptorSetSchema, bytes.toString("utf8"), { ignoreUnknownFields: true })
      : fromBinary(FileDescriptorSetSchema, bytes);
    files = set.file;
  } catch (e) {
    throw new CliError(`--descriptor-set ${file} is not a FileDescriptorSet: ${errorMessage(e)}`);
  }
  // Random bytes can decode without error; a real set names every file.
  if (files.length === 0 || files.some((f) => !f.name)) {
    throw new CliError(`--descriptor-set ${file} is not a FileDescriptorSet (no file descriptors in it)`);
  }
  return files;
}
