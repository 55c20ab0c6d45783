/**
 * The simulated cash unit's non-volatile memory, as a real coin/note unit keeps one (a payout log
 * and dispensed-total counters that survive a power cut): one JSON line per event, fsync'd before
 * the unit goes on, in its own file in the kiosk's state directory (separate from the journal, as
 * the unit is a separate machine). A payout is written as the command it got (id, amount, reason),
 * then one line per coin or note as it drops — so a kill -9 at any instant leaves a true count of
 * what left the unit for that id. Amounts and ids only: no personal data.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const CASH_UNIT_FILE = 'cash-unit.log';

type CashUnitEntry = { in: number } | { payout: string; owed: number; reason: string } | { payout: string; coin: number };

export interface CashUnitPayout {
  reason: string;
  owedYen: number;
  dispensedYen: number;
}

/** The unit's own counters: every coin and note taken in, and each payout by the id the kiosk gave it. */
export interface CashUnitCounters {
  insertedYen: number;
  payouts: Map<string, CashUnitPayout>;
}

export class CashUnitLog {
  private readonly fd: number;
  readonly counters: CashUnitCounters;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const file = join(stateDir, CASH_UNIT_FILE);
    this.counters = readCashUnitCounters(stateDir) ?? { insertedYen: 0, payouts: new Map() };
    const existing = existsSync(file) ? readFileSync(file) : undefined;
    const torn = existing !== undefined && existing.length > 0 && existing[existing.length - 1] !== 0x0a;
    this.fd = openSync(file, 'a', 0o600);
    // A power cut may leave half a line: the next entry starts on a line of its own.
    if (torn) writeSync(this.fd, '\n');
  }

  insert(yen: number): void {
    this.append({ in: yen });
  }

  /** The command, written before the first coin drops: an id the unit never saw was never paid. */
  startPayout(payoutId: string, owedYen: number, reason: string): void {
    this.append({ payout: payoutId, owed: owedYen, reason });
  }

  dropped(payoutId: string, yen: number): void {
    this.append({ payout: payoutId, coin: yen });
  }

  close(): void {
    closeSync(this.fd);
  }

  private append(entry: CashUnitEntry): void {
    writeSync(this.fd, JSON.stringify(entry) + '\n');
    fsyncSync(this.fd);
    count(this.counters, entry);
  }
}

/** The counters as the unit's file holds them (undefined when the kiosk has no such file): for the cash report. */
export function readCashUnitCounters(stateDir: string): CashUnitCounters | undefined {
  const file = join(stateDir, CASH_UNIT_FILE);
  if (!existsSync(file)) return undefined;
  const counters: CashUnitCounters = { insertedYen: 0, payouts: new Map() };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      count(counters, JSON.parse(line) as CashUnitEntry);
    } catch {
      // A line torn by a power cut: the coin it would have named had not been counted as dropped.
    }
  }
  return counters;
}

function count(counters: CashUnitCounters, entry: CashUnitEntry): void {
  if ('in' in entry) counters.insertedYen += entry.in;
  else if ('owed' in entry) counters.payouts.set(entry.payout, { reason: entry.reason, owedYen: entry.owed, dispensedYen: 0 });
  else {
    const payout = counters.payouts.get(entry.payout);
    if (payout) payout.dispensedYen += entry.coin;
  }
}
