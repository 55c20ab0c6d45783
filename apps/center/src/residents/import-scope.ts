/**
 * An import for one municipality (the console's path, an API token's municipality) holds only that
 * municipality's records and replaces none of another's: every record's municipality code is that
 * one; a record keyed by a resident (seal, measure, block, card link, tax) is of one of its
 * residents (in the batch or stored); and a key already stored under another municipality (a
 * household, resident, register, or a record of another municipality's resident) is not taken
 * over. Run in the import's transaction before anything is written (ImportOptions.scope).
 */
import { MunicipalityCode, type MunicipalDataBatch } from '@madoguchi/shared';
import { CsvSyntaxError, parseCsv } from './csv-parse.js';
import type { PathTranslator } from './import-batch.js';
import type { ImportIssue, PathSegment } from './paths.js';
import type { Executor } from './queries.js';

const OTHER = 'この団体のデータではありません (a record of another municipality)';

async function storedMunicipalities(
  trx: Executor,
  table: 'households' | 'residents' | 'family_registers' | 'address_histories',
  keys: string[],
) {
  const column = table === 'households' ? 'household_id' : table === 'residents' ? 'resident_id' : 'register_id';
  const found = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 200) {
    const part = keys.slice(i, i + 200);
    const rows = await trx
      .selectFrom(table)
      .select([`${column} as key`, 'municipality_code'])
      .where(column, 'in', part)
      .execute();
    for (const row of rows as { key: string; municipality_code: string }[]) found.set(row.key, row.municipality_code);
  }
  return found;
}

/** Residents of other records stored under a key, for the records keyed by their own id. */
async function storedOwners(trx: Executor, table: 'seal_registrations' | 'protection_measures' | 'issuance_blocks', keys: string[]) {
  const column = table === 'seal_registrations' ? 'registration_id' : table === 'protection_measures' ? 'measure_id' : 'block_id';
  const found = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 200) {
    const rows = await trx
      .selectFrom(table)
      .select([`${column} as key`, 'resident_id'])
      .where(column, 'in', keys.slice(i, i + 200))
      .execute();
    for (const row of rows as { key: string; resident_id: string }[]) found.set(row.key, row.resident_id);
  }
  return found;
}

export function municipalityScope(code: string) {
  return async (trx: Executor, batch: MunicipalDataBatch, translate: PathTranslator): Promise<ImportIssue[]> => {
    const issues: ImportIssue[] = [];
    const need = (ok: boolean, path: PathSegment[]) => {
      if (!ok) issues.push({ path: translate(path), message: OTHER });
    };
    batch.municipalities.forEach((m, i) => need(m.code === code, ['municipalities', i, 'code']));
    for (const kind of ['households', 'residents', 'familyRegisters', 'addressHistories', 'taxRecords'] as const) {
      batch[kind].forEach((r, i) => need(r.municipalityCode === code, [kind, i, 'municipalityCode']));
    }
    const households = await storedMunicipalities(
      trx,
      'households',
      batch.households.map((h) => h.householdId),
    );
    batch.households.forEach((h, i) => need((households.get(h.householdId) ?? code) === code, ['households', i, 'householdId']));
    const registers = await storedMunicipalities(
      trx,
      'family_registers',
      batch.familyRegisters.map((f) => f.registerId),
    );
    batch.familyRegisters.forEach((f, i) => need((registers.get(f.registerId) ?? code) === code, ['familyRegisters', i, 'registerId']));
    const histories = await storedMunicipalities(
      trx,
      'address_histories',
      batch.addressHistories.map((a) => a.registerId),
    );
    batch.addressHistories.forEach((a, i) => need((histories.get(a.registerId) ?? code) === code, ['addressHistories', i, 'registerId']));

    // Residents: those of the batch are this municipality's (checked above) unless stored under another.
    const owners = {
      sealRegistrations: await storedOwners(
        trx,
        'seal_registrations',
        batch.sealRegistrations.map((s) => s.registrationId),
      ),
      protectionMeasures: await storedOwners(
        trx,
        'protection_measures',
        batch.protectionMeasures.map((p) => p.measureId),
      ),
      issuanceBlocks: await storedOwners(
        trx,
        'issuance_blocks',
        batch.issuanceBlocks.map((b) => b.blockId),
      ),
    };
    const referenced = [
      ...batch.residents.map((r) => r.residentId),
      ...batch.sealRegistrations.map((s) => s.residentId),
      ...batch.protectionMeasures.map((p) => p.residentId),
      ...batch.issuanceBlocks.map((b) => b.residentId),
      ...batch.cardLinks.map((c) => c.residentId),
      ...batch.taxRecords.map((t) => t.residentId),
      ...Object.values(owners).flatMap((m) => [...m.values()]),
    ];
    const stored = await storedMunicipalities(trx, 'residents', [...new Set(referenced)]);
    const inBatch = new Map(batch.residents.map((r) => [r.residentId, r.municipalityCode]));
    const ours = (residentId: string) => (stored.get(residentId) ?? inBatch.get(residentId) ?? code) === code;
    batch.residents.forEach((r, i) => need((stored.get(r.residentId) ?? code) === code, ['residents', i, 'residentId']));
    batch.sealRegistrations.forEach((s, i) => {
      const owner = owners.sealRegistrations.get(s.registrationId);
      need(ours(s.residentId) && (owner === undefined || ours(owner)), ['sealRegistrations', i, 'residentId']);
    });
    batch.protectionMeasures.forEach((p, i) => {
      const owner = owners.protectionMeasures.get(p.measureId);
      need(ours(p.residentId) && (owner === undefined || ours(owner)), ['protectionMeasures', i, 'residentId']);
    });
    batch.issuanceBlocks.forEach((b, i) => {
      const owner = owners.issuanceBlocks.get(b.blockId);
      need(ours(b.residentId) && (owner === undefined || ours(owner)), ['issuanceBlocks', i, 'residentId']);
    });
    batch.taxRecords.forEach((t, i) => need(ours(t.residentId), ['taxRecords', i, 'residentId']));
    await cardLinkIssues(trx, batch, code, ours, need);
    return issues;
  };
}

