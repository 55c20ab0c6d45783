/**
 * An import for one municipality (the console's path, an API token's municipality) holds only that
 * municipality's records and replaces none of another's: every record's municipality code is that
 * one; a record keyed by a resident (seal, measure, block, card link, tax) is of one of its
 * residents (in the batch or stored); and a key already stored under another municipality (a
 * household, resident, register, or a record of another municipality's resident) is not taken
 * over. Run in the import's transaction before anything is written (ImportOptions.scope).
 */
import type { MunicipalDataBatch } from '@madoguchi/shared';
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
