import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { version } from "../src/index.js";
import { generate, pluginBin, pluginBuilt, repoRoot, requirePrerequisite, run } from "./helpers.js";

const greeter = {
  "acme/greet/v1/greet.proto": `
    syntax = "proto3";
    package acme.greet.v1;
    import "acme/common/v1/common.proto";
    message HelloRequest { acme.common.v1.Name name = 1; }
    message HelloReply { string text = 1; }
    service Greeter {
      rpc SayHello(HelloRequest) returns (HelloReply);
      rpc SayHellos(stream HelloRequest) returns (stream HelloReply);
    }
  `,
  "acme/common/v1/common.proto": `
    syntax = "proto3";
    package acme.common.v1;
    message Name { string value = 1; }
  `,
};

describe("plugin options", () => {
  test("rejects unknown options with a clear message", (t) => {
    assert.throws(
      () => generate(t, greeter, "target=ts,frobnicate=yes"),
      /invalid option "frobnicate=yes": unknown option "frobnicate"; protoc-gen-ttrpc-ts accepts runtime_package=<npm package> and the standard options target, import_extension/,
    );
  });

  test("rejects an empty runtime_package", (t) => {
    assert.throws(
      () => generate(t, greeter, "runtime_package="),
      /invalid option "runtime_package=": runtime_package needs a package name/,
    );
  });

  test("rejects bad values of protoplugin's standard options", (t) => {
    assert.throws(() => generate(t, greeter, "target=wasm"), /invalid option "target=wasm"/);
    assert.throws(() => generate(t, greeter, "js_import_style=amd"), /invalid option "js_import_style=amd"/);
  });

  test("the binary reports a bad option on stderr and exits 1", (t) => {
    if (!requirePrerequisite(t, pluginBuilt(), "the plugin's build (npm run build)")) return;
    // A CodeGeneratorRequest with only the parameter (field 2) set.
    const param = Buffer.from("nope=1");
    const req = Buffer.concat([Buffer.from([0x12, param.length]), param]);
    const r = spawnSync(process.execPath, [pluginBin], { input: req, encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^protoc-gen-ttrpc-ts: invalid option "nope=1": unknown option "nope"/);
  });

  test("--version prints the version, which matches package.json", (t) => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "packages/protoc-gen-ttrpc-ts/package.json"), "utf8")) as { version: string };
    assert.equal(version, `v${pkg.version}`);
    if (!requirePrerequisite(t, pluginBuilt(), "the plugin's build (npm run build)")) return;
    assert.equal(run(process.execPath, [pluginBin, "--version"]).stdout, `protoc-gen-ttrpc-ts v${pkg.version}\n`);
  });

  test("writes nothing for files without services", (t) => {
    const out = generate(t, greeter, "target=ts+js+dts");
    assert.deepEqual([...out.keys()].sort(), [
      "acme/greet/v1/greet_ttrpc.d.ts",
      "acme/greet/v1/greet_ttrpc.js",
      "acme/greet/v1/greet_ttrpc.ts",
    ]);
  });

  test("target selects the files written", (t) => {
    const names = (target: string) => [...generate(t, greeter, `target=${target}`).keys()].sort();
    assert.deepEqual(names("ts"), ["acme/greet/v1/greet_ttrpc.ts"]);
    assert.deepEqual(names("js"), ["acme/greet/v1/greet_ttrpc.js"]);
    assert.deepEqual(names("dts"), ["acme/greet/v1/greet_ttrpc.d.ts"]);
    assert.deepEqual(names("js+dts"), ["acme/greet/v1/greet_ttrpc.d.ts", "acme/greet/v1/greet_ttrpc.js"]);
  });

  test("the default target is js+dts", (t) => {
    assert.deepEqual([...generate(t, greeter, "").keys()].sort(), ["acme/greet/v1/greet_ttrpc.d.ts", "acme/greet/v1/greet_ttrpc.js"]);
  });

  test("ts output builds on the runtime's mapped types and protoc-gen-es's service descriptor", (t) => {
    const ts = generate(t, greeter, "target=ts").get("acme/greet/v1/greet_ttrpc.ts") ?? "";
    assert.match(ts, /^import \{ Greeter \} from "\.\/greet_pb";$/m);
    assert.doesNotMatch(ts, /HelloRequest/, "signatures come from the runtime, not restated per message");
    assert.match(ts, /^import type \{ Client, Connection, Server, ServiceImpl \} from "@ttrpc-ts\/runtime";$/m);
    assert.match(ts, /^import \{ createClient \} from "@ttrpc-ts\/runtime";$/m);
    assert.match(ts, /^export interface GreeterClient extends Client<typeof Greeter> \{$/m);
    assert.match(ts, /^ {2}readonly sayHello: Client<typeof Greeter>\["sayHello"\];$/m);
    assert.match(ts, /^ {2}readonly sayHellos: Client<typeof Greeter>\["sayHellos"\];$/m);
    assert.match(ts, /^export interface GreeterImpl extends ServiceImpl<typeof Greeter> \{$/m);
    assert.match(ts, /^ {2}sayHello: ServiceImpl<typeof Greeter>\["sayHello"\];$/m);
    assert.match(ts, /^export function createGreeterClient\(connection: Connection\): GreeterClient \{$/m);
    assert.match(ts, /^export function registerGreeter\(server: Server, impl: Partial<GreeterImpl>\): void \{$/m);
  });

  test("one trailing Service is dropped from the generated names, never doubled", (t) => {
    const ts =
      generate(t, {
        "names.proto": `syntax = "proto3"; package names; message M {}
          service WidgetService { rpc A(M) returns (M); }
          service Service { rpc B(M) returns (M); }`,
      }).get("names_ttrpc.ts") ?? "";
    for (const name of [
      "WidgetClient",
      "WidgetImpl",
      "createWidgetClient",
      "registerWidget",
      "ServiceClient",
      "ServiceImpl",
      "registerService",
    ]) {
      assert.match(ts, new RegExp(`^export (interface|function) ${name}\\b`, "m"), name);
    }
    assert.doesNotMatch(ts, /ServiceService|WidgetService(Client|Impl)|registerWidgetService/);
  });

  test("a service without methods gets type aliases, not empty interfaces", (t) => {
    const ts = generate(t, { "empty.proto": 'syntax = "proto3"; package empty; service Nothing {}' }).get("empty_ttrpc.ts") ?? "";
    assert.match(ts, /^export type NothingClient = Client<typeof Nothing>;$/m);
    assert.match(ts, /^export type NothingImpl = ServiceImpl<typeof Nothing>;$/m);
    assert.doesNotMatch(ts, /\{\s*\}/);
  });

  test("import_extension applies to relative imports", (t) => {
    assert.match(
      generate(t, greeter, "target=ts,import_extension=js").get("acme/greet/v1/greet_ttrpc.ts") ?? "",
      /from "\.\/greet_pb\.js";/,
    );
    assert.match(
      generate(t, greeter, "target=ts,import_extension=ts").get("acme/greet/v1/greet_ttrpc.ts") ?? "",
      /from "\.\/greet_pb\.ts";/,
    );
  });

  test("js_import_style=legacy_commonjs writes require() and exports", (t) => {
    const js = generate(t, greeter, "target=js,js_import_style=legacy_commonjs").get("acme/greet/v1/greet_ttrpc.js") ?? "";
    assert.match(js, /^"use strict";$/m);
    assert.match(js, /^const \{ createClient \} = require\("@ttrpc-ts\/runtime"\);$/m);
    assert.match(js, /^const \{ Greeter \} = require\("\.\/greet_pb"\);$/m);
    assert.match(js, /^exports\.createGreeterClient = createGreeterClient;$/m);
    assert.match(js, /^exports\.registerGreeter = registerGreeter;$/m);
    assert.doesNotMatch(js, /^import /m);
  });

  test("runtime_package changes where the runtime is imported from", (t) => {
    const ts = generate(t, greeter, "target=ts,runtime_package=@acme/ttrpc").get("acme/greet/v1/greet_ttrpc.ts") ?? "";
    assert.match(ts, /from "@acme\/ttrpc";/);
    assert.doesNotMatch(ts, /@ttrpc-ts\/runtime/);
  });

  test("map_imports: messages of other protos are never imported here (the types come through the descriptor)", (t) => {
    const files = {
      ...greeter,
      "acme/greet/v1/names.proto": `syntax = "proto3"; package acme.greet.v1; import "acme/common/v1/common.proto";
        service Names { rpc Echo(acme.common.v1.Name) returns (acme.common.v1.Name); }`,
    };
    const ts =
      generate(t, files, "target=ts,import_extension=js,map_imports=acme/common/:@acme/common-sdk").get("acme/greet/v1/names_ttrpc.ts") ??
      "";
    assert.doesNotMatch(ts, /common_pb/);
    assert.match(ts, /^import \{ Names \} from "\.\/names_pb\.js";$/m);
  });

  test("rewrite_imports rewrites relative imports and is left out of the preamble", (t) => {
    const ts =
      generate(t, greeter, "target=ts,import_extension=js,rewrite_imports=./acme/**/*_pb.js:@acme/sdk").get(
        "acme/greet/v1/greet_ttrpc.ts",
      ) ?? "";
    assert.match(ts, /from "@acme\/sdk\/acme\/greet\/v1\/greet_pb\.js";/);
    assert.match(ts, /@generated by protoc-gen-ttrpc-ts v[0-9.]+ with parameter "target=ts,import_extension=js"/);
  });

  test("two services that would generate the same name are an error", (t) => {
    assert.throws(
      () =>
        generate(t, {
          "clash.proto":
            'syntax = "proto3"; package clash; message M {} service Foo { rpc A(M) returns (M); } service foo { rpc A(M) returns (M); }',
        }),
      /clash\.proto: services Foo and foo would both generate createFooClient; rename one of them/,
    );
  });

  test("deprecated services and methods carry @deprecated", (t) => {
    const ts =
      generate(t, {
        "dep.proto": `syntax = "proto3"; package dep; message M {}
          service Old { option deprecated = true; rpc A(M) returns (M); }
          service New { rpc B(M) returns (M) { option deprecated = true; } rpc C(M) returns (M); }`,
      }).get("dep_ttrpc.ts") ?? "";
    const deprecatedBefore = (line: RegExp) => {
      const lines = ts.split("\n");
      const i = lines.findIndex((l) => line.test(l));
      assert.ok(i > 0, `no line ${line}`);
      return lines.slice(Math.max(0, i - 4), i).some((l) => l.includes("@deprecated"));
    };
    for (const l of [
      /^export interface OldImpl /,
      /^export interface OldClient /,
      /^export function createOldClient/,
      /^export function registerOld/,
    ]) {
      assert.ok(deprecatedBefore(l), `${l} is not @deprecated`);
    }
    assert.ok(deprecatedBefore(/^ {2}readonly b: /));
    assert.ok(deprecatedBefore(/^ {2}b: /));
    assert.ok(!deprecatedBefore(/^ {2}readonly c: /));
    assert.ok(!deprecatedBefore(/^export interface NewImpl /));
  });
});
