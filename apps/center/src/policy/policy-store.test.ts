import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPolicies } from '@madoguchi/shared/demo-data';
import { openDatabase, readTransaction, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { policyIn, putPolicy } from './policy-store.js';

describe('policyIn: the last policy read is reused only while the database says its text is unchanged', () => {
  let first: CenterDatabase;
  let second: CenterDatabase;
  const input = demoPolicies()[0]!;
  const code = input.municipalityCode;

  beforeAll(async () => {
    first = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    second = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(first);
    await migrate(second);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  const fee = (policy: Awaited<ReturnType<typeof policyIn>>) => policy?.offerings[0]?.fees[0]?.feeYen;

  it('answers the same frozen object while the stored text is the same', async () => {
    await putPolicy(first, input);
    const a = await policyIn(first.db, code);
    const b = await readTransaction(first, (trx) => policyIn(trx, code));
    expect(b).toBe(a);
    expect(Object.isFrozen(a!.offerings[0]!.fees)).toBe(true);
    expect(() => (a!.offerings as unknown[]).push(a!.offerings[0])).toThrow(TypeError);
  });

  it('sees a change written behind its back with the same updated_at (the database gives the row a new revision)', async () => {
    const before = await policyIn(first.db, code);
    const changed = structuredClone(before!) as { offerings: { fees: { feeYen: number }[] }[] };
    changed.offerings[0]!.fees[0]!.feeYen = fee(before)! + 50;
    const { updated_at } = await first.db
      .selectFrom('municipality_policies')
      .select('updated_at')
      .where('municipality_code', '=', code)
      .executeTakeFirstOrThrow();
    await first.db
      .updateTable('municipality_policies')
      .set({ data: JSON.stringify(changed), updated_at })
      .where('municipality_code', '=', code)
      .execute();
    expect(fee(await policyIn(first.db, code))).toBe(fee(before)! + 50);
  });

  it('answers each database its own policy, and none where it has none', async () => {
    expect(await policyIn(second.db, code)).toBeNull();
    await putPolicy(second, input);
    const inSecond = await policyIn(second.db, code);
    const inFirst = await policyIn(first.db, code);
    expect(fee(inSecond)).toBe(fee(inFirst)! - 50);
    await second.db.deleteFrom('municipality_policies').where('municipality_code', '=', code).execute();
    expect(await policyIn(second.db, code)).toBeNull();
  });
});
