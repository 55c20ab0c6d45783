/**
 * The journal's outbox of print results (crash-recovery.ts deliverPrintReports): a result stays queued until
 * the center decides on it. No answer or a 5xx (a center restarting, its database busy) keeps it for the next
 * round; only a 4xx, the center's decision, ends it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MadoguchiError, type ErrorCode } from '@madoguchi/shared';
import type { SessionDeps } from '../session/ports.js';
import { deliverPrintReports } from './crash-recovery.js';
import { TransactionJournal } from './transaction-journal.js';

function journalWithOneReport() {
  const journal = new TransactionJournal(mkdtempSync(join(tmpdir(), 'kiosk-outbox-')));
  journal.queueReport({
    issuanceId: 'i-1',
    issueNumber: 'N-1',
    outcome: 'failed',
    reasonCode: 'ISSUANCE_PRINT_FAILED',
    idempotencyKey: 'k-1',
  });
  return journal;
}

const answering = (code: ErrorCode) =>
  ({ printResult: () => Promise.reject(new MadoguchiError(code, 'test answer')) }) as unknown as SessionDeps['center'];

describe('the print-result outbox', () => {
  for (const code of ['ISSUANCE_CENTER_UNREACHABLE', 'INTERNAL', 'VERIFICATION_BUSY'] as const) {
    it(`keeps a result the center answered ${code} (no decision) for the next round`, async () => {
      const journal = journalWithOneReport();
      expect(await deliverPrintReports({ journal, center: answering(code), log: () => undefined })).toBe(1);
      expect(journal.pendingReports().map((r) => r.idempotencyKey)).toEqual(['k-1']);
    });
  }

  it('ends a result the center refused (a 4xx: its decision)', async () => {
    const journal = journalWithOneReport();
    expect(await deliverPrintReports({ journal, center: answering('ISSUANCE_INVALID_STATE'), log: () => undefined })).toBe(0);
    expect(journal.pendingReports()).toEqual([]);
  });
});
