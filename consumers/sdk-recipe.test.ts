// The README's "Publishing a generated SDK" recipe, followed literally from
// the packed tarballs: generate an SDK package with protoc, pack it, install
// it into consumers outside the workspace and call a real server from an ES
// module, from CommonJS and from an esbuild bundle; then generate a
// downstream package whose proto imports the SDK's shipped protos.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { node, npmInstall, run, scratch, tarball, write } from "./helpers.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
// The generator version the workspace uses (2.13 still runs on Node 20).
const protocGenEs = `@bufbuild/protoc-gen-es@${rootPkg.devDependencies["@bufbuild/protoc-gen-es"]}`;

const GREETER_PROTO = `syntax = "proto3";
package acme.greeter.v1;
service Greeter {
  rpc SayHello(HelloRequest) returns (HelloReply);
}
message HelloRequest { string name = 1; }
message HelloReply { string message = 1; }
`;

// The SDK's package.json, as the README shows it.
const SDK_PACKAGE = {
  name: "@acme/greeter-api",
  version: "1.0.0",
  type: "module",
  files: ["acme/**/*.js", "acme/**/*.d.ts", "proto/**/*.proto"],
  scripts: {
    generate:
      "protoc -I proto --plugin=protoc-gen-es=node_modules/.bin/protoc-gen-es --plugin=protoc-gen-ttrpc-ts=node_modules/.bin/protoc-gen-ttrpc-ts " +
      "--es_out=. --es_opt=target=js+dts,import_extension=js --ttrpc-ts_out=. --ttrpc-ts_opt=target=js+dts,import_extension=js " +
      "proto/acme/greeter/v1/greeter.proto",
    prepack: "npm run generate",
  },
  dependencies: { "@bufbuild/protobuf": "^2.13.0" },
  peerDependencies: { "@ttrpc-ts/runtime": "^0.1.0" },
};

// Serves Greeter with the SDK's registerGreeter and calls it with its client.
const CALL = (load: string) => `${load}
const dir = mkdtempSync(join(tmpdir(), "sdk-"));
const server = new Server();
registerGreeter(server, { async sayHello(req) { return { message: "hello " + req.name }; } });
await server.listen(join(dir, "s.sock"));
const client = createGreeterClient(await connect(join(dir, "s.sock")));
const reply = await client.sayHello({ name: "ada" });
await server.close();
console.log(reply.message);
`;
const ESM = CALL(`import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, Server } from "@ttrpc-ts/runtime";
import { createGreeterClient, registerGreeter } from "@acme/greeter-api/acme/greeter/v1/greeter_ttrpc.js";`);
const CJS = `(async () => {${CALL(`const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { connect, Server } = require("@ttrpc-ts/runtime");
const { createGreeterClient, registerGreeter } = require("@acme/greeter-api/acme/greeter/v1/greeter_ttrpc.js");`)}})();`;

/** Generates the downstream relay.proto into gen/ against the SDK's shipped protos (protoc needs gen/ to exist). */
function generateDownstream(app: string, opt: string): void {
  run(app, "rm", ["-rf", "gen"]);
  run(app, "mkdir", ["-p", "gen"]);
  const plugins = ["es", "ttrpc-ts"].flatMap((p) => [
    `--plugin=protoc-gen-${p}=node_modules/.bin/protoc-gen-${p}`,
    `--${p}_out=gen`,
    `--${p}_opt=${opt}`,
  ]);
  run(app, "protoc", ["-I", "proto", "-I", "node_modules/@acme/greeter-api/proto", ...plugins, "proto/acme/relay/v1/relay.proto"]);
}

