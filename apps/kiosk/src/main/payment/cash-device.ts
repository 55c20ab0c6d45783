/**
 * The cash acceptor as the main process sees it. Money is counted here and only here: the screen
 * (the renderer) is untrusted by design, so it can never say that cash was inserted. A store's
 * coin/note unit is driven through this interface; the demo's `SimulatedCashDevice` is the one
 * implementation in this repository, and the demo panel can drop coins into it only when the kiosk
 * runs in demo mode (the session refuses `demoInsertCash` otherwise).
 */
import { CASH_DENOMINATIONS, MadoguchiError, yen, type Yen } from '@madoguchi/shared';

export interface CashDevice {
  /** A coin or note was taken in (the unit holds it in escrow). Returns its own unsubscribe function. */
  on(event: 'inserted', listener: (amount: Yen) => void): () => void;
  /** Hands money back to the resident (always more than 0): escrow returned, change, or a refund of a collected fee. */
  payOut(amount: Yen, reason: string): void;
}

export class SimulatedCashDevice implements CashDevice {
  private readonly listeners = new Set<(amount: Yen) => void>();
  /** What the simulated unit handed back, for the demo's log and for tests. */
  readonly paidOut: { yen: Yen; reason: string }[] = [];

  on(_event: 'inserted', listener: (amount: Yen) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The demo panel's coin slot: only a real Japanese coin or note goes in. */
  insert(amount: number): void {
    if (!(CASH_DENOMINATIONS as readonly number[]).includes(amount))
      throw new MadoguchiError('INPUT_INVALID', 'not a Japanese coin or note');
    const inserted = yen(amount);
    for (const listener of this.listeners) listener(inserted);
  }

  payOut(amount: Yen, reason: string): void {
    if (amount > 0) this.paidOut.push({ yen: amount, reason });
  }
}
