// End-to-end tests of `ttrpc list`, `ttrpc describe`, help and version,
// run on the built binary.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "./helpers/cli.js";
import { FIXTURE_PROTO, INTEROP_PROTO } from "./helpers/paths.js";
import { buildDescriptorSets, type DescriptorSets, PROTO_ARGS } from "./helpers/schemas.js";

const work = mkdtempSync(path.join(tmpdir(), "ttrpc-cli-commands-"));
let sets: DescriptorSets;

before(async () => {
  sets = await buildDescriptorSets(work);
});
after(() => rmSync(work, { recursive: true, force: true }));

const INTEROP_LIST = [
  "ttrpc.integration.streaming.Streaming",
  "  rpc Echo(ttrpc.integration.streaming.EchoPayload) returns (ttrpc.integration.streaming.EchoPayload);",
  "  rpc EchoStream(stream ttrpc.integration.streaming.EchoPayload) returns (stream ttrpc.integration.streaming.EchoPayload);",
  "  rpc SumStream(stream ttrpc.integration.streaming.Part) returns (ttrpc.integration.streaming.Sum);",
  "  rpc DivideStream(ttrpc.integration.streaming.Sum) returns (stream ttrpc.integration.streaming.Part);",
  "  rpc EchoNull(stream ttrpc.integration.streaming.EchoPayload) returns (google.protobuf.Empty);",
  "  rpc EchoNullStream(stream ttrpc.integration.streaming.EchoPayload) returns (stream google.protobuf.Empty);",
  "  rpc EmptyPayloadStream(google.protobuf.Empty) returns (stream ttrpc.integration.streaming.EchoPayload);",
  "ttrpc.interop.v1.Interop",
  "  rpc Echo(ttrpc.interop.v1.AllTypes) returns (ttrpc.interop.v1.AllTypes);",
];

