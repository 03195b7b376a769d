/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence on
 * every run and machine, so any fuzz failure can be replayed with its seed.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A uniformly distributed uint32. */
  u32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }

  /** A size skewed towards small values: mostly < 64, sometimes up to `max`. */
  size(max: number): number {
    const r = this.float();
    if (r < 0.6) return this.int(Math.min(64, max + 1));
    if (r < 0.9) return this.int(Math.min(4096, max + 1));
    return this.int(max + 1);
  }
}

/** The seed to use: `FUZZ_SEED` when set (to replay a failure), else a fresh one. */
export function fuzzSeed(): number {
  const env = process.env.FUZZ_SEED;
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, got "${env}"`);
    return n >>> 0;
  }
  return (Date.now() ^ (process.pid << 16) ^ Math.floor(Math.random() * 0x1_0000_0000)) >>> 0;
}

/**
 * How long each fuzz test runs, in ms: `FUZZ_SECONDS` when set (long local
 * runs), else `ciMs` (bounded for CI).
 */
export function fuzzBudgetMs(ciMs: number): number {
  const env = process.env.FUZZ_SECONDS;
  if (env !== undefined && env !== "") {
    const s = Number(env);
    if (!(s > 0)) throw new Error(`FUZZ_SECONDS must be a positive number, got "${env}"`);
    return s * 1000;
  }
  return ciMs;
}
