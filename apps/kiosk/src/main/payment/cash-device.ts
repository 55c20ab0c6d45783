/**
 * The cash acceptor as the main process sees it. Money is counted here and only here: the screen
 * (the renderer) is untrusted by design, so it can never say that cash was inserted. A store's
 * coin/note unit is driven through this interface; the demo's `SimulatedCashDevice` is the one
 * implementation in this repository, and the demo panel can drop coins into it only when the kiosk
 * runs in demo mode (the session refuses `demoInsertCash` otherwise).
 *
 * **Payouts the unit remembers.** Coins leave inside the unit, outside this process, so after a
 * crash or a power cut only the unit can say whether a payout happened. The kiosk gives every
 * payout an id (its journal intent's, `journal/transaction-journal.ts` `payoutIdOf`) and, after a
 * restart, asks the unit about an intent journaled without its result before paying anything
 * again (`journal/crash-recovery.ts`). A real unit's driver must meet this contract:
 *   1. `payOut(amount, reason, payoutId)` makes the unit record the id and the amount in its
 *      non-volatile payout log BEFORE the first coin or note leaves (a unit that never recorded
 *      the id paid nothing for it);
 *   2. the unit's dispensed count for that id is updated as each coin or note leaves, and
 *      survives a power cut at any instant (the unit's own counters, not the kiosk's memory);
 *   3. `payoutOutcome(payoutId)` answers from that log: `{ dispensed }` is what left the unit for
 *      the id (0 if it never recorded it; less than the amount after a jam or a cut mid-way, the
 *      rest still owed), and `'unknown'` only when the unit cannot tell (its log was lost or it
 *      keeps none).
 * A driver that cannot meet it leaves `payoutOutcome` out: recovery then pays an unfinished payout
 * again, as it must not leave a resident unpaid, and the daily cash report names it as unconfirmed
 * (`journal/cash-report.ts`).
 */
import { randomUUID } from 'node:crypto';
import { CASH_DENOMINATIONS, MadoguchiError, yen, type Yen } from '@madoguchi/shared';
import type { CrashPoint } from '../journal/crash-point.js';
import { CashUnitLog, type CashUnitCounters } from './cash-unit-log.js';

/** What the unit says it paid out for one payout id (the contract above). */
export type PayoutOutcome = { dispensed: Yen } | 'unknown';

export interface CashDevice {
  /** A coin or note was taken in (the unit holds it in escrow). Returns its own unsubscribe function. */
  on(event: 'inserted', listener: (amount: Yen) => void): () => void;
  /**
   * Hands money back to the resident (always more than 0): escrow returned, change, or a refund of a
   * collected fee, under `payoutId` (the kiosk's, unique; a fresh one when omitted).
   */
  payOut(amount: Yen, reason: string, payoutId?: string): void;
  /** What left the unit for `payoutId`, from its non-volatile log (the contract above). */
  payoutOutcome?(payoutId: string): Promise<PayoutOutcome>;
}

/** Coins and notes a payout drops, largest first (1 and 5 yen too: a unit's change tubes hold them). */
const PAYOUT_DENOMINATIONS = [...CASH_DENOMINATIONS, 5, 1].sort((a, b) => b - a);

export interface SimulatedCashDeviceOptions {
  /** The kiosk's state directory: the unit's payout log goes there (cash-unit-log.ts). Without it, memory only (the demo). */
  stateDir?: string;
  /** TEST ONLY (MADOGUCHI_JOURNAL_CRASH_AT): `cashUnitCoin` after each coin dropped, `cashUnitPaidOut` after a whole payout. */
  crashPoint?: CrashPoint;
}

export class SimulatedCashDevice implements CashDevice {
  private readonly listeners = new Set<(amount: Yen) => void>();
  private readonly log: CashUnitLog | undefined;
  /** Memory only: the payouts this run made, by id. */
  private readonly dispensed = new Map<string, number>();
  /** What the simulated unit handed back, for the demo's log and for tests. */
  readonly paidOut: { yen: Yen; reason: string }[] = [];

  constructor(private readonly options: SimulatedCashDeviceOptions = {}) {
    this.log = options.stateDir ? new CashUnitLog(options.stateDir) : undefined;
  }

  on(_event: 'inserted', listener: (amount: Yen) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The demo panel's coin slot: only a real Japanese coin or note goes in. */
  insert(amount: number): void {
    if (!(CASH_DENOMINATIONS as readonly number[]).includes(amount))
      throw new MadoguchiError('INPUT_INVALID', 'not a Japanese coin or note');
    const inserted = yen(amount);
    this.log?.insert(inserted);
    for (const listener of this.listeners) listener(inserted);
  }

  payOut(amount: Yen, reason: string, payoutId: string = randomUUID()): void {
    if (amount <= 0) return;
    this.paidOut.push({ yen: amount, reason });
    this.log?.startPayout(payoutId, amount, reason);
    let left: number = amount;
    for (const coin of PAYOUT_DENOMINATIONS)
      while (left >= coin) {
        left -= coin;
        this.log?.dropped(payoutId, coin);
        this.dispensed.set(payoutId, (this.dispensed.get(payoutId) ?? 0) + coin);
        this.options.crashPoint?.reached('cashUnitCoin');
      }
    this.options.crashPoint?.reached('cashUnitPaidOut');
  }

  async payoutOutcome(payoutId: string): Promise<PayoutOutcome> {
    if (this.log) return { dispensed: yen(this.log.counters.payouts.get(payoutId)?.dispensedYen ?? 0) };
    // Memory only: a payout of an earlier run is beyond what this unit can know.
    const dispensed = this.dispensed.get(payoutId);
    return dispensed === undefined ? 'unknown' : { dispensed: yen(dispensed) };
  }

  /** The unit's counters (undefined in memory-only mode): what the daily cash report is set against. */
  counters(): CashUnitCounters | undefined {
    return this.log?.counters;
  }

  close(): void {
    this.log?.close();
  }
}
