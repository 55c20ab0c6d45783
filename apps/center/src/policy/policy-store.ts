/**
 * Per-municipality policy (offerings, fees, hours, outages, head, seal, texts) and the holiday
 * calendar, stored as validated JSON. Read afresh on every call (once per read snapshot,
 * db/snapshot-reads.ts): a fee change or a declared outage applies to the very next request.
 */
import { HolidayCalendar, MadoguchiError, MunicipalityPolicy, type CertificateType, type IsoDate, type Yen } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { writeTransaction } from '../db/database.js';
import { snapshotRead } from '../db/snapshot-reads.js';
import type { Executor } from '../residents/queries.js';
import { formatPath } from '../residents/paths.js';
import { feeInForce, offeringOf } from './availability.js';

export function policyIn(db: Executor, code: string): Promise<MunicipalityPolicy | null> {
  return snapshotRead(db, `policy:${code}`, async () => {
    const row = await db.selectFrom('municipality_policies').select('data').where('municipality_code', '=', code).executeTakeFirst();
    return row ? (JSON.parse(row.data) as MunicipalityPolicy) : null;
  });
}

export async function holidaysIn(db: Executor, from: IsoDate, to: IsoDate): Promise<Set<IsoDate>> {
  const rows = await snapshotRead(db, `holidays:${from}:${to}`, () =>
    db.selectFrom('holidays').select('date').where('date', '>=', from).where('date', '<=', to).execute(),
  );
  return new Set(rows.map((r) => r.date));
}

export async function putPolicy(database: CenterDatabase, input: unknown): Promise<MunicipalityPolicy> {
  const parsed = MunicipalityPolicy.safeParse(input);
  if (!parsed.success) {
    throw new MadoguchiError(
      'INPUT_INVALID',
      'municipality policy is not valid',
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  const policy = parsed.data;
  const types = policy.offerings.map((o) => o.certificateType);
  const duplicate = types.find((t, i) => types.indexOf(t) !== i);
  if (duplicate)
    throw new MadoguchiError('INPUT_INVALID', `offering listed twice: ${duplicate}`, [
      { path: `offerings[${types.lastIndexOf(duplicate)}].certificateType`, message: '重複しています (duplicate offering)' },
    ]);
  const now = new Date().toISOString();
  await writeTransaction(database, (trx) =>
    trx
      .insertInto('municipality_policies')
      .values({ municipality_code: policy.municipalityCode, data: JSON.stringify(policy), updated_at: now })
      .onConflict((oc) =>
        oc.column('municipality_code').doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute(),
  );
  return policy;
}

export async function putHolidays(database: CenterDatabase, input: unknown): Promise<number> {
  const parsed = HolidayCalendar.safeParse(input);
  if (!parsed.success) {
    throw new MadoguchiError(
      'INPUT_INVALID',
      'holiday calendar is not valid',
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  await writeTransaction(database, async (trx) => {
    for (const h of parsed.data) {
      await trx
        .insertInto('holidays')
        .values(h)
        .onConflict((oc) => oc.column('date').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
        .execute();
    }
  });
  return parsed.data.length;
}

export async function feeFor(db: Executor, code: string, type: CertificateType, on: IsoDate): Promise<Yen | null> {
  const policy = await policyIn(db, code);
  const offering = policy ? offeringOf(policy, type) : null;
  return offering ? feeInForce(offering, on) : null;
}
