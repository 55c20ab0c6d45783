/**
 * 仮登録 (provisional records) without losing the approved state.
 *
 * docs/service-rules.md#provisional: data still in provisional registration must never be used,
 * certificates reflect the last approved state; docs/misissuance.md#r5: a 仮登録 must affect the
 * very next issuance. So while a resident or a family register has a provisional version pending:
 * - the stored row keeps the last approved data, marked recordState 'provisional' (so every
 *   certificate that would show it is refused with ELIGIBILITY_PROVISIONAL, exactly as before);
 * - the provisional version itself is kept in provisional_records, never read for a certificate;
 * - importing the record as approved (the entered data, or the old data again to withdraw the
 *   仮登録) replaces the row as any upsert does and drops the pending version.
 * A record that has never been approved is stored as it comes (there is nothing to keep) and is
 * refused the same way.
 */
import type { FamilyRegister, Resident } from '@madoguchi/shared';
import type { Executor } from './queries.js';

export type ProvisionalKind = 'resident' | 'familyRegister';

export interface ProvisionalRecordsTable {
  kind: string;
  record_key: string;
  /** The provisional version as imported (JSON; a family register with its persons). */
  data: string;
  imported_at: string;
}

/** The table is declared here, beside the only code that uses it. */
function withProvisional(db: Executor) {
  return db.withTables<{ provisional_records: ProvisionalRecordsTable }>();
}

const CHUNK = 200;

/** Which of `keys` have an approved version to keep: an approved row, or one already held aside. */
export async function keysWithApprovedVersion(db: Executor, kind: ProvisionalKind, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const part = unique.slice(i, i + CHUNK);
    const approved =
      kind === 'resident'
        ? await db
            .selectFrom('residents')
            .select('resident_id as key')
            .where('resident_id', 'in', part)
            .where('record_state', '=', 'approved')
            .execute()
        : await db
            .selectFrom('family_registers')
            .select('register_id as key')
            .where('register_id', 'in', part)
            .where('record_state', '=', 'approved')
            .execute();
    for (const r of approved) found.add(r.key);
    const held = await withProvisional(db)
      .selectFrom('provisional_records')
      .select('record_key')
      .where('kind', '=', kind)
      .where('record_key', 'in', part)
      .execute();
    for (const r of held) found.add(r.record_key);
  }
  return found;
}

async function keepPending(db: Executor, kind: ProvisionalKind, key: string, record: unknown, now: string): Promise<void> {
  await withProvisional(db)
    .insertInto('provisional_records')
    .values({ kind, record_key: key, data: JSON.stringify(record), imported_at: now })
    .onConflict((oc) =>
      oc
        .columns(['kind', 'record_key'])
        .doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), imported_at: eb.ref('excluded.imported_at') })),
    )
    .execute();
}

/** Keeps a provisional resident aside; the stored approved data stays, marked provisional. */
export async function holdProvisionalResident(db: Executor, resident: Resident, now: string): Promise<void> {
  await keepPending(db, 'resident', resident.residentId, resident, now);
  const row = await db.selectFrom('residents').select('data').where('resident_id', '=', resident.residentId).executeTakeFirstOrThrow();
  const approved = JSON.parse(row.data) as Resident;
  await db
    .updateTable('residents')
    .set({ record_state: 'provisional', data: JSON.stringify({ ...approved, recordState: 'provisional' }), updated_at: now })
    .where('resident_id', '=', resident.residentId)
    .execute();
}

/** Keeps a provisional family register aside; the stored approved register and its persons stay. */
export async function holdProvisionalRegister(db: Executor, register: FamilyRegister, now: string): Promise<void> {
  await keepPending(db, 'familyRegister', register.registerId, register, now);
  const row = await db
    .selectFrom('family_registers')
    .select('data')
    .where('register_id', '=', register.registerId)
    .executeTakeFirstOrThrow();
  const approved = JSON.parse(row.data) as Omit<FamilyRegister, 'persons'>;
  await db
    .updateTable('family_registers')
    .set({ record_state: 'provisional', data: JSON.stringify({ ...approved, recordState: 'provisional' }), updated_at: now })
    .where('register_id', '=', register.registerId)
    .execute();
}

/** An approved version arrived: the pending provisional one is done with. */
export async function dropPending(db: Executor, kind: ProvisionalKind, keys: readonly string[]): Promise<void> {
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    await withProvisional(db)
      .deleteFrom('provisional_records')
      .where('kind', '=', kind)
      .where('record_key', 'in', unique.slice(i, i + CHUNK))
      .execute();
  }
}

/** The provisional version pending for a record, if any (for operators and tests; never for a certificate). */
export async function pendingProvisional(db: Executor, kind: 'resident', key: string): Promise<Resident | null>;
export async function pendingProvisional(db: Executor, kind: 'familyRegister', key: string): Promise<FamilyRegister | null>;
export async function pendingProvisional(db: Executor, kind: ProvisionalKind, key: string): Promise<Resident | FamilyRegister | null> {
  const row = await withProvisional(db)
    .selectFrom('provisional_records')
    .select('data')
    .where('kind', '=', kind)
    .where('record_key', '=', key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.data) as Resident | FamilyRegister) : null;
}