describe("publishing a generated SDK, from packed tarballs", () => {
  const sdk = scratch("sdk");
  const app = scratch("app");
  let sdkTarball = "";

  it("generates the SDK at its package root and packs it with its protos", () => {
    write(sdk, { "package.json": JSON.stringify(SDK_PACKAGE, null, 2), "proto/acme/greeter/v1/greeter.proto": GREETER_PROTO });
    npmInstall(sdk, ["-D", protocGenEs, tarball("protoc-gen-ttrpc-ts"), tarball("runtime")]);
    const packed = JSON.parse(run(sdk, "npm", ["pack", "--json", "--loglevel=error"])) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]?.files.map((f) => f.path).sort();
    assert.deepEqual(files, [
      "acme/greeter/v1/greeter_pb.d.ts",
      "acme/greeter/v1/greeter_pb.js",
      "acme/greeter/v1/greeter_ttrpc.d.ts",
      "acme/greeter/v1/greeter_ttrpc.js",
      "package.json",
      "proto/acme/greeter/v1/greeter.proto",
    ]);
    sdkTarball = join(sdk, packed[0]?.filename ?? "");
  });

  it("an ES module consumer outside the workspace calls a real server", () => {
    write(app, { "package.json": '{ "name": "app", "private": true, "type": "module" }', "esm.mjs": ESM, "cjs.cjs": CJS });
    npmInstall(app, [tarball("runtime"), sdkTarball]);
    assert.equal(node(app, ["esm.mjs"]).trim(), "hello ada");
  });

  it("a CommonJS consumer calls it too (require of the ES module SDK)", () => {
    assert.equal(node(app, ["cjs.cjs"]).trim(), "hello ada");
  });

  it("an esbuild bundle of the consumer runs", () => {
    const esbuild = join(root, "node_modules", "esbuild", "bin", "esbuild");
    run(app, esbuild, ["esm.mjs", "--bundle", "--platform=node", "--format=esm", "--outfile=bundle.mjs", "--log-level=error"]);
    assert.equal(node(app, ["bundle.mjs"]).trim(), "hello ada");
  });

  it("a downstream proto importing the SDK's protos generates against the published package", () => {
    write(app, {
      "proto/acme/relay/v1/relay.proto": `syntax = "proto3";
package acme.relay.v1;
import "acme/greeter/v1/greeter.proto";
service Relay {
  rpc Forward(acme.greeter.v1.HelloRequest) returns (acme.greeter.v1.HelloReply);
}
`,
      "relay.mjs": `import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { connect, Server } from "@ttrpc-ts/runtime";
import { HelloRequestSchema } from "@acme/greeter-api/acme/greeter/v1/greeter_pb.js";
import { createRelayClient, registerRelay } from "./gen/acme/relay/v1/relay_ttrpc.js";
const dir = mkdtempSync(join(tmpdir(), "relay-"));
const server = new Server();
registerRelay(server, { async forward(req) { return { message: "relayed " + req.name }; } });
await server.listen(join(dir, "s.sock"));
const reply = await createRelayClient(await connect(join(dir, "s.sock"))).forward(create(HelloRequestSchema, { name: "ada" }));
await server.close();
console.log(reply.message);
`,
    });
    npmInstall(app, ["-D", protocGenEs, tarball("protoc-gen-ttrpc-ts")]);
    const opt = "target=js+dts,import_extension=js,rewrite_imports=./acme/greeter/**/*_pb.js:@acme/greeter-api";
    generateDownstream(app, opt);
    const generated = readFileSync(join(app, "gen/acme/relay/v1/relay_pb.js"), "utf8");
    assert.match(generated, /from "@acme\/greeter-api\/acme\/greeter\/v1\/greeter_pb\.js"/);
    assert.equal(node(app, ["relay.mjs"]).trim(), "relayed ada");
  });

  // protoc-gen-es 2.17, which map_imports needs, runs on Node 22 and newer.
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  it("map_imports does the same by proto path (protoc-gen-es 2.17, Node 22+)", {
    skip: nodeMajor < 22 ? "protoc-gen-es 2.17 needs Node 22" : false,
  }, () => {
    npmInstall(app, ["-D", "@bufbuild/protoc-gen-es@^2.17.0"]);
    const opt = "target=js+dts,import_extension=js,map_imports=acme/greeter/:@acme/greeter-api";
    generateDownstream(app, opt);
    assert.match(
      readFileSync(join(app, "gen/acme/relay/v1/relay_pb.js"), "utf8"),
      /from "@acme\/greeter-api\/acme\/greeter\/v1\/greeter_pb\.js"/,
    );
    assert.equal(node(app, ["relay.mjs"]).trim(), "relayed ada");
  });
});
