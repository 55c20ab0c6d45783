/**
 * Reads of municipal data. Every function takes the query executor of the caller's transaction, so a
 * decision that needs several reads sees one snapshot; nothing here caches beyond that snapshot
 * (db/snapshot-reads.ts; docs/misissuance.md#r5: the very next issuance must see an import).
 */
import type { Kysely } from 'kysely';
import {
  type AddressHistory,
  type CertificateType,
  type FamilyRegister,
  type FamilyRegisterPerson,
  type Household,
  type Municipality,
  type Resident,
  type SealRegistration,
  type TaxRecord,
} from '@madoguchi/shared';
import type { Database } from '../db/schema.js';
import { snapshotRead } from '../db/snapshot-reads.js';

export type Executor = Kysely<Database>;

function parse<T>(json: string): T {
  return JSON.parse(json) as T;
}

export function getResident(db: Executor, residentId: string): Promise<Resident | null> {
  return snapshotRead(db, `resident:${residentId}`, async () => {
    const row = await db.selectFrom('residents').select('data').where('resident_id', '=', residentId).executeTakeFirst();
    return row ? parse<Resident>(row.data) : null;
  });
}

export function getHousehold(db: Executor, householdId: string): Promise<Household | null> {
  return snapshotRead(db, `household:${householdId}`, async () => {
    const row = await db.selectFrom('households').select('data').where('household_id', '=', householdId).executeTakeFirst();
    return row ? parse<Household>(row.data) : null;
  });
}

export function getMunicipality(db: Executor, code: string): Promise<Municipality | null> {
  return snapshotRead(db, `municipality:${code}`, async () => {
    const row = await db.selectFrom('municipalities').select('data').where('code', '=', code).executeTakeFirst();
    return row ? parse<Municipality>(row.data) : null;
  });
}

/** Every resident recorded in the household, whatever their status (callers filter). */
export function residentsOfHousehold(db: Executor, householdId: string): Promise<Resident[]> {
  return snapshotRead(db, `household-residents:${householdId}`, async () => {
    const rows = await db.selectFrom('residents').select('data').where('household_id', '=', householdId).execute();
    return rows.map((r) => parse<Resident>(r.data));
  });
}

export async function findResidentIdByCard(
  db: Executor,
  issuer: string,
  serialNumber: string,
): Promise<{ residentId: string; usableFrom: string } | null> {
  const row = await db
    .selectFrom('card_links')
    .select(['resident_id', 'usable_from'])
    .where('issuer', '=', issuer)
    .where('serial_number', '=', serialNumber.toUpperCase())
    .executeTakeFirst();
  return row ? { residentId: row.resident_id, usableFrom: row.usable_from } : null;
}

/**
 * The holder of a card and their municipality, in one statement: the card link joined to the
 * resident it names (a link to a resident not, or no longer, recorded is no holder).
 */
export async function cardHolder(
  db: Executor,
  issuer: string,
  serialNumber: string,
): Promise<{ residentId: string; municipalityCode: string; usableFrom: string } | null> {
  const row = await db
    .selectFrom('card_links as l')
    .innerJoin('residents as r', 'r.resident_id', 'l.resident_id')
    .select(['r.resident_id', 'r.municipality_code', 'l.usable_from'])
    .where('l.issuer', '=', issuer)
    .where('l.serial_number', '=', serialNumber.toUpperCase())
    .executeTakeFirst();
  return row ? { residentId: row.resident_id, municipalityCode: row.municipality_code, usableFrom: row.usable_from } : null;
}

export async function activeSealRegistration(db: Executor, residentId: string): Promise<SealRegistration | null> {
  const rows = await db
    .selectFrom('seal_registrations')
    .select('data')
    .where('resident_id', '=', residentId)
    .where('status', '=', 'active')
    .execute();
  const registrations = rows.map((r) => parse<SealRegistration>(r.data));
  // The import refuses a second active registration, so there is at most one.
  return registrations[0] ?? null;
}

