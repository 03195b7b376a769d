// startShim against a stand-in shim (a script) that records how it was
// started and answers as told; the real 2.x shim is in test/shim-lifecycle.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BootstrapParamsSchema, BootstrapResultSchema, LogLevel } from "./gen/runtime/bootstrap/v1/bootstrap_pb.js";
import { startShim } from "./start-shim.js";

const dir = mkdtempSync(join(tmpdir(), "ttrpc-ts-fake-shim-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// Records argv, cwd, stdin and the environment, then prints $FAKE_OUT (hex),
// writes $FAKE_ERR to stderr and exits with $FAKE_EXIT; $FAKE_SLEEP hangs.
const fake = join(dir, "fake-shim");
writeFileSync(
  fake,
  `#!${process.execPath}
const fs = require("node:fs");
const e = process.env;
const stdin = fs.readFileSync(0);
fs.writeFileSync(e.FAKE_RECORD, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), stdin: stdin.toString("hex"),
  env: { TTRPC_ADDRESS: e.TTRPC_ADDRESS, GRPC_ADDRESS: e.GRPC_ADDRESS, NAMESPACE: e.NAMESPACE, EXTRA: e.EXTRA } }));
if (e.FAKE_SLEEP) setTimeout(() => {}, 60000);
else {
  process.stdout.write(Buffer.from(e.FAKE_OUT || "", "hex"));
  process.stderr.write(e.FAKE_ERR || "");
  process.exitCode = Number(e.FAKE_EXIT || 0);
}
`,
);
chmodSync(fake, 0o755);
const record = join(dir, "record.json");
const address = `unix:///run/containerd/s/${"cd".repeat(32)}`;
const result = toBinary(BootstrapResultSchema, create(BootstrapResultSchema, { version: 3, address, protocol: "ttrpc" }));

interface Recorded {
  argv: string[];
  cwd: string;
  stdin: string;
  env: Record<string, string | undefined>;
}
const recorded = (): Recorded => JSON.parse(readFileSync(record, "utf8"));
const env = (vars: Record<string, string>) => ({ FAKE_RECORD: record, ...vars });

test("bootstrap: BootstrapParams on stdin matching the flags; the result's address", async () => {
  const shim = await startShim({
    bundle: dir,
    id: "c1",
    namespace: "ns1",
    binary: fake,
    grpcAddress: "/run/c.sock",
    ttrpcAddress: "/run/c.sock.ttrpc",
    socketDir: "/run/s",
    debug: true,
    params: { logLevel: LogLevel.DEBUG, containerdVersion: "ttrpc-ts", instanceId: "ignored" },
    env: env({ FAKE_OUT: Buffer.from(result).toString("hex"), EXTRA: "x" }),
  });
  assert.deepEqual([shim.address, shim.version, shim.result.protocol], [address, 3, "ttrpc"]);
  const r = recorded();
  assert.deepEqual(r.argv, ["-namespace", "ns1", "-id", "c1", "-address", "/run/c.sock", "-debug", "start"]);
  assert.equal(r.cwd, dir);
  assert.deepEqual(r.env, { TTRPC_ADDRESS: "/run/c.sock.ttrpc", GRPC_ADDRESS: "/run/c.sock", NAMESPACE: "ns1", EXTRA: "x" });
  const params = fromBinary(BootstrapParamsSchema, Buffer.from(r.stdin, "hex"));
  assert.deepEqual(
    [
      params.instanceId,
      params.namespace,
      params.containerdGrpcAddress,
      params.containerdTtrpcAddress,
      params.socketDir,
      params.logLevel,
      params.containerdVersion,
    ],
    ["c1", "ns1", "/run/c.sock", "/run/c.sock.ttrpc", "/run/s", LogLevel.DEBUG, "ttrpc-ts"],
  );
});

test("legacy: empty stdin, the address text on stdout", async () => {
  const shim = await startShim({
    bundle: dir,
    id: "c2",
    namespace: "ns2",
    binary: fake,
    protocol: "legacy",
    env: env({ FAKE_OUT: Buffer.from(`${address}\n`).toString("hex") }),
  });
  assert.deepEqual([shim.address, shim.version], [address, 2]);
  const r = recorded();
  assert.equal(r.stdin, "");
  assert.deepEqual(r.argv, ["-namespace", "ns2", "-id", "c2", "-address", "", "start"]);
});

test("a failing start reports its stderr and exit status", async () => {
  await assert.rejects(
    startShim({
      bundle: dir,
      id: "c3",
      namespace: "ns",
      binary: fake,
      env: env({ FAKE_EXIT: "1", FAKE_ERR: "shim was started through the deprecated API\n" }),
    }),
    /fake-shim -namespace ns -id c3 -address {2}start exited 1: shim was started through the deprecated API$/,
  );
});

test("a start that prints no address, a missing binary, a hung start, bad options", async () => {
  await assert.rejects(startShim({ bundle: dir, id: "c4", namespace: "ns", binary: fake, env: env({}) }), /printed nothing on stdout/);
  await assert.rejects(startShim({ bundle: dir, id: "c5", namespace: "ns", binary: join(dir, "no-such-shim") }), /no-such-shim not found/);
  await assert.rejects(
    startShim({ bundle: dir, id: "c6", namespace: "ns", binary: fake, timeoutMs: 200, env: env({ FAKE_SLEEP: "1" }) }),
    /no result after 200 ms \(killed\)/,
  );
  const grpc = toBinary(BootstrapResultSchema, create(BootstrapResultSchema, { version: 3, address, protocol: "grpc" }));
  await assert.rejects(
    startShim({ bundle: dir, id: "c7", namespace: "ns", binary: fake, env: env({ FAKE_OUT: Buffer.from(grpc).toString("hex") }) }),
    /uses protocol "grpc"; only ttrpc is supported/,
  );
  await assert.rejects(startShim({ bundle: dir, id: "", namespace: "ns", binary: fake }), /shim id is empty/);
  await assert.rejects(startShim({ bundle: dir, id: "c8", namespace: "", binary: fake }), /namespace is empty/);
});
