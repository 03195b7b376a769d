import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requestInput } from "./request-input.js";

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
