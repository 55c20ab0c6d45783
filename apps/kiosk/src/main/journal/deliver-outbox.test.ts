/**
 * The journal's outbox (crash-recovery.ts deliverOutbox): a print result or a cancel stays queued until the
 * center decides on it. No answer or a 5xx (a center restarting, its database busy) keeps it for the next
 * round, with the same key; only a 2xx or a 4xx, the center's decision, ends it. One issuance's entries go in
 * the order they were queued: a later one never overtakes one still waiting.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MadoguchiError, type ErrorCode } from '@madoguchi/shared';
import type { SessionDeps } from '../session/ports.js';
import { cancelPaid, deliverOutbox, queuePrintResult } from './crash-recovery.js';
import { TransactionJournal, type PrintReport } from './transaction-journal.js';

const newJournal = () => new TransactionJournal(mkdtempSync(join(tmpdir(), 'kiosk-outbox-')));
const log = () => undefined;

function report(issuanceId: string, key: string, outcome: PrintReport['outcome'] = 'failed'): PrintReport {
  return {
    issuanceId,
    issueNumber: `N-${key}`,
    outcome,
    ...(outcome === 'printed' ? {} : { reasonCode: 'ISSUANCE_PRINT_FAILED' as const }),
    idempotencyKey: key,
  };
}

function journalWithOneReport() {
  const journal = newJournal();
  journal.queueReport(report('i-1', 'k-1'));
  return journal;
}

const answering = (code: ErrorCode) =>
  ({
    printResult: () => Promise.reject(new MadoguchiError(code, 'test answer')),
    cancel: () => Promise.reject(new MadoguchiError(code, 'test answer')),
  }) as unknown as SessionDeps['center'];

/** A center that records every call (kind:issuance:key) and answers each with `answer(call)`: a code, or a 2xx. */
function recordingCenter(answer: (call: string) => ErrorCode | undefined) {
  const calls: string[] = [];
  const reply = (call: string) => {
    calls.push(call);
    const code = answer(call);
    return code
      ? Promise.reject(new MadoguchiError(code, 'test answer'))
      : Promise.resolve({ issuanceId: 'x', state: 'refunded', refundYen: 0 });
  };
  const center = {
    printResult: (id: string, _r: unknown, key: string) => reply(`print:${id}:${key}`),
    cancel: (id: string, _code: unknown, key: string) => reply(`cancel:${id}:${key}`),
  } as unknown as SessionDeps['center'];
  return { center, calls };
}

describe('the outbox: print results', () => {
  for (const code of ['ISSUANCE_CENTER_UNREACHABLE', 'INTERNAL', 'VERIFICATION_BUSY'] as const) {
    it(`keeps a result the center answered ${code} (no decision) for the next round`, async () => {
      const journal = journalWithOneReport();
      expect(await deliverOutbox({ journal, center: answering(code), log })).toBe(1);
      expect(journal.pendingReports().map((r) => r.idempotencyKey)).toEqual(['k-1']);
    });
  }

  it('ends a result the center refused (a 4xx: its decision)', async () => {
    const journal = journalWithOneReport();
    expect(await deliverOutbox({ journal, center: answering('ISSUANCE_INVALID_STATE'), log })).toBe(0);
    expect(journal.pendingReports()).toEqual([]);
  });

  it("never lets a copy's failure overtake an earlier copy's result still waiting (the center would refund the printed copy)", async () => {
    const journal = newJournal();
    journal.queueReport(report('i-1', 'printed-1', 'printed'));
    journal.queueReport(report('i-1', 'failed-2'));
    journal.queueReport(report('i-2', 'other'));
    let down = true;
    const { center, calls } = recordingCenter((call) => (down && call.includes('printed-1') ? 'ISSUANCE_CENTER_UNREACHABLE' : undefined));
    expect(await deliverOutbox({ journal, center, log })).toBe(2);
    // Another issuance is not held up by this one.
    expect(calls).toEqual(['print:i-1:printed-1', 'print:i-2:other']);
    down = false;
    expect(await deliverOutbox({ journal, center, log })).toBe(0);
    expect(calls.slice(2)).toEqual(['print:i-1:printed-1', 'print:i-1:failed-2']);
  });
});

