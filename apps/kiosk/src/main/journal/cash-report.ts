/**
 * The daily cash-box report from the journal, per Japan date (UTC+9, no daylight saving): cash
 * in, change out, escrow returned, refunds, and what the box should hold from that day — to set
 * against the cash unit's own counters. Only completed payouts count (the `…ed` events).
 */
import type { TransactionJournal } from './transaction-journal.js';

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
