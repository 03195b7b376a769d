// The schema the unit tests of loading, lookup and the describe printers
// share: the interop protos and a test-only proto, compiled once per
// process with the bundled buf.
import { loadSchema } from "../../src/schema/load-schema.js";
import type { Schema } from "../../src/schema/schema.js";
import { FIXTURE_PROTO, INTEROP_PROTO } from "./paths.js";

let loaded: Promise<Schema> | undefined;

/** The shared test schema (services Missing, Streaming and Interop). */
export function testSchema(): Promise<Schema> {
  loaded ??= loadSchema({
    proto: ["ttrpc/interop/v1/interop.proto", "ttrpc/integration/streaming/test.proto", "ttrpc/cli/test/v1/missing.proto"],
    importPath: [INTEROP_PROTO, FIXTURE_PROTO],
  });
  return loaded;
}