describe("the session's own print result (queuePrintResult): through the outbox, behind its issuance's earlier entries", () => {
  it("sends copy 1's waiting `printed` before copy 2's failure, and copy 2's failure not at all while copy 1 waits", async () => {
    const journal = newJournal();
    let down = true;
    const { center, calls } = recordingCenter(() => (down ? 'ISSUANCE_CENTER_UNREACHABLE' : undefined));
    expect(await queuePrintResult({ journal, center, log }, report('i-1', 'printed-1', 'printed'))).toBe(false);
    expect(await queuePrintResult({ journal, center, log }, report('i-1', 'failed-2'))).toBe(false);
    // Copy 2's failure waits behind copy 1's `printed`: never sent while the earlier one is kept.
    expect(calls).toEqual(['print:i-1:printed-1', 'print:i-1:printed-1']);
    down = false;
    expect(await queuePrintResult({ journal, center, log }, report('i-1', 'failed-3'))).toBe(true);
    expect(calls.slice(2)).toEqual(['print:i-1:printed-1', 'print:i-1:failed-2', 'print:i-1:failed-3']);
    expect(journal.pendingReports()).toEqual([]);
  });

  it('sends at once when nothing of its issuance waits (another issuance waiting does not hold it up), with its journey', async () => {
    const journal = newJournal();
    journal.queueReport(report('i-0', 'other', 'printed'));
    const requests: unknown[] = [];
    const center = {
      printResult: (id: string, request: unknown, key: string) => {
        requests.push({ id, request, key });
        return Promise.resolve({ issuanceId: id, state: 'printed', refundYen: 0 });
      },
    } as unknown as SessionDeps['center'];
    expect(await queuePrintResult({ journal, center, log }, report('i-1', 'printed-1', 'printed'), 1234)).toBe(true);
    expect(requests).toEqual([
      { id: 'i-1', request: { issueNumber: 'N-printed-1', outcome: 'printed', journeyMs: 1234 }, key: 'printed-1' },
    ]);
    expect(journal.pendingReports().map((r) => r.idempotencyKey)).toEqual(['other']);
  });
});

describe('the outbox: cancels of issuances whose payment was started', () => {
  for (const code of ['ISSUANCE_CENTER_UNREACHABLE', 'INTERNAL', 'ISSUANCE_PRINT_FAILED'] as const) {
    it(`keeps a cancel the center answered ${code} (no decision), and sends it again with the same key`, async () => {
      const journal = newJournal();
      let answer: ErrorCode | undefined = code;
      const { center, calls } = recordingCenter(() => answer);
      expect(await cancelPaid({ journal, center, log }, 'i-1', 'ISSUANCE_CENTER_UNREACHABLE')).toBe(false);
      expect(await deliverOutbox({ journal, center, log })).toBe(1);
      answer = undefined;
      expect(await deliverOutbox({ journal, center, log })).toBe(0);
      expect(journal.pendingCancels()).toEqual([]);
      expect(calls).toHaveLength(3);
      expect(new Set(calls).size).toBe(1); // one key for every try
      // Decided: nothing is sent any more.
      expect(await deliverOutbox({ journal, center, log })).toBe(0);
      expect(calls).toHaveLength(3);
    });
  }

  it('ends a cancel the center refused (ISSUANCE_INVALID_STATE: settled already)', async () => {
    const journal = newJournal();
    expect(await cancelPaid({ journal, center: answering('ISSUANCE_INVALID_STATE'), log }, 'i-1', 'ISSUANCE_CENTER_UNREACHABLE')).toBe(
      true,
    );
    expect(journal.pendingCancels()).toEqual([]);
  });

  it('queues one cancel per issuance: queued again after a restart, it keeps its first key', () => {
    const journal = newJournal();
    const first = journal.queueCancel({ issuanceId: 'i-1', reasonCode: 'ISSUANCE_CENTER_UNREACHABLE', idempotencyKey: 'k-1' });
    const again = journal.queueCancel({ issuanceId: 'i-1', reasonCode: 'ISSUANCE_CENTER_UNREACHABLE', idempotencyKey: 'k-2' });
    expect(again).toEqual(first);
    expect(journal.pendingCancels().map((c) => c.idempotencyKey)).toEqual(['k-1']);
  });

  it('never sends a cancel before a print result of its issuance still waiting (the center would refund a printed copy)', async () => {
    const journal = newJournal();
    journal.queueReport(report('i-1', 'printed-1', 'printed'));
    let down = true;
    const { center, calls } = recordingCenter(() => (down ? 'ISSUANCE_CENTER_UNREACHABLE' : undefined));
    expect(await deliverOutbox({ journal, center, log })).toBe(1);
    // The cancel is queued while the result waits and the center is still down: neither goes, the result is tried first.
    expect(await cancelPaid({ journal, center, log }, 'i-1', 'ISSUANCE_PRINT_FAILED')).toBe(false);
    expect(calls.filter((c) => c.startsWith('cancel'))).toEqual([]);
    expect(await deliverOutbox({ journal, center, log })).toBe(2);
    expect(calls.filter((c) => c.startsWith('cancel'))).toEqual([]);
    down = false;
    expect(await deliverOutbox({ journal, center, log })).toBe(0);
    expect(calls.slice(-2).map((c) => c.split(':')[0])).toEqual(['print', 'cancel']);
  });

  it('sends a cancel queued behind a result still waiting at once once the center answers: the result first', async () => {
    const journal = newJournal();
    journal.queueReport(report('i-1', 'printed-1', 'printed'));
    let down = true;
    const { center, calls } = recordingCenter(() => (down ? 'ISSUANCE_CENTER_UNREACHABLE' : undefined));
    expect(await deliverOutbox({ journal, center, log })).toBe(1);
    down = false;
    expect(await cancelPaid({ journal, center, log }, 'i-1', 'ISSUANCE_PRINT_FAILED')).toBe(true);
    expect(calls.slice(1).map((c) => c.split(':')[0])).toEqual(['print', 'cancel']);
    expect(journal.pendingReports()).toEqual([]);
    expect(journal.pendingCancels()).toEqual([]);
  });
});
