// Small async helpers for tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Code, TtrpcError } from "@ttrpc-ts/runtime";

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a descriptive error when `p` takes longer than `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true (every 10 ms), failing after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A temp directory, removed by `cleanup`. */
export function tempDir(prefix = "ttrpc-test-"): { dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Settles `p` and returns its rejection as a TtrpcError; fails when it resolves or rejects with something else. */
export async function failure(p: Promise<unknown> | (() => Promise<unknown>)): Promise<TtrpcError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof TtrpcError) return e;
    throw new Error(`expected a TtrpcError, got ${String(e)}`, { cause: e });
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** A matcher for `assert.rejects`: a TtrpcError with `code` and, if given, this exact wire message. */
export function isStatus(code: Code, rawMessage?: string | RegExp): (e: unknown) => boolean {
  return (e) => {
    if (!(e instanceof TtrpcError)) throw new Error(`expected a TtrpcError, got ${String(e)}`);
    if (e.code !== code) throw new Error(`expected code ${code}, got ${e.code} (${e.message})`);
    if (typeof rawMessage === "string" && e.rawMessage !== rawMessage) {
      throw new Error(`expected message ${JSON.stringify(rawMessage)}, got ${JSON.stringify(e.rawMessage)}`);
    }
    if (rawMessage instanceof RegExp && !rawMessage.test(e.rawMessage)) {
      throw new Error(`expected message matching ${rawMessage}, got ${JSON.stringify(e.rawMessage)}`);
    }
    return true;
  };
}

/** Drains an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/**
 * A push-driven async iterable for client-streaming requests: `push` queues
 * a message, `end` finishes the stream, `fail` makes it throw.
 */
export class Pushable<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #ended = false;
  #error: unknown;
  #failed = false;
  #wake: (() => void) | undefined;

  push(value: T): void {
    this.#items.push(value);
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  fail(error: unknown): void {
    this.#failed = true;
    this.#error = error;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.#failed) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}

/**
 * Marks a promise as handled (so a rejection that happens before the test
 * awaits it is not reported as unhandled) and returns it unchanged.
 */
export function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** A promise that never settles (and, unlike a long timer, keeps nothing alive). */
export function forever(): Promise<never> {
  return new Promise<never>(() => {});
}

/** A promise with its resolve and reject functions. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
