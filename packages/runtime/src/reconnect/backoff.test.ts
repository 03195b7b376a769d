import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay, checkBackoff } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles from initialMs and stops at maxMs (no jitter)", () => {
    const o = { initialMs: 100, maxMs: 1000, jitter: 0 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, o)),
      [100, 200, 400, 800, 1000, 1000],
    );
  });

  it("jitter spreads the wait by ±jitter and never passes maxMs", () => {
    const o = { initialMs: 100, maxMs: 1000, jitter: 0.5 };
    assert.equal(
      backoffDelay(1, o, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(1, o, () => 1),
      150,
    );
    assert.equal(
      backoffDelay(10, o, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(10, o, () => 0),
      500,
    );
  });

  it("refuses bad options", () => {
    assert.throws(() => checkBackoff({ initialMs: 10, maxMs: 5 }), /0 <= initialMs <= maxMs/);
    assert.throws(() => checkBackoff({ multiplier: 0.5 }), /multiplier must be >= 1/);
    assert.throws(() => checkBackoff({ jitter: 2 }), /jitter must be within \[0, 1\]/);
    checkBackoff({});
  });
});
