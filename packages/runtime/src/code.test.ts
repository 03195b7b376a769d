import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, codeName, parseCode } from "./code.js";

describe("Code", () => {
  it("uses the gRPC numbering", () => {
    assert.equal(Code.OK, 0);
    assert.equal(Code.Canceled, 1);
    assert.equal(Code.InvalidArgument, 3);
    assert.equal(Code.ResourceExhausted, 8);
    assert.equal(Code.Unimplemented, 12);
    assert.equal(Code.Unavailable, 14);
    assert.equal(Code.Unauthenticated, 16);
  });

  it("codeName gives canonical names, CODE_<n> for others", () => {
    assert.equal(codeName(Code.NotFound), "NOT_FOUND");
    assert.equal(codeName(Code.Canceled), "CANCELLED");
    assert.equal(codeName(Code.Unauthenticated), "UNAUTHENTICATED");
    assert.equal(codeName(17), "CODE_17");
    assert.equal(codeName(-1), "CODE_-1");
  });

  it("parseCode reads canonical names, enum names, either spelling of cancelled, and numbers", () => {
    assert.equal(parseCode("NOT_FOUND"), Code.NotFound);
    assert.equal(parseCode("not_found"), Code.NotFound);
    assert.equal(parseCode("NotFound"), Code.NotFound);
    assert.equal(parseCode("CANCELED"), Code.Canceled);
    assert.equal(parseCode("CANCELLED"), Code.Canceled);
    assert.equal(parseCode("14"), Code.Unavailable);
    assert.equal(parseCode("0"), Code.OK);
  });

  it("parseCode rejects what is not a code", () => {
    assert.equal(parseCode("17"), undefined);
    assert.equal(parseCode("nope"), undefined);
    assert.equal(parseCode(""), undefined);
    assert.equal(parseCode("-1"), undefined);
  });
});
