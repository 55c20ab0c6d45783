/**
 * An export of the issuance log (console or CLI): the search is counted and the export written to
 * the history (`issuance_log_exported`: who, the filters, how many rows) BEFORE the first row
 * leaves, so no export goes unrecorded, even one whose download is cut off. The rows are then
 * bounded by the same instant the count was taken at: issuances quoted during a long download are
 * not in it, so the recorded count is the number of rows sent (barring a state filter whose rows
 * change state meanwhile).
 */
import type { IssuanceLogFilter } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { countIssuances, resolveFilter, type ResolvedFilter } from './issuance-log-query.js';

export interface ExportBy {
  /** The staff member exporting from the console; null for the center's CLI (run on the host). */
  staffId: string | null;
  now: Date;
}

/** The export's name: the filters' municipality and period, e.g. `issuances-131016-2026-11-01-2026-11-30.csv`. */
export function exportFileName(filter: IssuanceLogFilter, now: Date): string {
  const part = (value: string | undefined) => (value ? value.slice(0, 10).replace(/[^0-9A-Za-z-]/g, '') : null);
  const pieces = ['issuances', filter.municipalityCode ?? 'all', part(filter.from), part(filter.to)].filter(Boolean);
  return `${pieces.join('-')}-${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.csv`;
}

/** Records the export and answers the filter its rows are to be read with. */
export async function recordExport(
  database: CenterDatabase,
  filter: IssuanceLogFilter,
  by: ExportBy,
): Promise<{ resolved: ResolvedFilter; rowCount: number }> {
  const resolved = resolveFilter(filter);
  const snapshotEnd = new Date(by.now.getTime() + 1).toISOString();
  if (resolved.toIso === undefined || resolved.toIso > snapshotEnd) resolved.toIso = snapshotEnd;
  // Counted outside the write transaction: on SQLite that holds the one write lock the kiosks need.
  const rowCount = await countIssuances(database.db, resolved);
  await writeTransaction(database, async (trx) => {
    await appendAudit(
      trx,
      database.kind,
      {
        event: 'issuance_log_exported',
        ...(filter.municipalityCode ? { municipalityCode: filter.municipalityCode } : {}),
        detail: { staffId: by.staffId, via: by.staffId ? 'console' : 'cli', filters: { ...filter }, rowCount },
      },
      by.now,
    );
  });
  return { resolved, rowCount };
}
