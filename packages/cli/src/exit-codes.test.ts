import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rpcExitCode } from "./exit-codes.js";

describe("rpcExitCode", () => {
  it("is 64 + the status code, UNKNOWN for codes outside 1-16", () => {
    assert.equal(rpcExitCode(1), 65);
    assert.equal(rpcExitCode(4), 68);
    assert.equal(rpcExitCode(16), 80);
    assert.equal(rpcExitCode(99), 66);
    assert.equal(rpcExitCode(-1), 66);
  });
});
