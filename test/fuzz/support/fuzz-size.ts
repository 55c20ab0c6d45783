/**
 * How many generated inputs each fuzz target runs, from MADOGUCHI_FUZZ_RUNS: 1,000 by default (what
 * CI runs, issue 14 item 6); `pnpm fuzz` runs the full size, 10,000 per target (docs/fuzzing.md#sizes).
 */
export const FUZZ_RUNS = Math.max(1, Number(process.env.MADOGUCHI_FUZZ_RUNS ?? 1_000));

/** The acceptance line's bound on every answer (issue 14 item 4); each file reports its slowest. */
export const ANSWER_BOUND_MS = 1_000;

/** A vitest timeout for a run of `runs` inputs at `msEach` on a loaded machine, never under a minute. */
export const timeoutFor = (runs: number, msEach: number): number => Math.max(60_000, runs * msEach);
