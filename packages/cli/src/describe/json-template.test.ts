// The JSON request template `ttrpc describe --template` prints.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { testSchema } from "../../test/helpers/test-schema.js";
import { findSymbol } from "../schema/find-symbol.js";
import type { Schema } from "../schema/schema.js";
import { jsonTemplate } from "./json-template.js";

let schema: Schema;

before(async () => {
  schema = await testSchema();
});

describe("jsonTemplate", () => {
  it("builds a JSON template that parses back", () => {
    const t = jsonTemplate(findSymbol(schema, "ttrpc.interop.v1.AllTypes") as never) as Record<string, unknown>;
    assert.equal(t.fInt64, "0");
    assert.equal(t.fEnum, "COLOR_UNSPECIFIED");
    assert.deepEqual(t.rString, [""]);
    assert.deepEqual(t.mString, { key: "" });
    assert.ok("oString" in t && !("oInt64" in t), "one member per oneof");
  });
});
