// Waiting with bounds: every wait in the reliability tests has a deadline,
// so a hang fails the test with a message instead of stalling the run.

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `cond` every 10 ms until it holds; throws `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${typeof what === "string" ? what : what()}`);
    await sleep(10);
  }
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/** How a promise settled: the value, or the error. */
export type Settled<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/** Never rejects: reports how `promise` settled and how long it took from now. */
export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  const start = Date.now();
  try {
    const value = await promise;
    return { ok: true, value, ms: Date.now() - start };
  } catch (error) {
    return { ok: false, error, ms: Date.now() - start };
  }
}

/** Collects an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}
