// @ttrpc-ts/retry installed from its tarball beside the runtime's, outside
// the workspace, and imported from an ES module: a call the server fails
// twice with UNAVAILABLE succeeds on the third attempt, and a code not
// chosen for retry is not retried.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { node, npmInstall, scratch, tarball, write } from "./helpers.js";

// The service is described at run time (no generator in this consumer).
const PROBE = `
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, createFileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, connect, createClient, Server, TtrpcError } from "@ttrpc-ts/runtime";
import { createRetryInterceptor } from "@ttrpc-ts/retry";
const file = create(FileDescriptorProtoSchema, {
  name: "c.proto", package: "c.v1", syntax: "proto3",
  messageType: [{ name: "Ping", field: [{ name: "n", jsonName: "n", number: 1, type: 5, label: 1 }] }],
  service: [{ name: "Svc", method: [{ name: "Ping", inputType: ".c.v1.Ping", outputType: ".c.v1.Ping" }] }],
});
const Svc = createFileRegistry(file, () => undefined).getService("c.v1.Svc");
let calls = 0;
const server = new Server();
server.register(Svc, {
  ping(req) {
    calls++;
    if (req.n === 0 && calls < 3) throw new TtrpcError("not yet", Code.Unavailable);
    if (req.n === 1) throw new TtrpcError("no", Code.NotFound);
    return { n: calls };
  },
});
const path = join(mkdtempSync(join(tmpdir(), "retry-")), "s.sock");
await server.listen(path);
const retries = [];
const conn = await connect(path, {
  interceptors: [createRetryInterceptor({ maxAttempts: 4, initialBackoffMs: 1, onRetry: (e) => retries.push(e.attempt) })],
});
const svc = createClient(Svc, conn);
const ok = await svc.ping({ n: 0 });
const before = calls;
const notFound = await svc.ping({ n: 1 }).then(() => "resolved", (e) => e.code);
conn.close();
await server.close();
console.log(JSON.stringify({ reply: ok.n, retries, notFoundCalls: calls - before, notFound }));
`;

describe("@ttrpc-ts/retry from its tarball, with the runtime's", () => {
  const dir = scratch("retry");
  write(dir, { "package.json": '{ "name": "c", "private": true, "type": "module" }', "probe.mjs": PROBE });
  npmInstall(dir, [tarball("runtime"), tarball("retry"), "@bufbuild/protobuf@^2"]);

  it("retries UNAVAILABLE until the call succeeds, and leaves other codes alone", () => {
    const out = JSON.parse(node(dir, ["probe.mjs"]));
    assert.deepEqual(out, { reply: 3, retries: [1, 2], notFoundCalls: 1, notFound: 5 });
  });
});
