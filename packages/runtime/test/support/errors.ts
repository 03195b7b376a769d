import * as assert from "node:assert/strict";
import { type Code, codeName, TtrpcError } from "@ttrpc-ts/runtime";
import type { Settled } from "./wait.js";

/** Asserts `e` is a TtrpcError with `code` and, when given, a raw message matching `text`. */
export function assertTtrpcError(e: unknown, code: Code, text?: string | RegExp): TtrpcError {
  assert.ok(e instanceof TtrpcError, `expected a TtrpcError, got ${String(e)}`);
  assert.equal(codeName(e.code), codeName(code), `code of "${e.message}"`);
  if (typeof text === "string") assert.equal(e.rawMessage, text);
  else if (text) assert.match(e.rawMessage, text);
  return e;
}

/** Asserts a settled promise failed with `code` (and `text`). */
export function assertFailed(s: Settled<unknown>, code: Code, text?: string | RegExp): TtrpcError {
  assert.equal(s.ok, false, "expected the call to fail, it succeeded");
  return assertTtrpcError((s as { error: unknown }).error, code, text);
}
