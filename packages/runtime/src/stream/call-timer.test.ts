import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import type { TtrpcError } from "../ttrpc-error.js";
import { CallTimer } from "./call-timer.js";

describe("CallTimer", () => {
  it("a deadline past Node's timer limit (2^31-1 ms) does not fire early; it fires when due", () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
    try {
      const fired: TtrpcError[] = [];
      const year = 365 * 24 * 3600 * 1000;
      const t = new CallTimer(year, undefined, (e) => fired.push(e));
      mock.timers.tick(1);
      assert.equal(fired.length, 0, "fired at once (timer overflow)");
      mock.timers.tick(2 ** 31);
      assert.equal(fired.length, 0, "fired after the first leg");
      mock.timers.tick(year - 2 ** 31 - 2);
      assert.equal(fired.length, 0);
      mock.timers.tick(2);
      assert.equal(fired.length, 1);
      assert.equal(fired[0]?.rawMessage, "deadline exceeded");
      t.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it("stop() ends a chained timer", () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
    try {
      let fired = 0;
      const t = new CallTimer(3 * 2 ** 31, undefined, () => fired++);
      mock.timers.tick(2 ** 31 + 5);
      t.stop();
      mock.timers.tick(3 * 2 ** 31);
      assert.equal(fired, 0);
    } finally {
      mock.timers.reset();
    }
  });
});
