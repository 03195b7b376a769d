// The proto-like text `ttrpc describe` prints.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { testSchema } from "../../test/helpers/test-schema.js";
import { findSymbol } from "../schema/find-symbol.js";
import type { Schema } from "../schema/schema.js";
import { describeText } from "./proto-text.js";

let schema: Schema;

before(async () => {
  schema = await testSchema();
});

describe("describe", () => {
  it("prints a service with its comments", () => {
    const text = describeText(findSymbol(schema, "ttrpc.integration.streaming.Streaming"));
    assert.match(text, /^\/\/ ttrpc\.integration\.streaming\.Streaming: service in ttrpc\/integration\/streaming\/test\.proto\n/);
    assert.match(text, /\nservice Streaming \{\n/);
    assert.match(
      text,
      /\n {2}\/\/ Unary\. Returns seq = request\.seq \+ 1 and the same msg\.\n {2}rpc Echo\(ttrpc\.integration\.streaming\.EchoPayload\) returns \(ttrpc\.integration\.streaming\.EchoPayload\);\n/,
    );
    assert.match(
      text,
      /rpc EchoStream\(stream ttrpc\.integration\.streaming\.EchoPayload\) returns \(stream ttrpc\.integration\.streaming\.EchoPayload\);/,
    );
    assert.match(text, /rpc SumStream\(stream ttrpc\.integration\.streaming\.Part\) returns \(ttrpc\.integration\.streaming\.Sum\);/);
  });

  it("prints a message with every kind of field", () => {
    const text = describeText(findSymbol(schema, "AllTypes"));
    for (const line of [
      "message AllTypes {",
      "  double f_double = 1;",
      "  ttrpc.interop.v1.Color f_enum = 16;",
      "  repeated sint64 r_sint64 = 23;",
      "  map<string, string> m_string = 40;",
      "  map<int32, ttrpc.interop.v1.Nested> m_nested = 41;",
      "  oneof choice {",
      "    ttrpc.interop.v1.Nested o_nested = 52;",
      "  optional int32 opt_int32 = 60;",
      "  int32 f_max_field = 536870911;",
    ]) {
      assert.ok(text.includes(`\n${line}\n`), `missing line ${JSON.stringify(line)} in\n${text}`);
    }
    assert.doesNotMatch(text, /MStringEntry/);
  });

  it("prints nested messages, enums and a method with its messages", () => {
    const nested = describeText(findSymbol(schema, "ttrpc.interop.v1.Nested"));
    assert.match(nested, /\n {2}message Inner \{\n {4}repeated string tags = 1;/);
    const color = describeText(findSymbol(schema, "Color"));
    assert.match(color, /enum Color \{\n {2}COLOR_UNSPECIFIED = 0;[\s\S]*COLOR_NEGATIVE = -1;/);
    const method = describeText(findSymbol(schema, "Streaming/DivideStream"));
    assert.match(method, /method \(server-streaming\)/);
    assert.match(method, /\/\/ request: ttrpc\.integration\.streaming\.Sum\nmessage Sum \{/);
    assert.match(method, /\/\/ response: ttrpc\.integration\.streaming\.Part\nmessage Part \{/);
  });
});