/** A card link names one of this municipality's residents and does not take over another's card. */
async function cardLinkIssues(
  trx: Executor,
  batch: MunicipalDataBatch,
  code: string,
  ours: (residentId: string) => boolean,
  need: (ok: boolean, path: PathSegment[]) => void,
): Promise<void> {
  for (const [i, c] of batch.cardLinks.entries()) {
    const existing = await trx
      .selectFrom('card_links as l')
      .innerJoin('residents as r', 'r.resident_id', 'l.resident_id')
      .select('r.municipality_code')
      .where('l.issuer', '=', c.issuer)
      .where('l.serial_number', '=', c.serialNumber)
      .executeTakeFirst();
    need(ours(c.residentId) && (existing === undefined || existing.municipality_code === code), ['cardLinks', i, 'residentId']);
  }
}

/**
 * The municipalities whose records a validated batch holds: those named by a code, and for records
 * keyed by a resident (seal registrations, measures, blocks, card links), the resident's — in the
 * batch or stored.
 */
export async function municipalitiesOf(trx: Executor, batch: MunicipalDataBatch): Promise<string[]> {
  const codes = new Set([
    ...batch.municipalities.map((m) => m.code),
    ...(['households', 'residents', 'familyRegisters', 'addressHistories', 'taxRecords'] as const).flatMap((kind) =>
      batch[kind].map((r) => r.municipalityCode),
    ),
  ]);
  const inBatch = new Set(batch.residents.map((r) => r.residentId));
  const residentIds = [
    ...batch.sealRegistrations.map((s) => s.residentId),
    ...batch.protectionMeasures.map((p) => p.residentId),
    ...batch.issuanceBlocks.map((b) => b.residentId),
    ...batch.cardLinks.map((c) => c.residentId),
  ].filter((id) => !inBatch.has(id));
  for (const code of (await storedMunicipalities(trx, 'residents', [...new Set(residentIds)])).values()) codes.add(code);
  return [...codes];
}

/** The field (JSON) or column (CSV) naming a record's municipality, by kind or file. */
const codeField = (kindOrFile: string) =>
  kindOrFile === 'municipalities' || kindOrFile === 'municipalities.csv' ? 'code' : 'municipalityCode';

/**
 * The municipality codes a batch that did not validate claims (well-formed ones only), read
 * leniently: the batch may be anything.
 */
export function claimedMunicipalities(
  payload: { format: 'json'; batch: unknown } | { format: 'csv'; files: Record<string, string> },
): string[] {
  const found = new Set<string>();
  const add = (value: unknown) => {
    if (MunicipalityCode.safeParse(value).success) found.add(value as string);
  };
  if (payload.format === 'json') {
    const batch = payload.batch;
    if (batch === null || typeof batch !== 'object') return [];
    for (const [kind, records] of Object.entries(batch)) {
      if (!Array.isArray(records)) continue;
      for (const record of records)
        if (record !== null && typeof record === 'object') add((record as Record<string, unknown>)[codeField(kind)]);
    }
    return [...found];
  }
  for (const [file, text] of Object.entries(payload.files)) {
    let records;
    try {
      records = parseCsv(text);
    } catch (error) {
      if (error instanceof CsvSyntaxError) continue;
      throw error;
    }
    const column = (records[0]?.cells ?? []).findIndex((name) => name.trim() === codeField(file));
    if (column >= 0) for (const row of records.slice(1)) add(row.cells[column]);
  }
  return [...found];
}

/** Which of `codes` are stored municipalities. */
export async function storedMunicipalityCodes(trx: Executor, codes: readonly string[]): Promise<string[]> {
  const unique = [...new Set(codes)];
  const found: string[] = [];
  for (let i = 0; i < unique.length; i += 200) {
    const rows = await trx
      .selectFrom('municipalities')
      .select('code')
      .where('code', 'in', unique.slice(i, i + 200))
      .execute();
    found.push(...rows.map((r) => r.code));
  }
  return found.sort();
}
