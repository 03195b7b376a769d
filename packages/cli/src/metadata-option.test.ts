import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseMetadataPair } from "./metadata-option.js";

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
