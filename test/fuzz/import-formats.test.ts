/**
 * Fuzzing the import formats at their parsers (issue 14 item 4), in-process on a center database:
 * the municipal-data batch (JSON) and its CSV files (@madoguchi/center/residents, what the admin
 * API, the console's imports and the import CLI all call), the municipality policy and the holiday
 * calendar (@madoguchi/center/policy, what the policy CLI calls). admin-import.test.ts fuzzes the
 * same municipal-data parsers through the admin HTTP routes; this file adds the policy formats and
 * runs the parsers without HTTP, so the CI size stays small.
 *
 * Inputs: the demo's own records and policies, and values derived from the formats' zod schemas,
 * spoilt at a few places (support/hostile-inputs.ts); CSV files with cells replaced, columns added
 * or dropped, quoting broken; any JSON. Every call: resolves with a report or refuses with a catalog
 * error (MadoguchiError), within 1 s; a refused call or a dry run commits no write
 * (support/committed-writes.ts). SQLite only, as admin-import.test.ts: the parsers and checks are
 * the same code on both databases.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HolidayCalendar, MadoguchiError, MunicipalityPolicy, type MunicipalDataBatch } from '@madoguchi/shared';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { createPolicyStore, type PolicyStore } from '@madoguchi/center/policy';
import { batchToCsv, createMunicipalStore, type MunicipalStore } from '@madoguchi/center/residents';
import type { CenterDatabase } from '@madoguchi/center';
import { createHarness } from '../support/databases.js';
import { countCommittedWrites, type WriteCounter } from './support/committed-writes.js';
import { ANSWER_BOUND_MS, FUZZ_RUNS, timeoutFor, REPLAY } from './support/fuzz-size.js';
import { hostileCsvFile } from './support/hostile-csv.js';
import { nearValid } from './support/hostile-inputs.js';
import { arbitraryOf } from './support/zod-arbitrary.js';

const demo = generateDemoData();
const batchKinds = Object.keys(demo.batch) as (keyof MunicipalDataBatch)[];

type ImportCall =
  | { format: 'batch'; input: unknown; dryRun: boolean }
  | { format: 'csv'; files: Record<string, string>; dryRun: boolean }
  | { format: 'policy'; input: unknown }
  | { format: 'holidays'; input: unknown };

/** 1–3 records of a few kinds of the demo batch. */
const demoSlice = fc
  .record({ kinds: fc.subarray(batchKinds, { minLength: 1, maxLength: 3 }), start: fc.nat(), count: fc.integer({ min: 1, max: 3 }) })
  .map(({ kinds, start, count }) =>
    Object.fromEntries(
      kinds.map((kind) => {
        const records = demo.batch[kind] as unknown[];
        const from = records.length === 0 ? 0 : start % records.length;
        return [kind, records.slice(from, from + count)];
      }),
    ),
  );

const demoCsv = batchToCsv(demo.batch as MunicipalDataBatch);
/** One CSV file of the demo's, spoilt (support/hostile-csv.ts), as a [name, text] entry. */
const csvFile = hostileCsvFile(demoCsv).map(({ name, text }) => [name, text] as const);

const importCall: fc.Arbitrary<ImportCall> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ input: fc.oneof({ weight: 4, arbitrary: nearValid(demoSlice) }, fc.jsonValue()), dryRun: fc.nat(3).map((n) => n !== 0) })
      .map((r): ImportCall => ({ format: 'batch', ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        files: fc.array(csvFile, { minLength: 1, maxLength: 3 }).map((files) => Object.fromEntries(files)),
        dryRun: fc.nat(3).map((n) => n !== 0),
      })
      .map((r): ImportCall => ({ format: 'csv', ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        { weight: 2, arbitrary: nearValid(fc.constantFrom(...demo.policies)) },
        nearValid(arbitraryOf(MunicipalityPolicy)),
        fc.jsonValue(),
      )
      .map((input): ImportCall => ({ format: 'policy', input })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(nearValid(fc.subarray(demo.holidays, { maxLength: 4 })), nearValid(arbitraryOf(HolidayCalendar)), fc.jsonValue())
      .map((input): ImportCall => ({ format: 'holidays', input })),
  },
);

describe('import formats under fuzzing', () => {
  const harness = createHarness('sqlite');
  let database: CenterDatabase;
  let municipal: MunicipalStore;
  let policies: PolicyStore;
  let writes: WriteCounter;
  let slowestMs = 0;
  const outcomes = new Map<string, number>();

  beforeAll(async () => {
    database = await harness.fresh();
    municipal = createMunicipalStore(database);
    policies = createPolicyStore(database);
    await municipal.importBatch(demo.batch);
    for (const policy of demo.policies) await policies.putPolicy(policy);
    await policies.putHolidays(demo.holidays);
    writes = await countCommittedWrites(database);
  }, 120_000);

  afterAll(async () => {
    const table = [...outcomes.entries()].sort().map(([k, n]) => `${k}: ${n}`);
    process.stdout.write(`import fuzz: ${FUZZ_RUNS} inputs; slowest ${slowestMs.toFixed(0)} ms\n  ${table.join('\n  ')}\n`);
    await harness.dispose();
  });

  const run = (call: ImportCall): Promise<unknown> => {
    if (call.format === 'batch') return municipal.importBatch(call.input, { dryRun: call.dryRun });
    if (call.format === 'csv') return municipal.importCsv(call.files, { dryRun: call.dryRun });
    if (call.format === 'policy') return policies.putPolicy(call.input);
    return policies.putHolidays(call.input);
  };

  it(
    `parses ${FUZZ_RUNS} generated imports: a report or a catalog refusal within ${ANSWER_BOUND_MS} ms, nothing written on a refusal`,
    { timeout: timeoutFor(FUZZ_RUNS, 100) },
    async () => {
      await fc.assert(
        fc.asyncProperty(importCall, async (call) => {
          const where = `${call.format} ${JSON.stringify(call).slice(0, 300)}`;
          const before = await writes.read();
          const started = performance.now();
          let outcome = 'applied';
          try {
            await run(call);
            if ('dryRun' in call && call.dryRun) outcome = 'dry run';
          } catch (error) {
            expect(error, `${where} threw ${String(error)}`).toBeInstanceOf(MadoguchiError);
            outcome = (error as MadoguchiError).code;
          }
          const ms = performance.now() - started;
          slowestMs = Math.max(slowestMs, ms);
          outcomes.set(`${call.format} ${outcome}`, (outcomes.get(`${call.format} ${outcome}`) ?? 0) + 1);
          expect(ms, where).toBeLessThan(ANSWER_BOUND_MS);
          if (outcome !== 'applied') expect(await writes.read(), `${where} → ${outcome} committed a write`).toEqual(before);
        }),
        { numRuns: FUZZ_RUNS, ...REPLAY },
      );
      // Each format was both refused and taken: the inputs reach past the schema.
      for (const format of ['batch', 'csv', 'policy', 'holidays'])
        expect([...outcomes.keys()].filter((k) => k.startsWith(`${format} `)).length, format).toBeGreaterThan(1);
    },
  );
});
