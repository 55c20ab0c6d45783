/**
 * What the journal tests read back after a kiosk's story: the one issuance of a resident at the center
 * (with its printed copies and refunds), and whether a kiosk's journal is settled (nothing unfinished,
 * no print result waiting to be sent).
 */
import { expect } from 'vitest';
import { TransactionJournal } from '@madoguchi/kiosk/journal';
import type { CenterHarness } from '../../center/support/center-harness.js';

/** The resident's only issuance (the test fails if there are several): state, fee, copies printed and refunds. */
export async function issuanceOfResident(center: CenterHarness, residentId: string) {
  const db = center.database.db;
  const sessions = await db.selectFrom('sessions').select('session_id').where('resident_id', '=', residentId).execute();
  const [issuance, ...more] = await db
    .selectFrom('issuances')
    .select(['issuance_id', 'state', 'paid_yen', 'copies'])
    .where(
      'session_id',
      'in',
      sessions.map((s) => s.session_id),
    )
    .execute();
  expect(more).toEqual([]);
  const documents = await db
    .selectFrom('issuance_documents')
    .select('print_outcome')
    .where('issuance_id', '=', issuance!.issuance_id)
    .execute();
  const events = await db.selectFrom('audit_events').select('event').where('issuance_id', '=', issuance!.issuance_id).execute();
  return {
    ...issuance!,
    printed: documents.filter((d) => d.print_outcome === 'printed').length,
    refunds: events.filter((e) => e.event === 'refunded').length,
  };
}

export function expectJournalSettled(stateDir: string): void {
  const journal = new TransactionJournal(stateDir);
  try {
    expect({ unfinished: journal.unfinished(), pending: journal.pendingReports() }).toEqual({ unfinished: [], pending: [] });
  } finally {
    journal.close();
  }
}
