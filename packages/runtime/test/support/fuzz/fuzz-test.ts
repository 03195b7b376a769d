import { it } from "node:test";
import { fuzzBudgetMs, fuzzSeed, Prng } from "./prng.js";

/** What a fuzz body gets: its PRNG, its seed and when to stop. */
export interface FuzzRun {
  readonly rng: Prng;
  readonly seed: number;
  readonly deadline: number;
  /** Whether there is time left. */
  more(): boolean;
  /** Adds a line to the test's diagnostics. */
  note(line: string): void;
}

/**
 * A fuzz test: runs `body` with a seeded PRNG until its time budget is
 * spent (`ciMs`, or `FUZZ_SECONDS`). The seed is printed, and any failure is
 * rethrown with the command that replays it.
 */
export function fuzzIt(name: string, ciMs: number, body: (run: FuzzRun) => Promise<void> | void): void {
  it(name, async (t) => {
    const seed = fuzzSeed();
    const budget = fuzzBudgetMs(ciMs);
    t.diagnostic(`seed ${seed} (replay: FUZZ_SEED=${seed}), budget ${budget} ms`);
    const deadline = Date.now() + budget;
    try {
      await body({
        rng: new Prng(seed),
        seed,
        deadline,
        more: () => Date.now() < deadline,
        note: (line) => t.diagnostic(line),
      });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const tagged = `[fuzz seed ${seed}; replay with FUZZ_SEED=${seed}] ${err.message}`;
      if (err.stack !== undefined) err.stack = err.stack.replace(err.message, tagged);
      err.message = tagged;
      throw err;
    }
  });
}

export { gc } from "../gc.js";
