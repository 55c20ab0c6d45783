/**
 * A municipality's rows of the hash-chained history for the console, newest first, a page at a
 * time by sequence number (keyset: `before` the last row shown), and its import runs. The staff
 * member of a row is the detail's staffId (an id; the history never holds a name).
 */
import { StaffId, type ConsoleResponse } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';

export async function historyPage(
  database: CenterDatabase,
  code: string,
  page: { before?: number; limit: number },
): Promise<ConsoleResponse<'history'>> {
  let query = database.db.selectFrom('audit_events').selectAll().where('municipality_code', '=', code);
  if (page.before !== undefined) query = query.where('seq', '<', page.before);
  const rows = await query.orderBy('seq', 'desc').limit(page.limit).execute();
  const entries = rows.map((row) => {
    const detail = (row.detail_json ? JSON.parse(row.detail_json) : {}) as Record<string, unknown>;
    const staffId = StaffId.safeParse(detail.staffId);
    return {
      sequence: Number(row.seq),
      at: row.recorded_at,
      event: row.event,
      staffId: staffId.success ? staffId.data : null,
      issuanceId: row.issuance_id,
      certificateType: row.certificate_type,
      detail,
    };
  });
  return { entries, nextBefore: rows.length === page.limit ? entries.at(-1)!.sequence : null };
}

/** The municipality's import runs, newest first (the latest 200). */
export async function importHistory(database: CenterDatabase, code: string): Promise<ConsoleResponse<'imports'>> {
  const rows = await database.db
    .selectFrom('import_history')
    .selectAll()
    .where('municipality_code', '=', code)
    .orderBy('imported_at', 'desc')
    .orderBy('import_id', 'desc')
    .limit(200)
    .execute();
  return {
    imports: rows.map((r) => ({
      importId: r.import_id,
      at: r.imported_at,
      staffId: r.staff_id,
      tokenId: r.token_id,
      format: r.format,
      dryRun: Number(r.dry_run) === 1,
      ok: Number(r.ok) === 1,
      total: Number(r.total),
      issueCount: Number(r.issue_count),
    })),
  };
}
