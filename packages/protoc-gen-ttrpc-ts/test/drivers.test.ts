// The built plugin binary under both drivers, configured the way the README
// tells users to: buf (from the @bufbuild/buf npm package) with buf.yaml and
// buf.gen.yaml, and protoc (Debian's protobuf-compiler) with --plugin. Both
// must reproduce the golden TypeScript output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { test } from "node:test";
import {
  binDir,
  bufBin,
  esBin,
  fixtureProtoDir,
  fixturesDir,
  pluginBin,
  pluginBuilt,
  requirePrerequisite,
  run,
  tempDir,
  writeFiles,
} from "./helpers.js";

const golden = join(fixturesDir, "gen/ts");

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? listFiles(p, base) : [relative(base, p)];
    })
    .sort();
}

function assertSameFiles(outDir: string, names: readonly string[]): void {
  for (const name of names) {
    assert.equal(
      readFileSync(join(outDir, name), "utf8"),
      readFileSync(join(golden, name), "utf8"),
      `${name} differs from the golden file (after changing the plugin, run npm run build)`,
    );
  }
}

function protocAvailable(): boolean {
  return spawnSync("protoc", ["--version"]).status === 0;
}

test("buf generate with a buf.gen.yaml that names the plugin", (t) => {
  if (!requirePrerequisite(t, pluginBuilt(), "the plugin's build (npm run build)")) return;
  const project = tempDir(t);
  cpSync(fixtureProtoDir, join(project, "proto"), { recursive: true });
  writeFiles(project, {
    "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
    "buf.gen.yaml": [
      "version: v2",
      "clean: true",
      "plugins:",
      "  - local: protoc-gen-es",
      "    out: src/gen",
      "    opt: [target=ts, import_extension=js]",
      "  - local: protoc-gen-ttrpc-ts",
      "    out: src/gen",
      "    opt: [target=ts, import_extension=js]",
      "",
    ].join("\n"),
  });
  // As under `npx buf generate` or an npm script: node_modules/.bin on PATH.
  run(bufBin, ["generate"], { cwd: project, env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}` } });
  const out = join(project, "src/gen");
  assert.deepEqual(listFiles(out), listFiles(golden));
  assertSameFiles(out, listFiles(golden));
});

test("protoc with --plugin", (t) => {
  if (!requirePrerequisite(t, protocAvailable(), "protoc (Debian package protobuf-compiler)")) return;
  if (!requirePrerequisite(t, pluginBuilt(), "the plugin's build (npm run build)")) return;
  const out = tempDir(t);
  // Debian's protoc (3.21) predates editions, so the edition 2023 fixture is left out.
  const protos = listFiles(fixtureProtoDir).filter((f) => f.endsWith(".proto") && !f.includes("editions"));
  run("protoc", [
    `--plugin=protoc-gen-es=${esBin}`,
    `--plugin=protoc-gen-ttrpc-ts=${pluginBin}`,
    `--es_out=${out}`,
    "--es_opt=target=ts,import_extension=js",
    `--ttrpc-ts_out=${out}`,
    "--ttrpc-ts_opt=target=ts",
    "--ttrpc-ts_opt=import_extension=js",
    `-I${fixtureProtoDir}`,
    ...protos,
  ]);
  const ttrpcFiles = listFiles(out).filter((f) => f.endsWith("_ttrpc.ts"));
  assert.deepEqual(
    ttrpcFiles,
    listFiles(golden).filter((f) => f.endsWith("_ttrpc.ts") && !f.includes("editions")),
  );
  assertSameFiles(out, ttrpcFiles);
});

test("protoc shows the plugin's error for an unknown option", (t) => {
  if (!requirePrerequisite(t, protocAvailable(), "protoc (Debian package protobuf-compiler)")) return;
  if (!requirePrerequisite(t, pluginBuilt(), "the plugin's build (npm run build)")) return;
  const out = tempDir(t);
  const r = spawnSync(
    "protoc",
    [
      `--plugin=protoc-gen-ttrpc-ts=${pluginBin}`,
      `--ttrpc-ts_out=${out}`,
      "--ttrpc-ts_opt=target=ts,services=all",
      `-I${fixtureProtoDir}`,
      "fixtures/legacy/v1/legacy.proto",
    ],
    { encoding: "utf8" },
  );
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /protoc-gen-ttrpc-ts: invalid option "services=all": unknown option "services"/);
});

test("buf: rewrite_imports points both plugins at a published SDK package", (t) => {
  if (!requirePrerequisite(t, pluginBuilt(), "the plugin's build (npm run build)")) return;
  const project = tempDir(t);
  const rewrite = "rewrite_imports=./acme/common/**/*_pb.js:@acme/common-sdk";
  writeFiles(project, {
    "proto/acme/common/v1/common.proto": 'syntax = "proto3"; package acme.common.v1; message Name { string value = 1; }',
    "proto/acme/greet/v1/greet.proto": `syntax = "proto3"; package acme.greet.v1; import "acme/common/v1/common.proto";
      service Greeter { rpc Greet(acme.common.v1.Name) returns (acme.common.v1.Name); }`,
    "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
    "buf.gen.yaml": [
      "version: v2",
      "inputs:",
      "  - directory: proto",
      "    paths: [proto/acme/greet]",
      "plugins:",
      "  - local: protoc-gen-es",
      "    out: gen",
      `    opt: [target=ts, import_extension=js, "${rewrite}"]`,
      "  - local: protoc-gen-ttrpc-ts",
      "    out: gen",
      `    opt: [target=ts, import_extension=js, "${rewrite}"]`,
      "",
    ].join("\n"),
  });
  run(bufBin, ["generate"], { cwd: project, env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}` } });
  assert.deepEqual(listFiles(join(project, "gen")), ["acme/greet/v1/greet_pb.ts", "acme/greet/v1/greet_ttrpc.ts"]);
  const sdkImport = 'from "@acme/common-sdk/acme/common/v1/common_pb.js";';
  assert.ok(readFileSync(join(project, "gen/acme/greet/v1/greet_pb.ts"), "utf8").includes(sdkImport));
  // The ttrpc file names messages only through the service descriptor, so it imports no other proto's file.
  const ttrpc = readFileSync(join(project, "gen/acme/greet/v1/greet_ttrpc.ts"), "utf8");
  assert.ok(ttrpc.includes('import { Greeter } from "./greet_pb.js";'));
  assert.ok(!ttrpc.includes("common_pb"));
});
