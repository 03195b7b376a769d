// loadSchema: the interop protos compiled with the bundled buf.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { FIXTURE_PROTO, INTEROP_PROTO, REPO_ROOT } from "../../test/helpers/paths.js";
import { testSchema } from "../../test/helpers/test-schema.js";
import { CliError } from "../cli-error.js";
import { loadSchema } from "./load-schema.js";
import type { Schema } from "./schema.js";

let schema: Schema;

before(async () => {
  schema = await testSchema();
});

describe("loadSchema", () => {
  it("compiles .proto files with several include directories, well-known imports included", () => {
    assert.deepEqual(
      schema.services.map((s) => s.typeName),
      ["ttrpc.cli.test.v1.Missing", "ttrpc.integration.streaming.Streaming", "ttrpc.interop.v1.Interop"],
    );
    assert.ok(schema.files.getFile("google/protobuf/empty.proto"));
  });

  it("accepts a file by its path on disk when it lies in an include directory", async () => {
    const s = await loadSchema({ proto: [`${INTEROP_PROTO}/ttrpc/interop/v1/interop.proto`], importPath: [INTEROP_PROTO] });
    assert.ok(s.files.getFile("ttrpc/interop/v1/interop.proto"));
  });

  it("explains a missing schema, a missing file and a file outside every -I", async () => {
    await assert.rejects(loadSchema({}), /no schema: pass --proto FILE/);
    await assert.rejects(loadSchema({ proto: ["nope.proto"], importPath: [INTEROP_PROTO] }), /--proto nope\.proto: no such file/);
    await assert.rejects(
      loadSchema({ proto: [`${REPO_ROOT}/interop/proto/ttrpc/interop/v1/interop.proto`], importPath: [FIXTURE_PROTO] }),
      /is not inside any include directory/,
    );
    await assert.rejects(
      loadSchema({ proto: ["x.proto"], importPath: ["/nonexistent-dir"] }),
      /include directory \/nonexistent-dir does not exist/,
    );
  });

  it("reports compile errors with the user's paths", async () => {
    await assert.rejects(
      loadSchema({ proto: ["ttrpc/cli/test/v1/missing.proto"], importPath: [FIXTURE_PROTO] }),
      (e: unknown) =>
        e instanceof CliError &&
        e.message.startsWith("cannot compile .proto files:") &&
        e.message.includes(`${FIXTURE_PROTO}/ttrpc/cli/test/v1/missing.proto`),
    );
  });
});
