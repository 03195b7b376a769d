// Method and service lookup by the names users type.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { testSchema } from "../../test/helpers/test-schema.js";
import { findMethod, findService } from "./find-method.js";
import type { Schema } from "./schema.js";

let schema: Schema;

before(async () => {
  schema = await testSchema();
});

describe("findMethod / findService", () => {
  it("accepts full, slash-prefixed, dotted and shortened names", () => {
    for (const name of [
      "ttrpc.interop.v1.Interop/Echo",
      "/ttrpc.interop.v1.Interop/Echo",
      "ttrpc.interop.v1.Interop.Echo",
      "Interop/Echo",
      "v1.Interop/Echo",
      ".ttrpc.interop.v1.Interop/Echo",
    ]) {
      const m = findMethod(schema, name);
      assert.equal(`${m.parent.typeName}/${m.name}`, "ttrpc.interop.v1.Interop/Echo", name);
    }
    assert.equal(findService(schema, "Streaming").typeName, "ttrpc.integration.streaming.Streaming");
  });

  it("rejects malformed, unknown and near-miss names", () => {
    assert.throws(() => findMethod(schema, "Echo"), /expected SERVICE\/METHOD/);
    assert.throws(() => findMethod(schema, "Interop/"), /expected SERVICE\/METHOD/);
    assert.throws(() => findMethod(schema, "Nope/Echo"), /unknown service "Nope"/);
    assert.throws(() => findMethod(schema, "Interop/echo"), /did you mean Echo\?/);
  });
});
