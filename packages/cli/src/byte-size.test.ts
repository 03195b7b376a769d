import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseByteSize } from "./byte-size.js";
import { CliError } from "./cli-error.js";

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
