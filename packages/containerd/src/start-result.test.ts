import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { BootstrapResultSchema } from "./gen/runtime/bootstrap/v1/bootstrap_pb.js";
import { parseStartResult } from "./start-result.js";

const address = `unix:///run/containerd/s/${"ab".repeat(32)}`;
const text = (s: string) => new TextEncoder().encode(s);

test("a 2.3+ shim's binary BootstrapResult", () => {
  const bytes = toBinary(
    BootstrapResultSchema,
    create(BootstrapResultSchema, { version: 3, address, protocol: "ttrpc", metadata: { k: "v" } }),
  );
  const r = parseStartResult(bytes);
  assert.deepEqual([r.version, r.address, r.protocol, r.metadata], [3, address, "ttrpc", { k: "v" }]);
});

test("an older shim's address text, with or without a newline", () => {
  for (const out of [address, `${address}\n`]) {
    const r = parseStartResult(text(out));
    assert.deepEqual([r.version, r.address, r.protocol], [2, address, "ttrpc"]);
  }
});

test("a JSON BootstrapResult", () => {
  const r = parseStartResult(text(JSON.stringify({ version: 3, address, protocol: "grpc" })));
  assert.deepEqual([r.version, r.address, r.protocol], [3, address, "grpc"]);
  // Version 1 JSON is not a result: containerd then takes the text as an address.
  assert.throws(() => parseStartResult(text('{"version": 1, "address": "x"}')), /printed no address/);
});

test("output that names no address is an error, not an address", () => {
  assert.throws(() => parseStartResult(new Uint8Array(0)), /printed nothing on stdout/);
  assert.throws(() => parseStartResult(text("\n")), /printed no address/);
  assert.throws(() => parseStartResult(text("level=info msg=starting shim\n")), /printed no address: "level=info msg=starting shim"/);
  // A binary result without an address is no result either.
  const empty = toBinary(BootstrapResultSchema, create(BootstrapResultSchema, { version: 3, protocol: "ttrpc" }));
  assert.throws(() => parseStartResult(empty), /printed no address/);
});