/** Residents (among `residentIds`) with a protection measure in force on `today`. */
export async function protectedResidents(db: Executor, residentIds: readonly string[], today: string): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const rows = await snapshotRead(db, `protection:${today}:${residentIds.join(',')}`, () =>
    db
      .selectFrom('protection_measures')
      .select('resident_id')
      .where('resident_id', 'in', [...residentIds])
      .where('from_date', '<=', today)
      .where((eb) => eb.or([eb('until_date', 'is', null), eb('until_date', '>=', today)]))
      .execute(),
  );
  return new Set(rows.map((r) => r.resident_id));
}

/** Residents (among `residentIds`) with an issuance block in force on `today` for `type`. */
export async function blockedResidents(
  db: Executor,
  residentIds: readonly string[],
  type: CertificateType,
  today: string,
): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const rows = await snapshotRead(db, `blocks:${today}:${residentIds.join(',')}`, () =>
    db
      .selectFrom('issuance_blocks')
      .select(['resident_id', 'certificate_types'])
      .where('resident_id', 'in', [...residentIds])
      .where('from_date', '<=', today)
      .where((eb) => eb.or([eb('until_date', 'is', null), eb('until_date', '>=', today)]))
      .execute(),
  );
  const blocked = new Set<string>();
  for (const row of rows) {
    const types = row.certificate_types === null ? null : parse<CertificateType[]>(row.certificate_types);
    if (types === null || types.includes(type)) blocked.add(row.resident_id);
  }
  return blocked;
}

export function getFamilyRegister(db: Executor, registerId: string): Promise<FamilyRegister | null> {
  return snapshotRead(db, `family-register:${registerId}`, async () => {
    const row = await db.selectFrom('family_registers').select('data').where('register_id', '=', registerId).executeTakeFirst();
    if (!row) return null;
    const persons = await db
      .selectFrom('family_register_persons')
      .select('data')
      .where('register_id', '=', registerId)
      .orderBy('position')
      .execute();
    return { ...parse<Omit<FamilyRegister, 'persons'>>(row.data), persons: persons.map((p) => parse<FamilyRegisterPerson>(p.data)) };
  });
}

/** Registers in which the resident is recorded (linked by residentId), current (not 除籍) first. */
export function registerIdsOfResident(db: Executor, residentId: string): Promise<string[]> {
  return snapshotRead(db, `registers-of:${residentId}`, async () => {
    const rows = await db
      .selectFrom('family_register_persons')
      .select(['register_id', 'data'])
      .where('resident_id', '=', residentId)
      .execute();
    const withState = rows.map((r) => ({ id: r.register_id, removed: parse<FamilyRegisterPerson>(r.data).removed }));
    withState.sort((a, b) => Number(a.removed) - Number(b.removed) || (a.id < b.id ? -1 : 1));
    return withState.map((r) => r.id);
  });
}

export async function getAddressHistory(db: Executor, registerId: string): Promise<AddressHistory | null> {
  const row = await db.selectFrom('address_histories').select('data').where('register_id', '=', registerId).executeTakeFirst();
  return row ? parse<AddressHistory>(row.data) : null;
}

export async function getTaxRecord(db: Executor, residentId: string, taxYear: number): Promise<TaxRecord | null> {
  const row = await db
    .selectFrom('tax_records')
    .select('data')
    .where('resident_id', '=', residentId)
    .where('tax_year', '=', taxYear)
    .executeTakeFirst();
  return row ? parse<TaxRecord>(row.data) : null;
}

export function taxYearsOfResident(db: Executor, residentId: string): Promise<number[]> {
  return snapshotRead(db, `tax-years:${residentId}`, async () => {
    const rows = await db.selectFrom('tax_records').select('tax_year').where('resident_id', '=', residentId).execute();
    return rows.map((r) => Number(r.tax_year)).sort((a, b) => b - a);
  });
}
