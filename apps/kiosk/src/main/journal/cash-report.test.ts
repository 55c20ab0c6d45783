import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedCashDevice } from '../payment/cash-device.js';
import { dailyCashReport, reconcileWithCashUnit } from './cash-report.js';
import { JOURNAL_FILE, payoutIdOf, TransactionJournal } from './transaction-journal.js';

describe('daily cash report', () => {
  it('sums cash in, change, returned escrow and refunds per Japan date, only completed payouts', () => {
    let now = new Date('2026-11-24T14:59:00Z'); // 23:59 in Japan
    const dir = join(mkdtempSync(join(tmpdir(), 'cash-report-')), 'state');
    const journal = new TransactionJournal(dir, { now: () => now });
    journal.record('a', 'cashInserted', { yen: 1000 });
    journal.record('a', 'changeDispensing', { yen: 400 });
    journal.record('a', 'changeDispensed', { yen: 400 });
    journal.record('a', 'refunding', { yen: 300 });
    journal.record('a', 'refunded', { yen: 300 });
    now = new Date('2026-11-24T15:00:00Z'); // 00:00 the next day in Japan
    journal.record('b', 'cashInserted', { yen: 500 });
    journal.record('b', 'escrowReturning', { yen: 500 });
    journal.record('c', 'cashInserted', { yen: 300 });
    expect(dailyCashReport(journal)).toEqual([
      { date: '2026-11-24', cashInYen: 1000, changeOutYen: 400, escrowReturnedYen: 0, refundedYen: 300, keptYen: 300 },
      { date: '2026-11-25', cashInYen: 800, changeOutYen: 0, escrowReturnedYen: 0, refundedYen: 0, keptYen: 800 },
    ]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, JOURNAL_FILE)).mode & 0o777).toBe(0o600);
    journal.close();
  });
});

describe('the cash report against the cash unit', () => {
  it('agrees to the yen when every payout went as journaled, and names each payout where they differ', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cash-reconcile-')), 'state');
    const journal = new TransactionJournal(dir);
    const unit = new SimulatedCashDevice({ stateDir: dir });
    unit.insert(1000);
    journal.record('a', 'cashInserted', { yen: 1000 });
    const change = journal.record('a', 'changeDispensing', { yen: 400 });
    unit.payOut(400 as never, 'change', payoutIdOf('a', change));
    journal.record('a', 'changeDispensed', { yen: 400 });
    unit.insert(50); // outside a payment: straight back, never journaled
    unit.payOut(50 as never, 'notAccepting');
    expect(reconcileWithCashUnit(journal, unit.counters()!)).toEqual({
      journal: { cashInYen: 1000, paidOutYen: 400 },
      unit: { cashInYen: 1000, paidOutYen: 400 },
      differences: [],
    });
    // A refund journaled as paid that the unit never paid, and a payout the journal has no row for.
    const refund = journal.record('a', 'refunding', { yen: 300 });
    journal.record('a', 'refunded', { yen: 300 });
    unit.payOut(100 as never, 'change', 'stray');
    expect(reconcileWithCashUnit(journal, unit.counters()!).differences).toEqual([
      { issuanceId: 'a', payoutId: payoutIdOf('a', refund), what: 'refunding', journalYen: 300, unitYen: 0 },
      { payoutId: 'stray', what: 'unitPayoutNotJournaled', journalYen: 0, unitYen: 100 },
    ]);
    unit.close();
    journal.close();
  });
});
