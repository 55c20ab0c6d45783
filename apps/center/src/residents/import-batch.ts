/**
 * Import of one MunicipalDataBatch: validated with the shared schema and against the data already
 * held, applied atomically (one write transaction: all of it or nothing), with upsert semantics
 * (a record with a known key replaces the stored one). A refused batch changes nothing and reports
 * every problem with its row: `residents[12].birthDate` (JSON) or `residents.csv:13:birthDate` (CSV).
 *
 * Cancellations, moves, deaths and measures are imported as record updates (status, dates), never
 * as deletions, so the very next read — there is no cache — sees them. A provisional (仮登録)
 * resident or family register that has an approved version does not replace it: it is held aside
 * and the record refused until an approved version is imported (provisional.ts).
 */
import { MadoguchiError, MunicipalDataBatch, type FamilyRegister } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { writeTransaction } from '../db/database.js';
import type { Executor } from './queries.js';
import { formatPath, type ImportIssue, type PathSegment } from './paths.js';
import { dropPending, holdProvisionalRegister, holdProvisionalResident, keysWithApprovedVersion } from './provisional.js';

export const batchKinds = [
  'municipalities',
  'households',
  'residents',
  'sealRegistrations',
  'familyRegisters',
  'addressHistories',
  'taxRecords',
  'protectionMeasures',
  'issuanceBlocks',
  'cardLinks',
] as const;
export type BatchKind = (typeof batchKinds)[number];

export interface ImportReport {
  /** Records upserted (or, in a dry run, that would have been), per kind. */
  counts: Record<BatchKind, number>;
  total: number;
  dryRun: boolean;
}

export interface ImportOptions {
  /** Validate against the stored data and roll back: nothing is changed. */
  dryRun?: boolean;
  /**
   * The caller's own checks, in the import's transaction before anything is written (the console's
   * and the API tokens' municipality scope, import-scope.ts): any issue refuses the whole batch.
   */
  scope?: (trx: Executor, batch: MunicipalDataBatch, translate: PathTranslator) => Promise<ImportIssue[]>;
  /** Records an applied import (its history rows) in the import's transaction: both commit or neither. */
  onApplied?: (trx: Executor, report: ImportReport) => Promise<void>;
}

class DryRunRollback extends Error {}

/** Turns a batch path (`residents[3].name.family`) into what the submitter can find (CSV row, column). */
export type PathTranslator = (segments: readonly PathSegment[]) => string;

const CHUNK = 200;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** At most this many issues are listed: a wholly wrong file should not make a report of megabytes. */
const MAX_ISSUES = 1000;

function refuse(issues: ImportIssue[]): never {
  throw new MadoguchiError('IMPORT_INVALID', `${issues.length} problem(s) in the batch; nothing was imported`, issues.slice(0, MAX_ISSUES));
}

/** Keys of each kind, to find duplicates inside one batch. */
function duplicateIssues(batch: MunicipalDataBatch, translate: PathTranslator): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const check = <T>(kind: BatchKind, items: readonly T[], key: (item: T) => string, field: string) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const k = key(item);
      const first = seen.get(k);
      if (first !== undefined)
        issues.push({ path: translate([kind, i, field]), message: `重複しています (duplicate of ${kind}[${first}])` });
      else seen.set(k, i);
    });
  };
  check('municipalities', batch.municipalities, (m) => m.code, 'code');
  check('households', batch.households, (h) => h.householdId, 'householdId');
  check('residents', batch.residents, (r) => r.residentId, 'residentId');
  check('sealRegistrations', batch.sealRegistrations, (s) => s.registrationId, 'registrationId');
  check('familyRegisters', batch.familyRegisters, (f) => f.registerId, 'registerId');
  check('addressHistories', batch.addressHistories, (a) => a.registerId, 'registerId');
  check('taxRecords', batch.taxRecords, (t) => `${t.residentId}\u0000${t.taxYear}`, 'taxYear');
  check('protectionMeasures', batch.protectionMeasures, (p) => p.measureId, 'measureId');
  check('issuanceBlocks', batch.issuanceBlocks, (b) => b.blockId, 'blockId');
  check('cardLinks', batch.cardLinks, (c) => `${c.issuer}\u0000${c.serialNumber}`, 'serialNumber');
  batch.familyRegisters.forEach((register, i) => {
    const seen = new Set<string>();
    register.persons.forEach((p, j) => {
      if (seen.has(p.personId))
        issues.push({ path: translate(['familyRegisters', i, 'persons', j, 'personId']), message: '重複しています (duplicate person)' });
      seen.add(p.personId);
    });
  });
  return issues;
}

