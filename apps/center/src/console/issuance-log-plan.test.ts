/**
 * The issuance log's search must walk an index in its own order (newest first) and stop after a
 * page: a plan that sorts in a temporary B-tree reads every matching row first, which is what made
 * a search slow on millions of issuances (docs/benchmarks.md#issuance-log). SQLite's EXPLAIN QUERY
 * PLAN of the center's own queries, built by searchQuery, for each index 0304 adds; PostgreSQL's
 * plan is in the benchmark.
 */
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { searchQuery, type Keyset, type ResolvedFilter } from './issuance-log-query.js';

describe('issuance log search plans (SQLite)', () => {
  let database: CenterDatabase;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
  });
  afterAll(() => database?.close());

  async function plan(filter: ResolvedFilter, after?: Keyset): Promise<string> {
    const compiled = searchQuery(database.db, filter, { limit: 50, ...(after ? { after } : {}) }).compile();
    const rows = await database.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    return rows.rows.map((r) => r.detail).join('\n');
  }

  const month = { fromIso: '2026-10-31T15:00:00.000Z', toIso: '2026-11-30T15:00:00.000Z' };
  const deep: Keyset = { createdAt: '2026-11-20T03:00:00.000Z', issuanceId: '6f1d3c1e-0000-4000-8000-000000000001' };
  const cases: [string, ResolvedFilter, string][] = [
    [
      'a municipality, a type and a month',
      { municipalityCode: '131016', certificateType: 'residenceRecord', ...month },
      'issuances_log_municipality_type',
    ],
    ['a municipality', { municipalityCode: '131016' }, 'issuances_log_municipality'],
    ['a kiosk', { terminalId: 'T0001', ...month }, 'issuances_log_terminal'],
    ['nothing (an operator)', {}, 'issuances_log_created'],
  ];

  for (const [label, filter, index] of cases) {
    it(`searches ${label} through ${index}, in index order, first page and deep`, async () => {
      for (const after of [undefined, deep]) {
        const text = await plan(filter, after);
        expect(text).toMatch(new RegExp(`(SEARCH|SCAN) i USING (COVERING )?INDEX ${index}\\b`));
        expect(text).not.toContain('TEMP B-TREE');
      }
    });
  }
});
