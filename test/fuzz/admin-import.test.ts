/**
 * Fuzzing the admin import API bodies (issue 9): POST /admin/municipal-data (JSON batches) and
 * /admin/municipal-data/csv ({ files: { name: text } }), with the right bearer token so every input
 * reaches the parsers and the import. Inputs: valid-shaped batches with hostile values put at random
 * places, random JSON, deep nesting, huge numbers, wrong types, prototype-pollution keys, broken JSON;
 * CSV files with formulas, a BOM, Shift_JIS bytes, broken quoting, wrong columns and hostile file
 * names. Mostly dry runs, about one in eight a real apply.
 *
 * Every answer: not a 5xx, a catalog error body or an import report, within 1 s. A dry run or a
 * refused apply changes nothing (no committed write to a municipal table or the audit chain, counted
 * by triggers). The center still imports a good batch at the end.
 *
 * MADOGUCHI_FUZZ_RUNS inputs in all (support/fuzz-size.ts: 1,000 in CI, 10,000 for `pnpm fuzz`): all
 * but a few hundred through Fastify's inject (the whole server in-process — TLS adds nothing to the
 * body handling and would take minutes),
 * the rest over real TLS to the listening center. SQLite only: the import code is the same on both
 * databases and the PostgreSQL half would double the run for no new parser path.
 */
import { request as httpsRequest, Agent } from 'node:https';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, type MunicipalDataBatch } from '@madoguchi/shared';
import type { CenterDatabase } from '@madoguchi/center';
import { batchToCsv } from '@madoguchi/center/residents';
import { createHarness } from '../support/databases.js';
import { demo } from '../support/demo-world.js';
import { startCenter, type CenterHarness } from '../center/support/center-harness.js';
import { ANSWER_BOUND_MS, FUZZ_RUNS } from './support/fuzz-size.js';
import { hostileCsvFile } from './support/hostile-csv.js';
import { hostileValue, mutateAt, rawJsonValue } from './support/hostile-inputs.js';

const TOKEN = 'fuzz-admin-token-0123456789abcdefghijklmnop';
const RUNS = FUZZ_RUNS;
const TLS_RUNS = Math.min(300, Math.ceil(RUNS / 10));
const INJECT_RUNS = RUNS - TLS_RUNS;
/** The acceptance line's bound; the slowest answer seen here is reported at the end. */
const ANSWER_MS = ANSWER_BOUND_MS;

interface FuzzInput {
  path: '/admin/municipal-data' | '/admin/municipal-data/csv';
  dryRun: boolean;
  contentType: string;
  body: string;
}

// --- values that break things -------------------------------------------------------------------

const demoBatch = demo.batch;
const batchKinds = Object.keys(demoBatch) as (keyof MunicipalDataBatch)[];

