import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, readTransaction, writeTransaction, type CenterDatabase } from './database.js';
import { snapshotRead } from './snapshot-reads.js';

describe('snapshotRead', () => {
  let database: CenterDatabase;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
  });
  afterAll(() => database.close());

  const counting = () => {
    let loads = 0;
    return { load: async () => ++loads, loads: () => loads };
  };

  it('loads a key once per read snapshot and shares the answer', async () => {
    const { load, loads } = counting();
    const answers = await readTransaction(database, async (trx) => [
      await snapshotRead(trx, 'policy:131016', load),
      await snapshotRead(trx, 'policy:131016', load),
      await snapshotRead(trx, 'policy:131024', load),
    ]);
    expect(answers).toEqual([1, 1, 2]);
    expect(loads()).toBe(2);
  });

  it('reads afresh in every new snapshot: nothing outlives the transaction that read it', async () => {
    const { load } = counting();
    const first = await readTransaction(database, (trx) => snapshotRead(trx, 'resident:r1', load));
    const second = await readTransaction(database, (trx) => snapshotRead(trx, 'resident:r1', load));
    expect([first, second]).toEqual([1, 2]);
  });

  it('never remembers outside a read snapshot (plain executor, write transaction)', async () => {
    const { load } = counting();
    await snapshotRead(database.db, 'resident:r1', load);
    await snapshotRead(database.db, 'resident:r1', load);
    const inWrite = await writeTransaction(database, async (trx) => [
      await snapshotRead(trx, 'k', load),
      await snapshotRead(trx, 'k', load),
    ]);
    expect(inWrite).toEqual([3, 4]);
  });
});