describe("ttrpc list", () => {
  it("lists services and methods from .proto files", async () => {
    const r = await runCli([
      "list",
      "-I",
      INTEROP_PROTO,
      "--proto",
      "ttrpc/interop/v1/interop.proto",
      "--proto",
      "ttrpc/integration/streaming/test.proto",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split("\n").slice(0, INTEROP_LIST.length), INTEROP_LIST);
    assert.equal(r.stderr, "");
  });

  it("gives the same listing from a descriptor set (binary and JSON)", async () => {
    const fromProto = await runCli([
      "list",
      "-I",
      INTEROP_PROTO,
      "--proto",
      "ttrpc/interop/v1/interop.proto",
      "--proto",
      "ttrpc/integration/streaming/test.proto",
    ]);
    for (const set of [sets.binary, sets.json, sets.noImports]) {
      const r = await runCli(["list", "--descriptor-set", set]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, fromProto.stdout, set);
    }
  });

  it("lists one service, and SERVICE/METHOD names with --names", async () => {
    const one = await runCli(["list", "Streaming", "--descriptor-set", sets.binary]);
    assert.equal(one.stdout, `${INTEROP_LIST.slice(0, 8).join("\n")}\n`);
    const names = await runCli(["list", "--names", "ttrpc.interop.v1.Interop", "--descriptor-set", sets.binary]);
    assert.equal(names.stdout.split("\n")[0], "ttrpc.interop.v1.Interop/Echo");
    assert.equal(names.stdout.trimEnd().split("\n").length, 9);
  });

  it("combines .proto files and descriptor sets", async () => {
    const r = await runCli([
      "list",
      "--names",
      "--descriptor-set",
      sets.binary,
      "-I",
      FIXTURE_PROTO,
      "-I",
      INTEROP_PROTO,
      "--proto",
      "ttrpc/cli/test/v1/missing.proto",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ttrpc\.cli\.test\.v1\.Missing\/Nope$/m);
    assert.match(r.stdout, /^ttrpc\.interop\.v1\.Interop\/Ticker$/m);
  });

  it("an unknown service: exit 1", async () => {
    const r = await runCli(["list", "Nope", "--descriptor-set", sets.binary]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ttrpc: unknown service "Nope"/);
  });
});

describe("ttrpc describe", () => {
  it("describes a method with its messages and comments", async () => {
    const r = await runCli(["describe", "ttrpc.interop.v1.Interop/Sleep", ...PROTO_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\/\/ ttrpc\.interop\.v1\.Interop\.Sleep: method \(unary\) in ttrpc\/interop\/v1\/interop\.proto\n\n/);
    assert.match(r.stdout, /\/\/ Waits ms milliseconds or until the handler context ends/);
    assert.match(r.stdout, /\nrpc Sleep\(ttrpc\.interop\.v1\.SleepRequest\) returns \(ttrpc\.interop\.v1\.SleepReply\);\n/);
    assert.match(r.stdout, /\nmessage SleepRequest \{\n {2}int64 ms = 1;\n\}\n/);
    assert.match(r.stdout, /\nmessage SleepReply \{\n {2}bool cancelled = 1;\n\}\n$/);
  });

  it("describes every service without a symbol, the same from a descriptor set", async () => {
    const fromProto = await runCli([
      "describe",
      "-I",
      INTEROP_PROTO,
      "--proto",
      "ttrpc/interop/v1/interop.proto",
      "--proto",
      "ttrpc/integration/streaming/test.proto",
    ]);
    assert.equal(fromProto.code, 0, fromProto.stderr);
    assert.match(fromProto.stdout, /\nservice Interop \{\n/);
    assert.match(fromProto.stdout, /\nservice Streaming \{\n/);
    const fromSet = await runCli(["describe", "--descriptor-set", sets.binary]);
    assert.equal(fromSet.stdout, fromProto.stdout);
  });

  it("describes messages and enums by short name", async () => {
    const msg = await runCli(["describe", "EchoPayload", "--descriptor-set", sets.binary]);
    assert.equal(
      msg.stdout,
      "// ttrpc.integration.streaming.EchoPayload: message in ttrpc/integration/streaming/test.proto\n\nmessage EchoPayload {\n  uint32 seq = 1;\n  string msg = 2;\n}\n",
    );
    const en = await runCli(["describe", "ttrpc.interop.v1.Color", "--descriptor-set", sets.binary]);
    assert.match(en.stdout, /enum Color \{\n {2}COLOR_UNSPECIFIED = 0;\n {2}COLOR_RED = 1;/);
  });

  it("prints a JSON request template with --template", async () => {
    const r = await runCli(["describe", "Interop/Fail", "--template", "--descriptor-set", sets.binary]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { code: 0, message: "", withDetail: false });
    const all = await runCli(["describe", "AllTypes", "--template", "--descriptor-set", sets.binary]);
    const template = JSON.parse(all.stdout) as Record<string, unknown>;
    assert.equal(template.fUint64, "0");
    assert.deepEqual(template.mNested, { "0": { name: "", value: 0, inner: { tags: [""], blob: "", counter: "0" }, child: {} } });
  });

  it("unknown and ambiguous symbols: exit 1", async () => {
    const unknown = await runCli(["describe", "NoSuch", "--descriptor-set", sets.binary]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^ttrpc: unknown symbol "NoSuch"/);
    const ambiguous = await runCli(["describe", "Echo", "--descriptor-set", sets.binary]);
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /ambiguous/);
  });
});

describe("schema errors (exit 1, no stack trace)", () => {
  it("no schema at all", async () => {
    const r = await runCli(["list"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ttrpc: no schema: pass --proto FILE/);
  });

  it("a .proto file that does not compile: buf's message with the user's paths", async () => {
    const dir = path.join(work, "broken");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "bad.proto"), 'syntax = "proto3";\nimport "missing/dep.proto";\nmessage A { int32 a = 1 }\n');
    const r = await runCli(["list", "--proto", "bad.proto", "-I", dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ttrpc: cannot compile \.proto files:\n/);
    assert.ok(r.stderr.includes(`${dir}/bad.proto:2:1:`), r.stderr);
    assert.doesNotMatch(r.stderr, /\bi0\//);
  });

  it("a file that is not a descriptor set", async () => {
    const junk = path.join(work, "junk.binpb");
    writeFileSync(junk, "this is not protobuf");
    const r = await runCli(["list", "--descriptor-set", junk]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ttrpc: --descriptor-set .*junk\.binpb is not a FileDescriptorSet/);
    const missing = await runCli(["list", "--descriptor-set", path.join(work, "none.binpb")]);
    assert.match(missing.stderr, /^ttrpc: cannot read --descriptor-set .*none\.binpb: no such file/);
  });
});

describe("help and version", () => {
  it("--version prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await runCli([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${pkg.version}\n`);
    }
  });

  it("every command has --help with examples, schema options and exit codes", async () => {
    for (const cmd of [[], ["call"], ["list"], ["describe"]]) {
      const r = await runCli([...cmd, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: ttrpc/);
      assert.match(r.stdout, /\nExamples:\n/);
      assert.match(r.stdout, /--descriptor-set/);
      assert.match(r.stdout, /Exit status/);
    }
    const call = await runCli(["help", "call"]);
    for (const text of [
      "--metadata <key=value>",
      "--timeout <duration>",
      "--max-message-size <bytes>",
      "unix://path",
      "@abstract-name",
      "64+N",
      "newline-delimited JSON",
    ]) {
      assert.ok(call.stdout.includes(text), `call help lacks ${text}`);
    }
  });

  it("usage errors exit 1 with a hint", async () => {
    const missing = await runCli(["call"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /missing required argument 'address'/);
    const unknownOption = await runCli(["list", "--frobnicate"]);
    assert.equal(unknownOption.code, 1);
    assert.match(unknownOption.stderr, /unknown option '--frobnicate'/);
    const unknownCommand = await runCli(["lsit"]);
    assert.equal(unknownCommand.code, 1);
    assert.match(unknownCommand.stderr, /Did you mean list\?/);
  });
});