type KeyTable = 'municipalities' | 'households' | 'residents' | 'family_registers';

async function keysIn(trx: Executor, table: KeyTable, part: string[]): Promise<string[]> {
  switch (table) {
    case 'municipalities':
      return (await trx.selectFrom('municipalities').select('code').where('code', 'in', part).execute()).map((r) => r.code);
    case 'households':
      return (await trx.selectFrom('households').select('household_id').where('household_id', 'in', part).execute()).map(
        (r) => r.household_id,
      );
    case 'residents':
      return (await trx.selectFrom('residents').select('resident_id').where('resident_id', 'in', part).execute()).map((r) => r.resident_id);
    case 'family_registers':
      return (await trx.selectFrom('family_registers').select('register_id').where('register_id', 'in', part).execute()).map(
        (r) => r.register_id,
      );
  }
}

/** Which of `values` are stored keys of `table` (after this batch was applied). */
async function existing(trx: Executor, table: KeyTable, values: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks([...new Set(values)])) for (const key of await keysIn(trx, table, part)) found.add(key);
  return found;
}

type Need = (ok: boolean, path: PathSegment[], message: string) => void;

const NO_MUNICIPALITY = '団体が登録されていません (unknown municipality code)';
const NO_RESIDENT = '住民が登録されていません (unknown residentId)';

/** The stored keys (after this batch was applied) the batch's records refer to. */
interface StoredReferences {
  municipalities: Set<string>;
  residents: Set<string>;
  households: Set<string>;
  registers: Set<string>;
  /** Household → its municipality, for the households the batch's residents live in. */
  householdMunicipality: Map<string, string>;
}

async function storedReferences(trx: Executor, batch: MunicipalDataBatch): Promise<StoredReferences> {
  const municipalities = await existing(trx, 'municipalities', [
    ...batch.households.map((h) => h.municipalityCode),
    ...batch.residents.map((r) => r.municipalityCode),
    ...batch.familyRegisters.map((f) => f.municipalityCode),
    ...batch.addressHistories.map((a) => a.municipalityCode),
    ...batch.taxRecords.map((t) => t.municipalityCode),
  ]);
  const residentRefs = [
    ...batch.households.map((h) => h.householdHeadId),
    ...batch.sealRegistrations.map((s) => s.residentId),
    ...batch.taxRecords.map((t) => t.residentId),
    ...batch.protectionMeasures.map((p) => p.residentId),
    ...batch.issuanceBlocks.map((b) => b.residentId),
    ...batch.cardLinks.map((c) => c.residentId),
    ...batch.familyRegisters.flatMap((f) => f.persons.flatMap((p) => (p.residentId ? [p.residentId] : []))),
  ];
  const residents = await existing(trx, 'residents', residentRefs);
  const households = await existing(
    trx,
    'households',
    batch.residents.map((r) => r.householdId),
  );
  const registers = await existing(
    trx,
    'family_registers',
    batch.addressHistories.map((a) => a.registerId),
  );
  const householdRows = [] as { household_id: string; municipality_code: string }[];
  for (const part of chunks([...new Set(batch.residents.map((r) => r.householdId))])) {
    householdRows.push(
      ...(await trx.selectFrom('households').select(['household_id', 'municipality_code']).where('household_id', 'in', part).execute()),
    );
  }
  const householdMunicipality = new Map(householdRows.map((h) => [h.household_id, h.municipality_code]));
  return { municipalities, residents, households, registers, householdMunicipality };
}

