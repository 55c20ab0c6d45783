/**
 * A MunicipalDataBatch written as the CSV files of csv-format.ts — the inverse of the CSV import.
 * Used to produce sample files for municipalities and the demo, and by the round-trip test that
 * keeps the format, the importer and docs/import-format.md honest.
 */
import type { MunicipalDataBatch } from '@madoguchi/shared';
import {
  addressHistoryEntriesCsv,
  cardLinksCsv,
  familyRegisterEventDetailsCsv,
  familyRegisterEventsCsv,
  familyRegisterItemsCsv,
  familyRegisterPersonsCsv,
  familyRegistersCsv,
  householdsCsv,
  issuanceBlocksCsv,
  municipalitiesCsv,
  protectionMeasuresCsv,
  residentsCsv,
  sealRegistrationsCsv,
  taxAmountsCsv,
  taxPaymentsCsv,
  taxRecordsCsv,
  type CsvFileSpec,
} from './csv-format.js';

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function get(record: unknown, path: readonly string[]): unknown {
  let node: unknown = record;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function write(spec: CsvFileSpec, records: readonly unknown[]): string {
  const lines = [spec.columns.map((c) => c.name).join(',')];
  for (const record of records) lines.push(spec.columns.map((c) => cell(get(record, c.path))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function batchToCsv(batch: MunicipalDataBatch): Record<string, string> {
  const files: Record<string, string> = {};
  const put = (spec: CsvFileSpec, records: readonly unknown[]) => {
    if (records.length > 0) files[spec.file] = write(spec, records);
  };
  put(municipalitiesCsv, batch.municipalities);
  put(householdsCsv, batch.households);
  put(residentsCsv, batch.residents);
  put(sealRegistrationsCsv, batch.sealRegistrations);
  put(protectionMeasuresCsv, batch.protectionMeasures);
  put(issuanceBlocksCsv, batch.issuanceBlocks);
  put(cardLinksCsv, batch.cardLinks);
  put(familyRegistersCsv, batch.familyRegisters);
  put(
    familyRegisterItemsCsv,
    batch.familyRegisters.flatMap((r) => r.registerEvents.map(([label, value]) => ({ registerId: r.registerId, 0: label, 1: value }))),
  );
  put(
    familyRegisterPersonsCsv,
    batch.familyRegisters.flatMap((r) => r.persons.map((p) => ({ ...p, registerId: r.registerId }))),
  );
  put(
    familyRegisterEventsCsv,
    batch.familyRegisters.flatMap((r) =>
      r.persons.flatMap((p) => p.events.map((e, i) => ({ ...e, registerId: r.registerId, personId: p.personId, eventNo: i + 1 }))),
    ),
  );
  put(
    familyRegisterEventDetailsCsv,
    batch.familyRegisters.flatMap((r) =>
      r.persons.flatMap((p) =>
        p.events.flatMap((e, i) =>
          e.details.map(([label, value]) => ({ registerId: r.registerId, personId: p.personId, eventNo: i + 1, 0: label, 1: value })),
        ),
      ),
    ),
  );
  put(
    addressHistoryEntriesCsv,
    batch.addressHistories.flatMap((h) => h.entries.map((e) => ({ ...e, registerId: h.registerId, municipalityCode: h.municipalityCode }))),
  );
  put(taxRecordsCsv, batch.taxRecords);
  put(
    taxAmountsCsv,
    batch.taxRecords.flatMap((t) => [
      ...t.incomes.map((a) => ({ ...a, residentId: t.residentId, taxYear: t.taxYear, section: 'income' })),
      ...t.deductions.map((a) => ({ ...a, residentId: t.residentId, taxYear: t.taxYear, section: 'deduction' })),
    ]),
  );
  put(
    taxPaymentsCsv,
    batch.taxRecords.flatMap((t) => t.payments.map((p) => ({ ...p, residentId: t.residentId, taxYear: t.taxYear }))),
  );
  return files;
}
