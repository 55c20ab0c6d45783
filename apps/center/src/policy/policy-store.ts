/**
 * Per-municipality policy (offerings, fees, hours, outages, head, seal, texts) and the holiday
 * calendar, stored as validated JSON. Read afresh on every call (once per read snapshot,
 * db/snapshot-reads.ts; the database compares the row's revision, policyIn below): a fee change or a
 * declared outage applies to the very next request.
 */
import {
  HolidayCalendar,
  MadoguchiError,
  MunicipalityPolicy,
  type CertificateType,
  type IsoDate,
  type Municipality,
  type Yen,
} from '@madoguchi/shared';
import { sql } from 'kysely';
import type { CenterDatabase } from '../db/database.js';
import { writeTransaction } from '../db/database.js';
import { inSnapshot, snapshotRead, snapshotSeed } from '../db/snapshot-reads.js';
import type { Executor } from '../residents/queries.js';
import { formatPath } from '../residents/paths.js';
import { feeInForce, offeringOf } from './availability.js';

/**
 * The last policy read of each municipality, parsed, with the row's revision when it was read. A policy is
 * ~71 KB (the 公印 image is in it) and was read, moved from the SQLite thread and parsed four times per
 * issuance (issue 14 item 5). The database still decides every read: it compares the row's revision with
 * this one and answers the text only when they differ. The database's triggers give the row a new random
 * revision at every insert and update, whoever writes (migration 0308, and why random), so any writer's
 * change (console, import, CLI, hand-written SQL, another center process) is seen by the very next read, in
 * that read's own snapshot. Comparing the text itself cost ~11% of the SQLite thread's CPU (binding 71 KB
 * at every read) and sent it over the wire to PostgreSQL. Bounded: a center serves a few municipalities,
 * but nothing here may grow with what callers ask for.
 */
const MAX_CACHED_POLICIES = 64;
const lastRead = new Map<string, { revision: number; policy: MunicipalityPolicy }>();

function remember(code: string, revision: number, text: string): MunicipalityPolicy {
  // Frozen: every caller gets this same object, and what a policy read answers is read-only to them.
  const policy = deepFreeze(JSON.parse(text) as MunicipalityPolicy);
  lastRead.delete(code);
  if (lastRead.size >= MAX_CACHED_POLICIES) lastRead.delete(lastRead.keys().next().value!);
  lastRead.set(code, { revision, policy });
  return policy;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The municipality's policy. In a read snapshot the municipality's own record comes with it, in the
 * same statement, and the snapshot remembers it: whoever decides with the policy (fees, hours) also
 * prints or names the municipality (the printable check, the issue number, the render).
 */
export function policyIn(db: Executor, code: string, holidayOn?: IsoDate): Promise<MunicipalityPolicy | null> {
  return snapshotRead(db, `policy:${code}`, async () => {
    const known = lastRead.get(code);
    const withMunicipality = inSnapshot(db);
    // `holidayOn`: the caller decides availability on that day next (holidaysIn), so the same statement says whether it is one.
    const withHoliday = withMunicipality && holidayOn !== undefined;
    const row = await db
      .selectFrom('municipality_policies as p')
      .leftJoin('municipalities as m', 'm.code', 'p.municipality_code')
      .select((eb) => [
        // `changed` is null when the row is still the revision already parsed (data is NOT NULL).
        known
          ? eb
              .case()
              .when('p.revision', '=', known.revision)
              .then(sql<string | null>`null`)
              .else(eb.ref('p.data'))
              .end()
              .as('changed')
          : eb.ref('p.data').$castTo<string | null>().as('changed'),
        'p.revision',
        withMunicipality ? eb.ref('m.data').as('municipality') : sql<string | null>`null`.as('municipality'),
        withHoliday
          ? eb.selectFrom('holidays').select('holidays.date').where('holidays.date', '=', holidayOn).as('holiday')
          : sql<string | null>`null`.as('holiday'),
      ])
      .where('p.municipality_code', '=', code)
      .executeTakeFirst();
    if (!row) return null;
    if (withMunicipality) {
      snapshotSeed(db, `municipality:${code}`, row.municipality === null ? null : (JSON.parse(row.municipality) as Municipality));
    }
    if (withHoliday) snapshotSeed(db, `holidays:${holidayOn}:${holidayOn}`, row.holiday === null ? [] : [{ date: row.holiday }]);
    return row.changed === null ? known!.policy : remember(code, Number(row.revision), row.changed);
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
