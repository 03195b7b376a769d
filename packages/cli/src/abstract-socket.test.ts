import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { padsAbstractNames } from "./abstract-socket.js";

describe("padsAbstractNames", () => {
  it("is true for libuv before 1.48 on Linux", { skip: process.platform !== "linux" }, () => {
    assert.equal(padsAbstractNames("1.46.0"), true);
    assert.equal(padsAbstractNames("1.47.9"), true);
    assert.equal(padsAbstractNames("1.48.0"), false);
    assert.equal(padsAbstractNames("2.0.0"), false);
  });
});
