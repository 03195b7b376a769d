// Unit tests of the option parsers (run against the TypeScript source).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { padsAbstractNames } from "../../src/abstract-socket.js";
import { parseByteSize } from "../../src/byte-size.js";
import { CliError } from "../../src/cli-error.js";
import { parseDuration } from "../../src/duration.js";
import { rpcExitCode } from "../../src/exit-codes.js";
import { parseMetadataPair } from "../../src/metadata-option.js";
import { requestInput } from "../../src/request-input.js";

describe("parseDuration", () => {
  it("accepts Go-style durations and bare seconds", () => {
    assert.equal(parseDuration("500ms", "--timeout"), 500);
    assert.equal(parseDuration("2s", "--timeout"), 2000);
    assert.equal(parseDuration("1.5s", "--timeout"), 1500);
    assert.equal(parseDuration("1m", "--timeout"), 60_000);
    assert.equal(parseDuration("1m30s", "--timeout"), 90_000);
    assert.equal(parseDuration("1h", "--timeout"), 3_600_000);
    assert.equal(parseDuration("250us", "--timeout"), 0.25);
    assert.equal(parseDuration("10", "--timeout"), 10_000);
    assert.equal(parseDuration("0.25", "--timeout"), 250);
    assert.equal(parseDuration(" 3s ", "--timeout"), 3000);
  });

  it("rejects malformed and non-positive durations with the option name", () => {
    for (const bad of ["", "s", "5x", "1s2", "-1s", "1 s", "ms500", "1.2.3s"]) {
      assert.throws(
        () => parseDuration(bad, "--timeout"),
        (e: unknown) => e instanceof CliError && e.message.includes("--timeout"),
        bad,
      );
    }
    assert.throws(() => parseDuration("0", "--timeout"), /greater than zero/);
    assert.throws(() => parseDuration("0ms", "--timeout"), /greater than zero/);
  });
});

describe("parseByteSize", () => {
  it("accepts bytes and binary suffixes", () => {
    assert.equal(parseByteSize("4194304", "--max-message-size"), 4194304);
    assert.equal(parseByteSize("4MiB", "--max-message-size"), 4194304);
    assert.equal(parseByteSize("8M", "--max-message-size"), 8388608);
    assert.equal(parseByteSize("512KiB", "--max-message-size"), 524288);
    assert.equal(parseByteSize("512k", "--max-message-size"), 524288);
  });

  it("rejects junk, zero and sizes a frame cannot carry", () => {
    for (const bad of ["", "lots", "1.5M", "-1", "0", "4GB", "4096MiB"]) {
      assert.throws(() => parseByteSize(bad, "--max-message-size"), CliError, bad);
    }
  });
});

describe("parseMetadataPair", () => {
  it("splits at the first =", () => {
    assert.deepEqual(parseMetadataPair("k=v"), ["k", "v"]);
    assert.deepEqual(parseMetadataPair("k=a=b"), ["k", "a=b"]);
    assert.deepEqual(parseMetadataPair("k="), ["k", ""]);
  });

  it("takes grpcurl's 'key: value' form; the first separator wins", () => {
    assert.deepEqual(parseMetadataPair("authorization: Bearer a=b"), ["authorization", "Bearer a=b"]);
    assert.deepEqual(parseMetadataPair("url=http://x"), ["url", "http://x"]);
  });

  it("rejects a missing = or key", () => {
    assert.throws(() => parseMetadataPair("k"), /expected key=value/);
    assert.throws(() => parseMetadataPair("=v"), /expected key=value/);
  });
});

describe("rpcExitCode", () => {
  it("is 64 + the status code, UNKNOWN for codes outside 1-16", () => {
    assert.equal(rpcExitCode(1), 65);
    assert.equal(rpcExitCode(4), 68);
    assert.equal(rpcExitCode(16), 80);
    assert.equal(rpcExitCode(99), 66);
    assert.equal(rpcExitCode(-1), 66);
  });
});

describe("requestInput", () => {
  it("prefers the argument, then -d, then stdin", () => {
    assert.deepEqual(requestInput("{}", undefined, false, false), { kind: "text", text: "{}", where: "the JSON argument" });
    assert.deepEqual(requestInput(undefined, "@req.json", false, false), { kind: "file", path: "req.json", where: "req.json" });
    assert.deepEqual(requestInput(undefined, "@-", true, false), { kind: "stdin", where: "stdin" });
    assert.deepEqual(requestInput(undefined, undefined, false, false), { kind: "stdin", where: "stdin" });
  });

  it("sends {} for a single request when stdin is a terminal, but reads a terminal for streams", () => {
    assert.equal(requestInput(undefined, undefined, true, false).kind, "text");
    assert.equal(requestInput(undefined, undefined, true, true).kind, "stdin");
  });

  it("refuses both an argument and -d", () => {
    assert.throws(() => requestInput("{}", "{}", false, false), /not both/);
  });
});

describe("padsAbstractNames", () => {
  it("is true for libuv before 1.48 on Linux", { skip: process.platform !== "linux" }, () => {
    assert.equal(padsAbstractNames("1.46.0"), true);
    assert.equal(padsAbstractNames("1.47.9"), true);
    assert.equal(padsAbstractNames("1.48.0"), false);
    assert.equal(padsAbstractNames("2.0.0"), false);
  });
});
