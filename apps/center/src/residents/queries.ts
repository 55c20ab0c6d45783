/**
 * Reads of municipal data. Every function takes the query executor of the caller's transaction, so a
 * decision that needs several reads sees one snapshot; nothing here caches beyond that snapshot
 * (db/snapshot-reads.ts; docs/misissuance.md#r5: the very next issuance must see an import).
 */
import { sql, type Kysely } from 'kysely';
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
import { jsonWithout } from '../db/database.js';
import { inSnapshot, snapshotRead, snapshotSeed } from '../db/snapshot-reads.js';

export type Executor = Kysely<Database>;

function parse<T>(json: string): T {
  return JSON.parse(json) as T;
}

/**
 * The resident's record. In a read snapshot, one statement reads it with its household and the
 * household's other members, and the snapshot remembers them all: every certificate decision reads
 * the household next (its address, its head, its members), and the menu decides eight types with it.
 */
export function getResident(db: Executor, residentId: string): Promise<Resident | null> {
  return snapshotRead(db, `resident:${residentId}`, async () => {
    if (inSnapshot(db)) return residentWithHousehold(db, residentId);
    const row = await db.selectFrom('residents').select('data').where('resident_id', '=', residentId).executeTakeFirst();
    return row ? parse<Resident>(row.data) : null;
  });
}

async function residentWithHousehold(db: Executor, residentId: string): Promise<Resident | null> {
  const rows = await db
    .selectFrom('residents as r')
    .leftJoin('households as h', 'h.household_id', 'r.household_id')
    .select(['r.household_id', 'r.data', 'h.data as household'])
    .where('r.household_id', '=', db.selectFrom('residents').select('household_id').where('resident_id', '=', residentId))
    .execute();
  const members = rows.map((r) => parse<Resident>(r.data));
  const first = rows[0];
  if (first) {
    snapshotSeed(db, `household:${first.household_id}`, first.household === null ? null : parse<Household>(first.household));
    snapshotSeed(db, `household-residents:${first.household_id}`, members);
    for (const member of members) snapshotSeed(db, `resident:${member.residentId}`, member);
  }
  return members.find((m) => m.residentId === residentId) ?? null;
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

/**
 * The resident's active seal registration. `image: false`: without its impression (sealImagePng is
 * then ''), for a decision that does not draw it — eligibility's printable check lays the certificate
 * out with a blank impression anyway — so the ~25 KB image is not moved for every sign-in's menu.
 */
export async function activeSealRegistration(
  db: Executor,
  residentId: string,
  { image = true }: { image?: boolean } = {},
): Promise<SealRegistration | null> {
  const rows = await db
    .selectFrom('seal_registrations')
    .select(image ? 'data' : jsonWithout(db, 'data', 'sealImagePng').as('data'))
    .where('resident_id', '=', residentId)
    .where('status', '=', 'active')
    .execute();
  const registrations = rows.map((r) =>
    image ? parse<SealRegistration>(r.data) : { ...parse<SealRegistration>(r.data), sealImagePng: '' },
  );
  // The import refuses a second active registration, so there is at most one.
  return registrations[0] ?? null;
}

/** A protection measure (支援措置) or an issuance block (発行抑止) in force: `types` null blocks every type. */
interface GuardRow {
  resident_id: string;
  kind: string;
  certificate_types: string | null;
}

/**
 * The protection measures and issuance blocks in force on `today` for `residentIds`, in one statement.
 * In a read snapshot the answers are remembered per resident, so a later question about residents
 * already asked (the document's members after its holder's household) reads nothing. What a row
 * means for a certificate is decided by protectedResidents and blockedResidents.
 */
export async function guardsOf(db: Executor, residentIds: readonly string[], today: string): Promise<GuardRow[]> {
  const known = await snapshotRead(db, `guards:${today}`, async () => new Map<string, GuardRow[]>());
  const missing = [...new Set(residentIds)].filter((id) => !known.has(id));
  if (missing.length > 0) {
    const protections = db
      .selectFrom('protection_measures')
      .select(['resident_id', sql<string>`'protection'`.as('kind'), sql<string | null>`cast(null as text)`.as('certificate_types')])
      .where('resident_id', 'in', missing)
      .where('from_date', '<=', today)
      .where((eb) => eb.or([eb('until_date', 'is', null), eb('until_date', '>=', today)]));
    const blocks = db
      .selectFrom('issuance_blocks')
      .select(['resident_id', sql<string>`'block'`.as('kind'), 'certificate_types'])
      .where('resident_id', 'in', missing)
      .where('from_date', '<=', today)
      .where((eb) => eb.or([eb('until_date', 'is', null), eb('until_date', '>=', today)]));
    const rows = await protections.unionAll(blocks).execute();
    // Outside a snapshot the map is this call's own (snapshotRead loads it afresh), so nothing is kept.
    for (const id of missing) known.set(id, []);
    for (const row of rows) known.get(row.resident_id)!.push(row);
  }
  return residentIds.flatMap((id) => known.get(id) ?? []);
}

/** Residents (among `residentIds`) with a protection measure in force on `today`. */
export async function protectedResidents(db: Executor, residentIds: readonly string[], today: string): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const rows = await guardsOf(db, residentIds, today);
  return new Set(rows.filter((r) => r.kind === 'protection').map((r) => r.resident_id));
}

/** Residents (among `residentIds`) with an issuance block in force on `today` for `type`. */
export async function blockedResidents(
  db: Executor,
  residentIds: readonly string[],
  type: CertificateType,
  today: string,
): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const blocked = new Set<string>();
  for (const row of await guardsOf(db, residentIds, today)) {
    if (row.kind !== 'block') continue;
    const types = row.certificate_types === null ? null : parse<CertificateType[]>(row.certificate_types);
    if (types === null || types.includes(type)) blocked.add(row.resident_id);
  }
  return blocked;
}

export function getFamilyRegister(db: Executor, registerId: string): Promise<FamilyRegister | null> {
  return snapshotRead(db, `family-register:${registerId}`, async () => {
    // The register and its persons in one statement, the persons in register order.
    const rows = await db
      .selectFrom('family_registers as fr')
      .leftJoin('family_register_persons as p', 'p.register_id', 'fr.register_id')
      .select(['fr.data as register', 'p.data as person'])
      .where('fr.register_id', '=', registerId)
      .orderBy('p.position')
      .execute();
    const first = rows[0];
    if (!first) return null;
    const persons = rows.flatMap((r) => (r.person === null ? [] : [parse<FamilyRegisterPerson>(r.person)]));
    return { ...parse<Omit<FamilyRegister, 'persons'>>(first.register), persons };
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

/** The resident's tax records by year: read once per snapshot for the menu's years and the chosen year's record. */
function taxRecordsOf(db: Executor, residentId: string): Promise<Map<number, TaxRecord>> {
  return snapshotRead(db, `tax-records:${residentId}`, async () => {
    const rows = await db.selectFrom('tax_records').select(['tax_year', 'data']).where('resident_id', '=', residentId).execute();
    return new Map(rows.map((r) => [Number(r.tax_year), parse<TaxRecord>(r.data)]));
  });
}

export async function getTaxRecord(db: Executor, residentId: string, taxYear: number): Promise<TaxRecord | null> {
  return (await taxRecordsOf(db, residentId)).get(taxYear) ?? null;
}

export async function taxYearsOfResident(db: Executor, residentId: string): Promise<number[]> {
  return [...(await taxRecordsOf(db, residentId)).keys()].sort((a, b) => b - a);
}
