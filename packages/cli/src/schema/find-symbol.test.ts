// Symbol lookup for `ttrpc describe`.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { testSchema } from "../../test/helpers/test-schema.js";
import { findSymbol } from "./find-symbol.js";
import type { Schema } from "./schema.js";

let schema: Schema;

before(async () => {
  schema = await testSchema();
});

describe("findSymbol", () => {
  it("reports unknown and ambiguous symbols", () => {
    assert.throws(() => findSymbol(schema, "NoSuchThing"), /unknown symbol "NoSuchThing"/);
    // Echo is a method in both services.
    assert.throws(
      () => findSymbol(schema, "Echo"),
      /ambiguous: .*Interop\.Echo.*Streaming\.Echo|ambiguous: .*Streaming\.Echo.*Interop\.Echo/,
    );
  });
});
