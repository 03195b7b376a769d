import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAddress, parseAddress } from "./address.js";

describe("parseAddress", () => {
  it("a plain path", () => {
    assert.deepEqual(parseAddress("/run/x.sock"), { kind: "unix", path: "/run/x.sock", abstract: false });
    assert.deepEqual(parseAddress("rel.sock"), { kind: "unix", path: "rel.sock", abstract: false });
  });

  it("unix:// prefix", () => {
    assert.deepEqual(parseAddress("unix:///run/x.sock"), { kind: "unix", path: "/run/x.sock", abstract: false });
  });

  it("abstract sockets get a leading NUL", () => {
    assert.deepEqual(parseAddress("@name"), { kind: "unix", path: "\0name", abstract: true });
    assert.deepEqual(parseAddress("unix://@name"), { kind: "unix", path: "\0name", abstract: true });
  });

  it("tcp://host:port, IPv6 in brackets", () => {
    assert.deepEqual(parseAddress("tcp://127.0.0.1:1234"), { kind: "tcp", host: "127.0.0.1", port: 1234 });
    assert.deepEqual(parseAddress("TCP://localhost:0"), { kind: "tcp", host: "localhost", port: 0 });
    assert.deepEqual(parseAddress("tcp://[::1]:80"), { kind: "tcp", host: "::1", port: 80 });
    assert.throws(() => parseAddress("tcp://127.0.0.1"), /invalid tcp address "tcp:\/\/127.0.0.1": use tcp:\/\/host:port/);
    assert.throws(() => parseAddress("tcp://::1:80"), /invalid tcp address/);
    assert.throws(() => parseAddress("tcp://h:65536"), /invalid port "65536" in "tcp:\/\/h:65536": a number from 0 to 65535/);
    assert.throws(() => parseAddress("tcp://h:x"), /invalid tcp address/);
  });

  it("hvsock://path:port (Kata's spelling) and vsock-hybrid://", () => {
    assert.deepEqual(parseAddress("hvsock:///run/vc/fc/kata.hvsock:1024"), { kind: "hvsock", path: "/run/vc/fc/kata.hvsock", port: 1024 });
    assert.deepEqual(parseAddress("vsock-hybrid://rel.sock:4294967295"), { kind: "hvsock", path: "rel.sock", port: 4294967295 });
    assert.throws(() => parseAddress("hvsock:///run/v.sock"), /invalid port "\/run\/v.sock"|invalid hybrid vsock address/);
    assert.throws(() => parseAddress("hvsock://:1024"), /invalid hybrid vsock address/);
    assert.throws(() => parseAddress("hvsock:///v.sock:4294967296"), /invalid port "4294967296"/);
  });

  it("Windows named pipes pass through", () => {
    assert.deepEqual(parseAddress("\\\\.\\pipe\\containerd"), { kind: "pipe", path: "\\\\.\\pipe\\containerd" });
    assert.deepEqual(parseAddress("npipe://./pipe/containerd"), { kind: "pipe", path: "\\\\.\\pipe\\containerd" });
    assert.throws(() => parseAddress("npipe://pipe"), /invalid named pipe address/);
  });

  it("refuses other schemes, empty addresses and a bare @", () => {
    assert.throws(() => parseAddress("vsock://3:1024"), /unsupported address "vsock:\/\/3:1024": use a socket path/);
    assert.throws(() => parseAddress("http://x"), /unsupported address/);
    assert.throws(() => parseAddress(""), /empty/);
    assert.throws(() => parseAddress("unix://"), /empty/);
    assert.throws(() => parseAddress("@"), /no name/);
  });

  it("formatAddress gives the short form back", () => {
    for (const a of ["/run/x.sock", "@name", "tcp://127.0.0.1:9", "tcp://[::1]:9", "hvsock:///v.sock:1024", "\\\\.\\pipe\\p"]) {
      assert.equal(formatAddress(parseAddress(a)), a);
    }
  });
});
