import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliError } from "./cli-error.js";
import { parseDuration } from "./duration.js";

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