/** References from each record to a stored municipality, resident, household or register. */
function recordReferenceIssues(batch: MunicipalDataBatch, stored: StoredReferences, need: Need): void {
  const { municipalities, residents, households, householdMunicipality } = stored;
  batch.households.forEach((h, i) => {
    need(municipalities.has(h.municipalityCode), ['households', i, 'municipalityCode'], NO_MUNICIPALITY);
    need(residents.has(h.householdHeadId), ['households', i, 'householdHeadId'], NO_RESIDENT);
  });
  batch.residents.forEach((r, i) => {
    need(municipalities.has(r.municipalityCode), ['residents', i, 'municipalityCode'], NO_MUNICIPALITY);
    need(households.has(r.householdId), ['residents', i, 'householdId'], '世帯が登録されていません (unknown householdId)');
  });
  // A resident and their household must belong to the same municipality.
  batch.residents.forEach((r, i) => {
    const code = householdMunicipality.get(r.householdId);
    need(
      code === undefined || code === r.municipalityCode,
      ['residents', i, 'municipalityCode'],
      '世帯と住民の団体コードが一致しません (household is in another municipality)',
    );
  });
  batch.sealRegistrations.forEach((s, i) => need(residents.has(s.residentId), ['sealRegistrations', i, 'residentId'], NO_RESIDENT));
  batch.taxRecords.forEach((t, i) => {
    need(residents.has(t.residentId), ['taxRecords', i, 'residentId'], NO_RESIDENT);
    need(municipalities.has(t.municipalityCode), ['taxRecords', i, 'municipalityCode'], NO_MUNICIPALITY);
  });
  batch.protectionMeasures.forEach((p, i) => need(residents.has(p.residentId), ['protectionMeasures', i, 'residentId'], NO_RESIDENT));
  batch.issuanceBlocks.forEach((b, i) => need(residents.has(b.residentId), ['issuanceBlocks', i, 'residentId'], NO_RESIDENT));
  batch.cardLinks.forEach((c, i) => need(residents.has(c.residentId), ['cardLinks', i, 'residentId'], NO_RESIDENT));
  batch.familyRegisters.forEach((f, i) => {
    need(municipalities.has(f.municipalityCode), ['familyRegisters', i, 'municipalityCode'], NO_MUNICIPALITY);
    f.persons.forEach((p, j) => {
      if (p.residentId) need(residents.has(p.residentId), ['familyRegisters', i, 'persons', j, 'residentId'], NO_RESIDENT);
    });
  });
}

/** An address history needs its register, and its entries must name persons of that register. */
async function addressHistoryIssues(trx: Executor, batch: MunicipalDataBatch, stored: StoredReferences, need: Need): Promise<void> {
  for (const [i, a] of batch.addressHistories.entries()) {
    need(stored.municipalities.has(a.municipalityCode), ['addressHistories', i, 'municipalityCode'], NO_MUNICIPALITY);
    if (!stored.registers.has(a.registerId)) {
      need(false, ['addressHistories', i, 'registerId'], '戸籍が登録されていません (unknown registerId)');
      continue;
    }
    const persons = await trx.selectFrom('family_register_persons').select('person_id').where('register_id', '=', a.registerId).execute();
    const ids = new Set(persons.map((p) => p.person_id));
    a.entries.forEach((e, j) =>
      need(ids.has(e.personId), ['addressHistories', i, 'entries', j, 'personId'], '戸籍にいない人です (person not in the register)'),
    );
  }
}

