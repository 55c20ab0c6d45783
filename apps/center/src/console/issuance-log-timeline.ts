/**
 * One issuance's timeline on one page: the history rows that name it (quoted, paid, delivered,
 * printed, print_failed, refunded, voided, documents_deleted, disposal, reveals…), its documents'
 * print reports and deletions, its billing ledger entries (fee, refund, adjustments) and its
 * incidents, in time order. Everything here is ids, codes,
 * states and amounts: the history never holds a name, and incidents hold codes.
 *
 * Municipal staff find only their own municipality's issuances: another's is NOT_FOUND, the same
 * answer as an id that does not exist, so an id guessed from elsewhere reveals nothing.
 */
import { MadoguchiError, type IssuanceLogRow, type IssuanceTimeline, type StaffScope, type TimelineEntry } from '@madoguchi/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { resolveFilter, scopeFilter, searchPage } from './issuance-log-query.js';

/** The issuance if `staff` may see it; NOT_FOUND otherwise (unknown, or another municipality's). */
export async function visibleIssuance(db: Kysely<Database>, staff: StaffScope, issuanceId: string): Promise<IssuanceLogRow> {
  const filter = resolveFilter(scopeFilter(staff, { issuanceId }));
  const { rows } = await searchPage(db, filter, { limit: 1 });
  if (!rows[0]) throw new MadoguchiError('NOT_FOUND', `issuance ${issuanceId} not found for this staff member`);
  return rows[0];
}

const parsed = (json: string | null): Record<string, unknown> => (json ? (JSON.parse(json) as Record<string, unknown>) : {});

async function historyEntries(db: Kysely<Database>, issuanceId: string): Promise<TimelineEntry[]> {
  const rows = await db.selectFrom('audit_events').selectAll().where('issuance_id', '=', issuanceId).orderBy('seq').execute();
  return rows.map((row) => ({
    at: row.recorded_at,
    source: 'history',
    event: row.event,
    sequence: Number(row.seq),
    detail: {
      ...parsed(row.detail_json),
      ...(row.copies !== null ? { copies: Number(row.copies) } : {}),
      ...(row.page_count !== null ? { pageCount: Number(row.page_count) } : {}),
      ...(row.issue_numbers_json ? { issueNumbers: JSON.parse(row.issue_numbers_json) as unknown } : {}),
      ...(row.terminal_id ? { terminalId: row.terminal_id } : {}),
    },
  }));
}

async function incidentEntries(db: Kysely<Database>, issuanceId: string): Promise<TimelineEntry[]> {
  const rows = await db.selectFrom('incidents').selectAll().where('issuance_id', '=', issuanceId).orderBy('created_at').execute();
  return rows.flatMap((row): TimelineEntry[] => [
    {
      at: row.created_at,
      source: 'incident',
      event: row.kind,
      sequence: null,
      detail: { incidentId: row.incident_id, ...parsed(row.detail) },
    },
    ...(row.resolved_at
      ? [
          {
            at: row.resolved_at,
            source: 'incident' as const,
            event: `${row.kind}_resolved`,
            sequence: null,
            detail: { incidentId: row.incident_id },
          },
        ]
      : []),
  ]);
}

/** The billing ledger's entries for the issuance (its fee, its refund, adjustments naming it): amounts and months, never a note. */
async function billingEntries(db: Kysely<Database>, issuanceId: string): Promise<TimelineEntry[]> {
  const rows = await db.selectFrom('billing_ledger').selectAll().where('issuance_id', '=', issuanceId).orderBy('recorded_at').execute();
  return rows.map((row) => ({
    at: row.recorded_at,
    source: 'billing',
    event: row.kind,
    sequence: null,
    detail: {
      entryId: row.entry_id,
      amountYen: Number(row.amount_yen),
      billingMonth: row.billing_month,
      occurredAt: row.occurred_at,
      ...(row.copies !== null ? { copies: Number(row.copies) } : {}),
      ...(row.corrects_month ? { correctsMonth: row.corrects_month } : {}),
      ...(row.adjusts ? { adjusts: row.adjusts } : {}),
    },
  }));
}

async function documentsOf(db: Kysely<Database>, issuanceId: string) {
  const rows = await db.selectFrom('issuance_documents').selectAll().where('issuance_id', '=', issuanceId).orderBy('copy_index').execute();
  const documents = rows.map((d) => ({
    issueNumber: d.issue_number,
    copyIndex: Number(d.copy_index),
    pageCount: d.page_count === null ? null : Number(d.page_count),
    documentSha256: d.document_sha256,
    printOutcome: d.print_outcome,
    printReasonCode: d.print_reason_code,
    reportedAt: d.reported_at,
    pdfDeletedAt: d.pdf_deleted_at,
  }));
  const entries = documents.flatMap((d): TimelineEntry[] => {
    const copy = { issueNumber: d.issueNumber, copyIndex: d.copyIndex };
    return [
      ...(d.reportedAt
        ? [
            {
              at: d.reportedAt,
              source: 'document' as const,
              event: 'print_reported',
              sequence: null,
              detail: { ...copy, outcome: d.printOutcome, reasonCode: d.printReasonCode },
            },
          ]
        : []),
      ...(d.pdfDeletedAt ? [{ at: d.pdfDeletedAt, source: 'document' as const, event: 'pdf_deleted', sequence: null, detail: copy }] : []),
    ];
  });
  return { documents, entries };
}

/** Time order; the history's own order (sequence) where two steps share an instant. */
function inTimeOrder(entries: TimelineEntry[]): TimelineEntry[] {
  const rank = { history: 0, document: 1, billing: 2, incident: 3 } as const;
  return [...entries].sort((a, b) => a.at.localeCompare(b.at) || rank[a.source] - rank[b.source] || (a.sequence ?? 0) - (b.sequence ?? 0));
}

export async function issuanceTimeline(db: Kysely<Database>, staff: StaffScope, issuanceId: string): Promise<IssuanceTimeline> {
  const issuance = await visibleIssuance(db, staff, issuanceId);
  const [history, incidents, documents, billing] = await Promise.all([
    historyEntries(db, issuanceId),
    incidentEntries(db, issuanceId),
    documentsOf(db, issuanceId),
    billingEntries(db, issuanceId),
  ]);
  return {
    issuance,
    documents: documents.documents,
    entries: inTimeOrder([...history, ...documents.entries, ...billing, ...incidents]),
  };
}
