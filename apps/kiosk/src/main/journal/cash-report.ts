/**
 * The daily cash-box report from the journal, per Japan date (UTC+9, no daylight saving): cash
 * in, change out, escrow returned, refunds, and what the box should hold from that day; and the
 * journal set against the cash unit's own counters (`reconcileWithCashUnit`), naming every payout
 * where the two differ. Only completed payouts count (the `…ed` events).
 */
import type { CashUnitCounters } from '../payment/cash-unit-log.js';
import { CASH_UNIT_UNKNOWN } from './crash-recovery.js';
import { payoutIdOf, type TransactionJournal } from './transaction-journal.js';

export interface DailyCashReport {
  /** YYYY-MM-DD, Japan time */
  date: string;
  cashInYen: number;
  changeOutYen: number;
  escrowReturnedYen: number;
  refundedYen: number;
  /** cash in minus everything paid out: the fees kept that day */
  keptYen: number;
}

const JST_MS = 9 * 3_600_000;

export function dailyCashReport(journal: TransactionJournal): DailyCashReport[] {
  const days = new Map<string, DailyCashReport>();
  for (const e of journal.allEvents()) {
    const date = new Date(Date.parse(e.at) + JST_MS).toISOString().slice(0, 10);
    const day = days.get(date) ?? { date, cashInYen: 0, changeOutYen: 0, escrowReturnedYen: 0, refundedYen: 0, keptYen: 0 };
    const amount = e.yen ?? 0;
    if (e.kind === 'cashInserted') day.cashInYen += amount;
    else if (e.kind === 'changeDispensed') day.changeOutYen += amount;
    else if (e.kind === 'escrowReturned') day.escrowReturnedYen += amount;
    else if (e.kind === 'refunded') day.refundedYen += amount;
    day.keptYen = day.cashInYen - day.changeOutYen - day.escrowReturnedYen - day.refundedYen;
    days.set(date, day);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export interface CashDifference {
  /** The journal's payout (its issuance and intent), or undefined for what the journal has no row for. */
  issuanceId?: string;
  payoutId?: string;
  what: 'cashIn' | 'changeDispensing' | 'escrowReturning' | 'refunding' | 'unitPayoutNotJournaled' | 'unitCouldNotTell';
  journalYen: number;
  unitYen: number;
}

export interface CashReconciliation {
  journal: { cashInYen: number; paidOutYen: number };
  unit: { cashInYen: number; paidOutYen: number };
  /** Empty when the journal and the unit agree to the yen on every payout. */
  differences: CashDifference[];
}

const RESULT_OF = { changeDispensing: 'changeDispensed', escrowReturning: 'escrowReturned', refunding: 'refunded' } as const;

/**
 * Every payout the journal intended, with what it recorded as paid, against what the unit counted
 * for the same id. Cash the session refused outside a payment (`notAccepting`) goes in and out of
 * the unit without a journal row, so it is taken out of the unit's side on both counts.
 */
export function reconcileWithCashUnit(journal: TransactionJournal, unit: CashUnitCounters): CashReconciliation {
  const differences: CashDifference[] = [];
  const events = journal.allEvents();
  const journaledIds = new Set<string>();
  let journalIn = 0;
  let journalOut = 0;
  // Each issuance's events in journal order, so an intent's result is looked for among its own events only.
  const byIssuance = new Map<string, typeof events>();
  for (const e of events) {
    const own = byIssuance.get(e.issuanceId);
    if (own) own.push(e);
    else byIssuance.set(e.issuanceId, [e]);
  }
  for (const e of events) {
    if (e.kind === 'cashInserted') journalIn += e.yen ?? 0;
    if (!(e.kind in RESULT_OF)) continue;
    const what = e.kind as keyof typeof RESULT_OF;
    const payoutId = payoutIdOf(e.issuanceId, e.seq);
    journaledIds.add(payoutId);
    // Its result: the first of its kind for this issuance after it (recovery answers a dangling intent first).
    const own = byIssuance.get(e.issuanceId)!;
    const result = own.slice(own.indexOf(e) + 1).find((r) => r.kind === RESULT_OF[what]);
    const journalYen = result?.yen ?? 0;
    journalOut += journalYen;
    const unitYen = unit.payouts.get(payoutId)?.dispensedYen ?? 0;
    if (result?.detail === CASH_UNIT_UNKNOWN)
      differences.push({ issuanceId: e.issuanceId, payoutId, what: 'unitCouldNotTell', journalYen, unitYen });
    else if (journalYen !== unitYen) differences.push({ issuanceId: e.issuanceId, payoutId, what, journalYen, unitYen });
  }
  let refusedIn = 0;
  let unitOut = 0;
  for (const [payoutId, p] of unit.payouts) {
    if (p.reason === 'notAccepting') {
      refusedIn += p.dispensedYen;
      continue;
    }
    unitOut += p.dispensedYen;
    if (!journaledIds.has(payoutId)) differences.push({ payoutId, what: 'unitPayoutNotJournaled', journalYen: 0, unitYen: p.dispensedYen });
  }
  const unitIn = unit.insertedYen - refusedIn;
  if (unitIn !== journalIn) differences.push({ what: 'cashIn', journalYen: journalIn, unitYen: unitIn });
  return { journal: { cashInYen: journalIn, paidOutYen: journalOut }, unit: { cashInYen: unitIn, paidOutYen: unitOut }, differences };
}