/** At most one active seal registration per resident, counting the ones already stored. */
async function activeSealIssues(trx: Executor, batch: MunicipalDataBatch, need: Need): Promise<void> {
  const sealResidents = [...new Set(batch.sealRegistrations.map((s) => s.residentId))];
  for (const part of chunks(sealResidents)) {
    const rows = await trx
      .selectFrom('seal_registrations')
      .select(['resident_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('resident_id', 'in', part)
      .where('status', '=', 'active')
      .groupBy('resident_id')
      .execute();
    for (const row of rows) {
      if (Number(row.n) <= 1) continue;
      const i = batch.sealRegistrations.findIndex((s) => s.residentId === row.resident_id && s.status === 'active');
      need(
        false,
        ['sealRegistrations', Math.max(i, 0), 'status'],
        '有効な印鑑登録が複数になります (a resident can have only one active seal registration)',
      );
    }
  }
}

/** Checks that need the stored data too; run after applying, inside the same transaction. */
async function referenceIssues(trx: Executor, batch: MunicipalDataBatch, translate: PathTranslator): Promise<ImportIssue[]> {
  const issues: ImportIssue[] = [];
  const need: Need = (ok, path, message) => {
    if (!ok) issues.push({ path: translate(path), message });
  };
  const stored = await storedReferences(trx, batch);
  recordReferenceIssues(batch, stored, need);
  await addressHistoryIssues(trx, batch, stored, need);
  await activeSealIssues(trx, batch, need);
  return issues;
}

const json = (v: unknown) => JSON.stringify(v);

/** Upserts every kind in dependency order (a household before its residents, a register before its history). */
async function apply(trx: Executor, batch: MunicipalDataBatch): Promise<void> {
  const now = new Date().toISOString();
  await upsertMunicipalities(trx, batch.municipalities, now);
  await upsertHouseholds(trx, batch.households, now);
  await upsertResidents(trx, batch.residents, now);
  await upsertSealRegistrations(trx, batch.sealRegistrations, now);
  await upsertFamilyRegisters(trx, batch.familyRegisters, now);
  await upsertAddressHistories(trx, batch.addressHistories, now);
  await upsertTaxRecords(trx, batch.taxRecords, now);
  await upsertProtectionMeasures(trx, batch.protectionMeasures, now);
  await upsertIssuanceBlocks(trx, batch.issuanceBlocks, now);
  await upsertCardLinks(trx, batch.cardLinks, now);
}

async function upsertMunicipalities(trx: Executor, municipalities: MunicipalDataBatch['municipalities'], now: string): Promise<void> {
  for (const part of chunks(municipalities)) {
    await trx
      .insertInto('municipalities')
      .values(part.map((m) => ({ code: m.code, data: json(m), updated_at: now })))
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }
}

async function upsertHouseholds(trx: Executor, households: MunicipalDataBatch['households'], now: string): Promise<void> {
  for (const part of chunks(households)) {
    await trx
      .insertInto('households')
      .values(part.map((h) => ({ household_id: h.householdId, municipality_code: h.municipalityCode, data: json(h), updated_at: now })))
      .onConflict((oc) =>
        oc.column('household_id').doUpdateSet((eb) => ({
          municipality_code: eb.ref('excluded.municipality_code'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function upsertResidents(trx: Executor, residents: MunicipalDataBatch['residents'], now: string): Promise<void> {
  // 仮登録 over an approved record is held aside (provisional.ts): the approved data is not lost.
  const residentsHeld = await keysWithApprovedVersion(
    trx,
    'resident',
    residents.filter((r) => r.recordState !== 'approved').map((r) => r.residentId),
  );
  for (const r of residents) if (residentsHeld.has(r.residentId)) await holdProvisionalResident(trx, r, now);
  await dropPending(
    trx,
    'resident',
    residents.filter((r) => r.recordState === 'approved').map((r) => r.residentId),
  );
  for (const part of chunks(residents.filter((r) => !residentsHeld.has(r.residentId)))) {
    await trx
      .insertInto('residents')
      .values(
        part.map((r) => ({
          resident_id: r.residentId,
          municipality_code: r.municipalityCode,
          household_id: r.householdId,
          status: r.status,
          record_state: r.recordState,
          birth_date: r.birthDate,
          data: json(r),
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('resident_id').doUpdateSet((eb) => ({
          municipality_code: eb.ref('excluded.municipality_code'),
          household_id: eb.ref('excluded.household_id'),
          status: eb.ref('excluded.status'),
          record_state: eb.ref('excluded.record_state'),
          birth_date: eb.ref('excluded.birth_date'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function upsertSealRegistrations(trx: Executor, registrations: MunicipalDataBatch['sealRegistrations'], now: string): Promise<void> {
  for (const part of chunks(registrations)) {
    await trx
      .insertInto('seal_registrations')
      .values(
        part.map((s) => ({
          registration_id: s.registrationId,
          resident_id: s.residentId,
          status: s.status,
          data: json(s),
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('registration_id').doUpdateSet((eb) => ({
          resident_id: eb.ref('excluded.resident_id'),
          status: eb.ref('excluded.status'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function upsertFamilyRegisters(trx: Executor, registers: MunicipalDataBatch['familyRegisters'], now: string): Promise<void> {
  const registersHeld = await keysWithApprovedVersion(
    trx,
    'familyRegister',
    registers.filter((f) => f.recordState !== 'approved').map((f) => f.registerId),
  );
  await dropPending(
    trx,
    'familyRegister',
    registers.filter((f) => f.recordState === 'approved').map((f) => f.registerId),
  );
  for (const register of registers) {
    if (registersHeld.has(register.registerId)) {
      await holdProvisionalRegister(trx, register, now);
      continue;
    }
    const { persons, ...rest } = register satisfies FamilyRegister;
    await trx
      .insertInto('family_registers')
      .values({
        register_id: register.registerId,
        municipality_code: register.municipalityCode,
        record_state: register.recordState,
        data: json(rest),
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('register_id').doUpdateSet((eb) => ({
          municipality_code: eb.ref('excluded.municipality_code'),
          record_state: eb.ref('excluded.record_state'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    // A register is replaced whole: persons no longer listed must not linger.
    await trx.deleteFrom('family_register_persons').where('register_id', '=', register.registerId).execute();
    for (const part of chunks(persons.map((p, position) => ({ p, position })))) {
      await trx
        .insertInto('family_register_persons')
        .values(
          part.map(({ p, position }) => ({
            register_id: register.registerId,
            person_id: p.personId,
            position,
            resident_id: p.residentId ?? null,
            data: json(p),
          })),
        )
        .execute();
    }
  }
}

async function upsertAddressHistories(trx: Executor, histories: MunicipalDataBatch['addressHistories'], now: string): Promise<void> {
  for (const part of chunks(histories)) {
    await trx
      .insertInto('address_histories')
      .values(part.map((a) => ({ register_id: a.registerId, municipality_code: a.municipalityCode, data: json(a), updated_at: now })))
      .onConflict((oc) =>
        oc.column('register_id').doUpdateSet((eb) => ({
          municipality_code: eb.ref('excluded.municipality_code'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function upsertTaxRecords(trx: Executor, records: MunicipalDataBatch['taxRecords'], now: string): Promise<void> {
  for (const part of chunks(records)) {
    await trx
      .insertInto('tax_records')
      .values(
        part.map((t) => ({
          resident_id: t.residentId,
          tax_year: t.taxYear,
          municipality_code: t.municipalityCode,
          data: json(t),
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['resident_id', 'tax_year']).doUpdateSet((eb) => ({
          municipality_code: eb.ref('excluded.municipality_code'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function upsertProtectionMeasures(trx: Executor, measures: MunicipalDataBatch['protectionMeasures'], now: string): Promise<void> {
  for (const part of chunks(measures)) {
    await trx
      .insertInto('protection_measures')
      .values(
        part.map((p) => ({
          measure_id: p.measureId,
          resident_id: p.residentId,
          from_date: p.from,
          until_date: p.until ?? null,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('measure_id').doUpdateSet((eb) => ({
          resident_id: eb.ref('excluded.resident_id'),
          from_date: eb.ref('excluded.from_date'),
          until_date: eb.ref('excluded.until_date'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function upsertIssuanceBlocks(trx: Executor, blocks: MunicipalDataBatch['issuanceBlocks'], now: string): Promise<void> {
  for (const part of chunks(blocks)) {
    await trx
      .insertInto('issuance_blocks')
      .values(
        part.map((b) => ({
          block_id: b.blockId,
          resident_id: b.residentId,
          from_date: b.from,
          until_date: b.until ?? null,
          certificate_types: b.certificateTypes ? json(b.certificateTypes) : null,
          data: json(b),
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('block_id').doUpdateSet((eb) => ({
          resident_id: eb.ref('excluded.resident_id'),
          from_date: eb.ref('excluded.from_date'),
          until_date: eb.ref('excluded.until_date'),
          certificate_types: eb.ref('excluded.certificate_types'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function upsertCardLinks(trx: Executor, links: MunicipalDataBatch['cardLinks'], now: string): Promise<void> {
  for (const part of chunks(links)) {
    await trx
      .insertInto('card_links')
      .values(
        part.map((c) => ({
          issuer: c.issuer,
          serial_number: c.serialNumber,
          resident_id: c.residentId,
          usable_from: c.usableFrom,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['issuer', 'serial_number']).doUpdateSet((eb) => ({
          resident_id: eb.ref('excluded.resident_id'),
          usable_from: eb.ref('excluded.usable_from'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export async function importBatch(
  database: CenterDatabase,
  input: unknown,
  translate: PathTranslator = formatPath,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const parsed = MunicipalDataBatch.safeParse(input);
  if (!parsed.success) {
    refuse(parsed.error.issues.map((issue) => ({ path: translate(issue.path), message: issue.message })));
  }
  const batch = parsed.data;
  const duplicates = duplicateIssues(batch, translate);
  if (duplicates.length > 0) refuse(duplicates);
  const counts = Object.fromEntries(batchKinds.map((k) => [k, batch[k].length])) as Record<BatchKind, number>;
  const report: ImportReport = { counts, total: Object.values(counts).reduce((a, b) => a + b, 0), dryRun: options.dryRun === true };

  try {
    await writeTransaction(
      database,
      async (trx) => {
        const scopeIssues = options.scope ? await options.scope(trx, batch, translate) : [];
        if (scopeIssues.length > 0) refuse(scopeIssues);
        await apply(trx, batch);
        const issues = await referenceIssues(trx, batch, translate);
        // Throwing rolls the whole batch back.
        if (issues.length > 0) refuse(issues);
        if (options.dryRun) throw new DryRunRollback();
        if (options.onApplied) await options.onApplied(trx, report);
        // One import at a time: the checks above read the stored data (one active seal per resident),
        // and two imports interleaving on PostgreSQL could each pass them.
      },
      { serializeAs: 'municipal-import' },
    );
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  return report;
}
