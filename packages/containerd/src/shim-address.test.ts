import assert from "node:assert/strict";
import { test } from "node:test";
import { shimSocketAddress } from "./shim-address.js";

test("shim addresses as shims print them and as containerd stores them", () => {
  assert.equal(shimSocketAddress("unix:///run/containerd/s/abc\n"), "unix:///run/containerd/s/abc");
  assert.equal(shimSocketAddress("ttrpc+unix:///run/containerd/s/abc"), "unix:///run/containerd/s/abc");
  assert.equal(shimSocketAddress("/run/shim.sock"), "/run/shim.sock");
  assert.equal(shimSocketAddress("unix:///s", "ttrpc"), "unix:///s");
});

test("shim addresses ttrpc-ts cannot dial get specific errors", () => {
  assert.throws(() => shimSocketAddress("grpc+unix:///s"), /uses protocol "grpc"; only ttrpc is supported/);
  assert.throws(() => shimSocketAddress("unix:///s", "grpc"), /uses protocol "grpc"/);
  assert.throws(() => shimSocketAddress(" "), /shim address is empty/);
  assert.throws(() => shimSocketAddress("unix://"), /has no socket path/);
  assert.throws(() => shimSocketAddress("vsock://3:1024"), /is not a unix socket address/);
});
