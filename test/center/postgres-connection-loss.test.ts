/**
 * A PostgreSQL connection cut while the center holds it (the server restarted or failed over in the
 * middle of a transaction) fails that transaction and nothing else: pg emits 'error' on a checked-out
 * client, which the pool only listens to while the client is idle — unheard, it ended the center.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTransaction } from '@madoguchi/center/db';
import { createHarness } from '../support/databases.js';

const harness = createHarness('postgres');
afterAll(() => harness.dispose());

describe('a PostgreSQL connection cut mid-transaction', () => {
  it('fails that transaction, keeps the process, and the next transaction works', async () => {
    const database = await harness.fresh({ migrate: false });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      let backendPid = 0;
      const cut = writeTransaction(database, async (trx) => {
        backendPid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
        // Between two statements of the transaction: the client is checked out and has no query running.
        await new Promise((r) => setTimeout(r, 300));
        await sql`select 1`.execute(trx);
      });
      await new Promise((r) => setTimeout(r, 100));
      await sql`select pg_terminate_backend(${backendPid})`.execute(database.db);
      await expect(cut).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      const next = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      expect(next.rows[0]?.one).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
      await database.close();
    }
  });
});