/** A small slice of the demo batch (1–3 records of a few kinds), with hostile values put into it. */
const hostileBatch = fc
  .record({
    kinds: fc.subarray(batchKinds, { minLength: 1, maxLength: 3 }),
    start: fc.nat(),
    count: fc.integer({ min: 1, max: 3 }),
    mutations: fc.array(
      fc.record({
        path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        value: hostileValue,
        asKey: fc.option(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', ''), { freq: 4 }),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ kinds, start, count, mutations }) => {
    let batch: unknown = Object.fromEntries(
      kinds.map((kind) => {
        const records = demoBatch[kind] as unknown[];
        const from = records.length === 0 ? 0 : start % records.length;
        return [kind, records.slice(from, from + count)];
      }),
    );
    for (const m of mutations) batch = mutateAt(batch, m.path, m.value, m.asKey);
    return JSON.stringify(batch);
  });

/** Bodies for the JSON route: hostile batches, random JSON, deep nesting, raw oddities, broken JSON. */
const jsonBody = fc.oneof(
  { weight: 6, arbitrary: hostileBatch },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc
      .record({ depth: fc.integer({ min: 100, max: 50_000 }), open: fc.constantFrom('[', '{"residents":', '{"__proto__":') })
      .map(({ depth, open }) => `${open.repeat(depth)}${open === '[' ? '' : '1'}${(open === '[' ? ']' : '}').repeat(depth)}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...batchKinds), rawJsonValue).map(([kind, raw]) => `{"${kind}":[${raw}],"residents":${raw}}`),
  },
  { weight: 1, arbitrary: fc.tuple(hostileBatch, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'null',
      '[]',
      '0',
      '"x"',
      '{}',
      '\uFEFF{}',
      '{"residents":null}',
      '{"residents":{}}',
      '{"residents":[null]}',
    ),
  },
);

// --- CSV files -----------------------------------------------------------------------------------

const demoCsv = batchToCsv(demoBatch as MunicipalDataBatch);

/** One CSV file: a real file's header and rows, spoilt (support/hostile-csv.ts). */
const hostileCsvText = hostileCsvFile(demoCsv);

const hostileFileName = fc.oneof(
  fc.constantFrom(...Object.keys(demoCsv)),
  fc.constantFrom('__proto__', 'constructor', '../residents.csv', 'residents.CSV', 'residents.csv\u0000', 'notes.txt', ''),
  fc.string({ maxLength: 20 }),
);

/** Bodies for the CSV route: mostly `{ files }` with hostile CSV, sometimes the wrong shape. */
const csvBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.option(hostileFileName, { freq: 5 }), hostileCsvText), { minLength: 1, maxLength: 3 })
      .map((files) => JSON.stringify({ files: Object.fromEntries(files.map(([rename, f]) => [rename ?? f.name, f.text])) })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"files":{"__proto__":"a,b\\n"}}',
      '{"files":{"residents.csv":1}}',
      '{"files":["x"]}',
      '{"files":null}',
      '{"__proto__":{"files":{}}}',
      '{"files":{"constructor":{"prototype":{}}}}',
      '{}',
      '[]',
    ),
  },
  { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify({ files: v }) ?? 'null') },
);

const fuzzInput: fc.Arbitrary<FuzzInput> = fc
  .record({
    route: fc.constantFrom('json', 'csv'),
    dryRun: fc.nat(7).map((n) => n !== 0),
    contentType: fc.oneof(
      { weight: 12, arbitrary: fc.constant('application/json') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'application/json; charset=shift_jis',
          'text/csv',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ),
      },
    ),
  })
  .chain(({ route, dryRun, contentType }) =>
    (route === 'json' ? jsonBody : csvBody).map(
      (body) =>
        ({ path: route === 'json' ? '/admin/municipal-data' : '/admin/municipal-data/csv', dryRun, contentType, body }) as FuzzInput,
    ),
  );

// --- what must hold ------------------------------------------------------------------------------

/**
 * What a refused or dry-run request must leave as it was: every row written to the municipal tables
 * or the audit chain bumps a counter from a trigger, inside the writing transaction, so a rolled-back
 * write (a dry run, a refused batch) leaves the counter as it was and a committed one moves it.
 * Exact, and one read per input instead of a scan of every table.
 */
async function countCommittedWrites(database: CenterDatabase, tables: string[]): Promise<void> {
  await sql`create table fuzz_writes (n integer not null)`.execute(database.db);
  await sql`insert into fuzz_writes (n) values (0)`.execute(database.db);
  for (const table of tables) {
    for (const op of ['insert', 'update', 'delete']) {
      await sql
        .raw(`create trigger fuzz_${op}_${table} after ${op} on ${table} begin update fuzz_writes set n = n + 1; end`)
        .execute(database.db);
    }
  }
}

async function committedWrites(database: CenterDatabase): Promise<string> {
  const row = await sql<{ n: number }>`select n from fuzz_writes`.execute(database.db);
  return String(row.rows[0]!.n);
}

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function checkAnswer(input: FuzzInput, answer: Answer): void {
  const where = `${input.path} dryRun=${input.dryRun} ${input.contentType} body ${JSON.stringify(input.body.slice(0, 200))}`;
  expect(answer.status, where).toBeLessThan(500);
  expect(answer.ms, where).toBeLessThan(ANSWER_MS);
  const parsed = JSON.parse(answer.body) as unknown;
  if (answer.status === 200) expect(parsed, where).toMatchObject({ dryRun: input.dryRun, total: expect.any(Number) });
  else expect(ErrorBody.safeParse(parsed).success, where).toBe(true);
}

describe('admin import API under fuzzing', () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let slowestMs = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    // A limit no fuzz run reaches: this suite is about the bodies; the limit has its own test.
    center = await startCenter(await harness.fresh(), {
      adminToken: TOKEN,
      build: { adminRateLimit: { max: 1_000_000, timeWindowMs: 60_000 } },
    });
    const municipal = [
      'municipalities',
      'households',
      'residents',
      'seal_registrations',
      'family_registers',
      'family_register_persons',
      'address_histories',
      'tax_records',
      'protection_measures',
      'issuance_blocks',
      'card_links',
      'audit_events',
    ];
    const existing = (await center.database.db.introspection.getTables()).map((t) => t.name);
    expect(existing).toEqual(expect.arrayContaining(municipal));
    await countCommittedWrites(center.database, municipal);
  });
  afterAll(async () => {
    process.stdout.write(
      `admin import fuzz: ${RUNS} inputs (${INJECT_RUNS} inject, ${TLS_RUNS} TLS); ` +
        `statuses ${JSON.stringify(Object.fromEntries(statuses))}; slowest answer ${slowestMs.toFixed(0)} ms\n`,
    );
    await center?.close();
    await harness.dispose();
  });

  const run = async (input: FuzzInput, send: (input: FuzzInput) => Promise<Answer>, before: { value: string }) => {
    const answer = await send(input);
    slowestMs = Math.max(slowestMs, answer.ms);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    checkAnswer(input, answer);
    const after = await committedWrites(center.database);
    if (input.dryRun || answer.status !== 200)
      expect(after, `${input.path} dryRun=${input.dryRun} → ${answer.status} changed the data`).toBe(before.value);
    before.value = after;
  };

  it(
    `answers ${INJECT_RUNS} hostile bodies (in-process) without a 5xx, within ${ANSWER_MS} ms, changing nothing it refuses`,
    { timeout: 600_000 },
    async () => {
      const before = { value: await committedWrites(center.database) };
      const inject = async (input: FuzzInput): Promise<Answer> => {
        const started = performance.now();
        const res = await center.app.inject({
          method: 'POST',
          url: `${input.path}?dryRun=${input.dryRun}`,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': input.contentType },
          payload: input.body,
        });
        return { status: res.statusCode, body: res.body, ms: performance.now() - started };
      };
      await fc.assert(
        fc.asyncProperty(fuzzInput, (input) => run(input, inject, before)),
        { numRuns: INJECT_RUNS },
      );
    },
  );

  it(`answers ${TLS_RUNS} hostile bodies over real TLS the same way, and still imports a good batch`, { timeout: 300_000 }, async () => {
    const agent = new Agent({ keepAlive: true, ca: center.caPem, maxSockets: 1 });
    const overTls = (input: FuzzInput): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const payload = Buffer.from(input.body, 'utf8');
        const req = httpsRequest(
          `${center.baseUrl}${input.path}?dryRun=${input.dryRun}`,
          {
            method: 'POST',
            agent,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': input.contentType, 'content-length': payload.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
            );
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    try {
      const before = { value: await committedWrites(center.database) };
      await fc.assert(
        fc.asyncProperty(fuzzInput, (input) => run(input, overTls, before)),
        { numRuns: TLS_RUNS },
      );
      const writesBefore = await committedWrites(center.database);
      const good = await overTls({
        path: '/admin/municipal-data',
        dryRun: false,
        contentType: 'application/json',
        body: JSON.stringify({ municipalities: demoBatch.municipalities }),
      });
      expect(good.status).toBe(200);
      expect(JSON.parse(good.body)).toMatchObject({ dryRun: false, counts: { municipalities: demoBatch.municipalities.length } });
      // The write counter sees a committed import: the "changed nothing" checks above could fail.
      expect(await committedWrites(center.database)).not.toBe(writesBefore);
    } finally {
      agent.destroy();
    }
  });
});
