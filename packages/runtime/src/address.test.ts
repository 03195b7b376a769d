import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAddress } from "./address.js";

describe("parseAddress", () => {
  it("a plain path", () => {
    assert.deepEqual(parseAddress("/run/x.sock"), { path: "/run/x.sock", abstract: false });
    assert.deepEqual(parseAddress("rel.sock"), { path: "rel.sock", abstract: false });
  });

  it("unix:// prefix", () => {
    assert.deepEqual(parseAddress("unix:///run/x.sock"), { path: "/run/x.sock", abstract: false });
  });

  it("abstract sockets get a leading NUL", () => {
    assert.deepEqual(parseAddress("@name"), { path: "\0name", abstract: true });
    assert.deepEqual(parseAddress("unix://@name"), { path: "\0name", abstract: true });
  });

  it("refuses other schemes, empty addresses and a bare @", () => {
    assert.throws(() => parseAddress("tcp://127.0.0.1:1"), /unsupported address/);
    assert.throws(() => parseAddress("vsock://3:1024"), /unsupported address/);
    assert.throws(() => parseAddress(""), /empty/);
    assert.throws(() => parseAddress("unix://"), /empty/);
    assert.throws(() => parseAddress("@"), /no name/);
  });
});
