/**
 * policyIn reuses the policy it last parsed while the row's revision is the one it parsed (migration 0308): the
 * database's triggers must give the row a new revision at every write whoever writes, so that no change (a
 * person's own SQL, a row deleted and inserted again, a write rolled back after its own transaction read it, a
 * copy of the database changed differently) is ever answered with the text the cache already holds.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { demoPolicies } from '@madoguchi/shared/demo-data';
import type { MunicipalityPolicy } from '@madoguchi/shared';
import type { CenterDatabase } from '@madoguchi/center';
import { readTransaction, writeTransaction } from '@madoguchi/center/db';
import { policyIn, putPolicy } from '@madoguchi/center/policy';
import { forEachDatabase } from '../support/databases.js';

const input = demoPolicies()[0]!;
const code = input.municipalityCode;

/** The stored policy with its first fee set to `feeYen`, as JSON text a person would write by hand. */
const withFee = (policy: MunicipalityPolicy, feeYen: number) => {
  const changed = structuredClone(policy) as { offerings: { fees: { feeYen: number }[] }[] };
  changed.offerings[0]!.fees[0]!.feeYen = feeYen;
  return JSON.stringify(changed);
};
const fee = (policy: MunicipalityPolicy | null) => policy?.offerings[0]?.fees[0]?.feeYen;
const revision = async (database: CenterDatabase) =>
  Number(
    (await sql<{ revision: number }>`select revision from municipality_policies where municipality_code = ${code}`.execute(database.db))
      .rows[0]?.revision,
  );
const insert = (data: string) =>
  sql`insert into municipality_policies (municipality_code, data, updated_at) values (${code}, ${data}, 'x')`;
/** Reads the policy both ways a center does: a bare read, then in a read snapshot with the municipality. */
const bothReads = async (database: CenterDatabase) => {
  const bare = await policyIn(database.db, code);
  const inSnapshot = await readTransaction(database, (trx) => policyIn(trx, code, '2026-12-08'));
  expect(inSnapshot).toBe(bare);
  return bare;
};

forEachDatabase((harness) => {
  describe('the policy revision (0308) and policyIn', () => {
    it('sees an UPDATE written by hand at the next read, even one that keeps updated_at and gives the old revision', async () => {
      const database = await harness.fresh();
      const stored = await putPolicy(database, input);
      const cached = await bothReads(database);
      expect(fee(cached)).toBe(fee(stored));
      const before = await revision(database);
      await sql`update municipality_policies set data = ${withFee(stored, 1234)}, revision = ${before}
        where municipality_code = ${code}`.execute(database.db);
      expect(await revision(database)).not.toBe(before);
      expect(fee(await bothReads(database))).toBe(1234);
      // And again: every write gets a revision of its own, not one per row.
      await sql`update municipality_policies set data = ${withFee(stored, 1300)} where municipality_code = ${code}`.execute(database.db);
      expect(fee(await bothReads(database))).toBe(1300);
    });

    it('sees a row deleted and inserted again with other text, even when the insert gives the revision it had', async () => {
      const database = await harness.fresh();
      const stored = await putPolicy(database, input);
      await bothReads(database);
      await sql`delete from municipality_policies where municipality_code = ${code}`.execute(database.db);
      expect(await bothReads(database)).toBeNull();
      // The only row is gone: a revision counted from the rows left (max + 1) would start again where it began.
      await insert(withFee(stored, 2300)).execute(database.db);
      expect(fee(await bothReads(database))).toBe(2300);
      const before = await revision(database);
      await sql`delete from municipality_policies where municipality_code = ${code}`.execute(database.db);
      await sql`insert into municipality_policies (municipality_code, data, updated_at, revision)
        values (${code}, ${withFee(stored, 2345)}, 'x', ${before})`.execute(database.db);
      expect(await revision(database)).not.toBe(before);
      expect(fee(await bothReads(database))).toBe(2345);
      // Deleted and inserted again in one transaction, as an import that replaces the row might.
      await writeTransaction(database, async (trx) => {
        await sql`delete from municipality_policies where municipality_code = ${code}`.execute(trx);
        await insert(withFee(stored, 2400)).execute(trx);
      });
      expect(fee(await bothReads(database))).toBe(2400);
    });

    it('a write rolled back after its own transaction read it does not hide the next write', async () => {
      // A counter kept in a table would go back with the rollback and give the next write the number under which
      // the rolled-back text was remembered.
      const database = await harness.fresh();
      const stored = await putPolicy(database, input);
      await bothReads(database);
      await expect(
        writeTransaction(database, async (trx) => {
          await sql`update municipality_policies set data = ${withFee(stored, 3456)} where municipality_code = ${code}`.execute(trx);
          expect(fee(await policyIn(trx, code))).toBe(3456);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // The next write comes before any read: the cache still holds the rolled-back text.
      await sql`update municipality_policies set data = ${withFee(stored, 3500)} where municipality_code = ${code}`.execute(database.db);
      expect(fee(await bothReads(database))).toBe(3500);
    });

    it('two copies of one database, each changed its own way, are each answered their own policy', async () => {
      // One process, one cache: the copies start with the same row and revision (the same text, rightly shared).
      const copy = harness.template((database) => putPolicy(database, input).then(() => undefined));
      const [a, b] = [await copy(), await copy()];
      const stored = (await bothReads(a))!;
      expect(await bothReads(b)).toBe(stored);
      await sql`update municipality_policies set data = ${withFee(stored, 4001)} where municipality_code = ${code}`.execute(a.db);
      await sql`update municipality_policies set data = ${withFee(stored, 4002)} where municipality_code = ${code}`.execute(b.db);
      for (let i = 0; i < 2; i++) {
        expect(fee(await bothReads(a))).toBe(4001);
        expect(fee(await bothReads(b))).toBe(4002);
      }
    });
  });
});
