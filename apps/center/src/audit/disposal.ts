/**
 * 処分: the record that a wrongly printed document was disposed of, one 'disposal' history row naming
 * the document's own issuance, store and terminal (交付履歴: where), which copy (its issue number),
 * why, and who recorded it. The operator CLI (cli/audit.ts) and the console (a municipality's own
 * documents only) both record through recordDisposal.
 */
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { appendAuditNow } from './chain.js';

/** Who recorded it: a console staff member (staffId) or an operator at the CLI (operatorId). */
export type DisposalBy = { staffId: string } | { operatorId: string };

export interface RecordedDisposal {
  issuanceId: string;
  issueNumber: string;
  sequence: number;
}

/**
 * Records the disposal of the document with this issue number; null when there is none (or, with
 * `municipalityCode`, none of that municipality: another municipality's document is not found).
 */
export function recordDisposal(
  database: CenterDatabase,
  disposal: { issueNumber: string; reason: string; by: DisposalBy; municipalityCode?: string },
  now: Date,
): Promise<RecordedDisposal | null> {
  return writeTransaction(database, async (trx) => {
    let query = trx
      .selectFrom('issuance_documents as d')
      .innerJoin('issuances as i', 'i.issuance_id', 'd.issuance_id')
      .leftJoin('kiosks as k', 'k.terminal_id', 'i.terminal_id')
      .select([
        'i.issuance_id',
        'i.terminal_id',
        'i.resident_id',
        'i.municipality_code',
        'i.certificate_type',
        'i.options_json',
        'i.copies',
        'd.page_count',
        'd.print_outcome',
        'k.store_code',
      ])
      .where('d.issue_number', '=', disposal.issueNumber);
    if (disposal.municipalityCode) query = query.where('i.municipality_code', '=', disposal.municipalityCode);
    const doc = await query.executeTakeFirst();
    if (!doc) return null;
    const row = await appendAuditNow(
      trx,
      database.kind,
      {
        event: 'disposal',
        issuanceId: doc.issuance_id,
        storeCode: doc.store_code ?? 'unknown',
        terminalId: doc.terminal_id,
        residentId: doc.resident_id,
        municipalityCode: doc.municipality_code,
        certificateType: doc.certificate_type,
        options: JSON.parse(doc.options_json) as unknown,
        copies: doc.copies,
        pageCount: doc.page_count ?? undefined,
        issueNumbers: [disposal.issueNumber],
        detail: { reason: disposal.reason, ...disposal.by, printOutcome: doc.print_outcome },
      },
      now,
    );
    return { issuanceId: doc.issuance_id, issueNumber: disposal.issueNumber, sequence: Number(row.seq) };
  });
}
