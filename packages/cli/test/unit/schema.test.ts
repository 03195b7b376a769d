// Unit tests of schema loading, name lookup and the describe printers,
// using the interop protos compiled with the bundled buf.

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CliError } from "../../src/cli-error.js";
import { jsonTemplate } from "../../src/describe/json-template.js";
import { describeText } from "../../src/describe/proto-text.js";
import { findMethod, findService } from "../../src/schema/find-method.js";
import { findSymbol } from "../../src/schema/find-symbol.js";
import { loadSchema } from "../../src/schema/load-schema.js";
import type { Schema } from "../../src/schema/schema.js";
import { FIXTURE_PROTO, INTEROP_PROTO, REPO_ROOT } from "../helpers/paths.js";

let schema: Schema;

before(async () => {
  schema = await loadSchema({
    proto: ["ttrpc/interop/v1/interop.proto", "ttrpc/integration/streaming/test.proto", "ttrpc/cli/test/v1/missing.proto"],
    importPath: [INTEROP_PROTO, FIXTURE_PROTO],
  });
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

  it("reports unknown and ambiguous symbols", () => {
    assert.throws(() => findSymbol(schema, "NoSuchThing"), /unknown symbol "NoSuchThing"/);
    // Echo is a method in both services.
    assert.throws(
      () => findSymbol(schema, "Echo"),
      /ambiguous: .*Interop\.Echo.*Streaming\.Echo|ambiguous: .*Streaming\.Echo.*Interop\.Echo/,
    );
  });

  it("builds a JSON template that parses back", () => {
    const t = jsonTemplate(findSymbol(schema, "ttrpc.interop.v1.AllTypes") as never) as Record<string, unknown>;
    assert.equal(t.fInt64, "0");
    assert.equal(t.fEnum, "COLOR_UNSPECIFIED");
    assert.deepEqual(t.rString, [""]);
    assert.deepEqual(t.mString, { key: "" });
    assert.ok("oString" in t && !("oInt64" in t), "one member per oneof");
  });
});
