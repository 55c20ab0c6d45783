/**
 * One municipality's import, by a staff member (console) or an API token (/admin): the CSV text
 * checks (csv-text-checks.ts), the importer's row-by-row validation, the municipality scope
 * (import-scope.ts), and the record of the run. Every run — dry or applied, accepted or refused —
 * gets an import_history row (who, when, format, counts); an applied one also a
 * `municipal_data_imported` history row, both in the import's own transaction. A refused or dry
 * run changes no municipal data.
 *
 * The deprecated shared token (MADOGUCHI_ADMIN_TOKEN) imports for every municipality, unchecked, as
 * it always has (legacyImport); its runs are recorded the same way under each stored municipality
 * the batch names, with no staff id and the token id LEGACY_TOKEN_ID, so each municipality's import
 * history shows them too.
 */
import { randomUUID } from 'node:crypto';
import { MadoguchiError } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { csvTextIssues } from './csv-text-checks.js';
import { importBatch, type ImportOptions, type ImportReport } from './import-batch.js';
import { importCsv } from './import-csv.js';
import { claimedMunicipalities, municipalitiesOf, municipalityScope, storedMunicipalityCodes } from './import-scope.js';
import { formatPath, type ImportIssue } from './paths.js';
import type { Executor } from './queries.js';

export type ImportPayload =
  { format: 'json'; dryRun: boolean; batch: unknown } | { format: 'csv'; dryRun: boolean; files: Record<string, string> };

/** Who imports: a staff member, or an API token (and the staff member who created it). */
export interface Importer {
  staffId: string | null;
  tokenId: string | null;
}

export interface ScopedImportResult {
  importId: string;
  dryRun: boolean;
  ok: boolean;
  counts: Record<string, number>;
  total: number;
  issues: ImportIssue[];
}

interface Run {
  database: CenterDatabase;
  municipalityCode: string;
  importer: Importer;
  importId: string;
  format: 'json' | 'csv';
  dryRun: boolean;
  now: Date;
}

/** Sorts by when it was made (the wall clock, not the center's): the list's order among runs of one instant. */
const newImportId = () => `imp_${Date.now().toString(36).padStart(9, '0')}_${randomUUID().slice(0, 8)}`;

async function recordRun(trx: Executor, run: Run, ok: boolean, total: number, issueCount: number): Promise<void> {
  await trx
    .insertInto('import_history')
    .values({
      import_id: run.importId,
      municipality_code: run.municipalityCode,
      staff_id: run.importer.staffId,
      token_id: run.importer.tokenId,
      format: run.format,
      dry_run: run.dryRun ? 1 : 0,
      ok: ok ? 1 : 0,
      total,
      issue_count: issueCount,
      imported_at: run.now.toISOString(),
    })
    .execute();
}

/** An applied run: its import_history row and its row of the hash-chained history, in the import's transaction. */
async function recordApplied(trx: Executor, run: Run, report: ImportReport): Promise<void> {
  await recordRun(trx, run, true, report.total, 0);
  const { staffId, tokenId } = run.importer;
  await appendAudit(
    trx,
    run.database.kind,
    {
      event: 'municipal_data_imported',
      municipalityCode: run.municipalityCode,
      detail: {
        ...(staffId ? { staffId } : {}),
        ...(tokenId ? { tokenId } : {}),
        importId: run.importId,
        format: run.format,
        counts: report.counts,
        total: report.total,
      },
    },
    run.now,
  );
}

const importWith = (database: CenterDatabase, payload: ImportPayload, options: ImportOptions): Promise<ImportReport> =>
  payload.format === 'json' ? importBatch(database, payload.batch, formatPath, options) : importCsv(database, payload.files, options);

function applyRun(run: Run, payload: ImportPayload): Promise<ImportReport> {
  return importWith(run.database, payload, {
    dryRun: payload.dryRun,
    scope: municipalityScope(run.municipalityCode),
    onApplied: (trx, report) => recordApplied(trx, run, report),
  });
}

export async function scopedImport(
  database: CenterDatabase,
  municipalityCode: string,
  importer: Importer,
  payload: ImportPayload,
  now: Date,
): Promise<ScopedImportResult> {
  const run: Run = { database, municipalityCode, importer, importId: newImportId(), format: payload.format, dryRun: payload.dryRun, now };
  const refused = (issues: ImportIssue[]) => ({ importId: run.importId, dryRun: run.dryRun, ok: false, counts: {}, total: 0, issues });
  let result: ScopedImportResult;
  try {
    const textIssues = payload.format === 'csv' ? csvTextIssues(payload.files) : [];
    if (textIssues.length > 0) {
      result = refused(textIssues);
    } else {
      const report = await applyRun(run, payload);
      result = { importId: run.importId, dryRun: report.dryRun, ok: true, counts: report.counts, total: report.total, issues: [] };
      if (!run.dryRun) return result;
    }
  } catch (error) {
    if (!(error instanceof MadoguchiError && error.code === 'IMPORT_INVALID')) throw error;
    result = refused([...(error.issues ?? [])]);
  }
  // A dry run or a refused one: its own record (an applied one was recorded with the import).
  await writeTransaction(database, (trx) => recordRun(trx, run, result.ok, result.total, result.issues.length));
  return result;
}

/** The token id an import by the deprecated shared MADOGUCHI_ADMIN_TOKEN is recorded under (no staff id). */
export const LEGACY_TOKEN_ID = 'legacy';

/**
 * An import with the deprecated shared token: any municipality's records, no scope or CSV text
 * checks (as before, until the token is gone), answering as the unscoped importer does. Each run
 * is recorded once per stored municipality it names — the validated batch's (records keyed by a
 * resident count for the resident's municipality), or, for a batch refused before validation, the
 * codes it claims — under one run id with the municipality appended.
 */
export async function legacyImport(database: CenterDatabase, payload: ImportPayload, now: Date): Promise<ImportReport> {
  const runId = newImportId();
  const runFor = (municipalityCode: string): Run => ({
    database,
    municipalityCode,
    importer: { staffId: null, tokenId: LEGACY_TOKEN_ID },
    importId: `${runId}_${municipalityCode}`,
    format: payload.format,
    dryRun: payload.dryRun,
    now,
  });
  let named: string[] | null = null;
  const recordEach = (ok: boolean, total: number, issueCount: number) =>
    writeTransaction(database, async (trx) => {
      const codes = await storedMunicipalityCodes(trx, named ?? claimedMunicipalities(payload));
      for (const code of codes) await recordRun(trx, runFor(code), ok, total, issueCount);
    });
  let report: ImportReport;
  try {
    report = await importWith(database, payload, {
      dryRun: payload.dryRun,
      // Not a check: it only learns, inside the import's transaction, whose records the batch holds.
      scope: async (trx, batch) => {
        named = await municipalitiesOf(trx, batch);
        return [];
      },
      onApplied: async (trx, applied) => {
        for (const code of await storedMunicipalityCodes(trx, named ?? [])) await recordApplied(trx, runFor(code), applied);
      },
    });
  } catch (error) {
    if (error instanceof MadoguchiError && error.code === 'IMPORT_INVALID') await recordEach(false, 0, error.issues?.length ?? 0);
    throw error;
  }
  if (report.dryRun) await recordEach(true, report.total, 0);
  return report;
}
