/**
 * How many generated inputs each fuzz target runs, from MADOGUCHI_FUZZ_RUNS: 1,000 by default (what
 * CI runs, issue 14 item 6); `pnpm fuzz` runs the full size, 10,000 per target (docs/fuzzing.md#sizes).
 */
export const FUZZ_RUNS = Math.max(1, Number(process.env.MADOGUCHI_FUZZ_RUNS ?? 1_000));

/** The acceptance line's bound on every answer (issue 14 item 4); each file reports its slowest. */
export const ANSWER_BOUND_MS = 1_000;

/** A vitest timeout for a run of `runs` inputs at `msEach` on a loaded machine, never under a minute. */
export const timeoutFor = (runs: number, msEach: number): number => Math.max(60_000, runs * msEach);

/**
 * Replays one failure alone: MADOGUCHI_FUZZ_SEED and MADOGUCHI_FUZZ_PATH as fast-check printed them
 * (`{ seed: 123, path: "17:0:3" }`) run just that input against a fresh start, so a time bound missed
 * on a loaded machine can be told from a slow answer (docs/fuzzing.md#sizes). Spread into fc.assert's options.
 */
export const REPLAY: { seed?: number; path?: string; numRuns?: number } =
  process.env.MADOGUCHI_FUZZ_SEED === undefined
    ? {}
    : {
        seed: Number(process.env.MADOGUCHI_FUZZ_SEED),
        // With a path, that one input only (fast-check would otherwise go on generating after it).
        ...(process.env.MADOGUCHI_FUZZ_PATH ? { path: process.env.MADOGUCHI_FUZZ_PATH, numRuns: 1 } : {}),
      };
