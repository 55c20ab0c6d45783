import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { CenterContext } from '../http/context.js';
import { verifyChainOnce } from './anomaly-verification.js';

describe('chain verification from the console', () => {
  let database: CenterDatabase;
  let context: CenterContext;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
    context = { database, config: {}, now: () => new Date('2026-11-24T03:00:00Z') } as unknown as CenterContext;
  });
  afterAll(() => database.close());

  it('runs one verification at a time: a caller while one runs gets that run, a later caller a new one', async () => {
    const first = verifyChainOnce(context);
    expect(verifyChainOnce(context)).toBe(first);
    expect(await first).toMatchObject({ ok: true, rows: 0, headsChecked: 0 });
    const later = verifyChainOnce(context);
    expect(later).not.toBe(first);
    await later;
  });
});
