import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code } from "./code.js";
import { resolveDeadline, timeoutNano } from "./deadline.js";
import { abortError, deadlineError, TtrpcError } from "./ttrpc-error.js";
import { encodeRequestTail } from "./wire/envelope.js";

describe("resolveDeadline", () => {
  it("no options, no default: no deadline", () => {
    assert.equal(resolveDeadline(undefined, undefined), undefined);
    assert.equal(resolveDeadline({}, undefined), undefined);
  });

  it("timeoutMs is relative to now", () => {
    const before = Date.now();
    const d = resolveDeadline({ timeoutMs: 1000 }, undefined);
    assert.ok(d !== undefined && d >= before + 1000 && d <= Date.now() + 1000);
  });

  it("the default timeout applies only when the call sets none", () => {
    const d = resolveDeadline(undefined, 500);
    assert.ok(d !== undefined && Math.abs(d - (Date.now() + 500)) < 1000);
    const own = resolveDeadline({ timeoutMs: 60_000 }, 500);
    assert.ok(own !== undefined && own > Date.now() + 30_000);
  });

  it("timeoutMs 0 or negative means none", () => {
    assert.equal(resolveDeadline({ timeoutMs: 0 }, undefined), undefined);
    assert.equal(resolveDeadline({ timeoutMs: -5 }, undefined), undefined);
  });

  it("deadline as a Date or epoch ms", () => {
    assert.equal(resolveDeadline({ deadline: 1234 }, undefined), 1234);
    assert.equal(resolveDeadline({ deadline: new Date(5678) }, undefined), 5678);
  });

  it("the earlier of timeoutMs and deadline wins", () => {
    const far = Date.now() + 3_600_000;
    const near = resolveDeadline({ timeoutMs: 1000, deadline: far }, undefined);
    assert.ok(near !== undefined && near < far);
    const soon = Date.now() + 10;
    assert.equal(resolveDeadline({ timeoutMs: 3_600_000, deadline: soon }, undefined), soon);
  });
});

describe("timeoutNano", () => {
  // Compared as numbers: the return type may be a number or a bigint.
  it("no deadline: 0", () => {
    assert.equal(Number(timeoutNano(undefined)), 0);
  });

  it("time left in ns", () => {
    const ns = Number(timeoutNano(Date.now() + 5000));
    assert.ok(ns > 4_000_000_000 && ns <= 5_000_000_000, String(ns));
  });

  it("a deadline already passed still sends a positive timeout (1 ns), never 0 (= none)", () => {
    assert.equal(Number(timeoutNano(Date.now() - 1000)), 1);
    assert.equal(Number(timeoutNano(Date.now())), 1);
  });

  it("a far deadline is sent whole: a year is a year, not 104 days (2^53 ns)", () => {
    const year = 365 * 24 * 3600 * 1000;
    const ns = timeoutNano(Date.now() + year);
    assert.ok(Math.abs(ns / 1e6 - year) < 1000, `${ns} ns`);
  });

  it("the farthest deadline is capped at the largest int64 the wire carries, and encodes", () => {
    const ns = timeoutNano(Date.now() + 1e16);
    assert.ok(ns > 9.2e18 && ns < 2 ** 63, `${ns}`);
    assert.doesNotThrow(() => encodeRequestTail(ns, undefined));
    assert.equal(timeoutNano(Number.POSITIVE_INFINITY), ns);
  });
});

describe("deadlineError / abortError", () => {
  it("deadline: DEADLINE_EXCEEDED", () => {
    const e = deadlineError();
    assert.equal(e.code, Code.DeadlineExceeded);
    assert.equal(e.rawMessage, "deadline exceeded");
  });

  it("plain abort: CANCELLED, with the reason as cause", () => {
    const ac = new AbortController();
    ac.abort("because");
    const e = abortError(ac.signal);
    assert.equal(e.code, Code.Canceled);
    assert.equal(e.cause, "because");
  });

  it("a TtrpcError reason is used as is", () => {
    const ac = new AbortController();
    const reason = new TtrpcError("mine", Code.Aborted);
    ac.abort(reason);
    assert.equal(abortError(ac.signal), reason);
  });

  it("AbortSignal.timeout: DEADLINE_EXCEEDED", async () => {
    const s = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(abortError(s).code, Code.DeadlineExceeded);
  });
});
