/**
 * The coin/note acceptor. Money is integer yen. Inserted cash is held in escrow until the center
 * confirms payment; anything not spent (cancel, failure, change) is returned and recorded, so no
 * payment is ever lost.
 *
 * Two ways money goes back, kept apart on purpose: `returnAll` hands back the very coins and notes
 * still in escrow (cancel, or the center refused or never answered the payment — nothing was
 * collected); `refund` pays out of the cash box money that was collected (the center answered paid,
 * then the print failed or the document failed the last-hop check). A refund can never exceed what
 * was collected.
 */
import { yen, type Yen } from '@madoguchi/shared';
import type { CashDevice } from './cash-device.js';

export interface CashMovement {
  kind: 'inserted' | 'returned' | 'collected';
  yen: Yen;
  reason?: string;
}

/**
 * One customer's money, as the session accounts for it. The cash device counts what comes in; every
 * amount going back is handed to the device to pay out, so the books and the coins move together.
 */
export class CashBox {
  private escrow = 0;
  /** Collected and not yet refunded. */
  private kept = 0;
  readonly movements: CashMovement[] = [];

  constructor(private readonly device?: Pick<CashDevice, 'payOut'>) {}

  get escrowYen(): Yen {
    return yen(this.escrow);
  }

  /** Collected fees not refunded: what this customer has actually paid. */
  get collectedYen(): Yen {
    return yen(this.kept);
  }

  insert(amount: number): Yen {
    const y = yen(amount);
    this.escrow += y;
    this.movements.push({ kind: 'inserted', yen: y });
    return this.escrowYen;
  }

  /**
   * Keep `amount` (the fee) and return the rest as change. Returns the change. `payoutId`, here and
   * below, names the payout to the cash unit (its journal intent's: cash-device.ts).
   */
  collect(amount: Yen, payoutId?: string): Yen {
    if (amount > this.escrow) throw new RangeError('cannot collect more than is in escrow');
    this.movements.push({ kind: 'collected', yen: amount });
    this.kept += amount;
    const change = yen(this.escrow - amount);
    this.escrow = 0;
    if (change > 0) this.movements.push({ kind: 'returned', yen: change, reason: 'change' });
    if (change > 0) this.device?.payOut(change, 'change', payoutId);
    return change;
  }

  /** Return everything in escrow, untouched: a cancel, or a payment the center refused or never answered. */
  returnAll(reason: string, payoutId?: string): Yen {
    const back = this.escrowYen;
    this.escrow = 0;
    if (back > 0) this.movements.push({ kind: 'returned', yen: back, reason });
    if (back > 0) this.device?.payOut(back, reason, payoutId);
    return back;
  }

  /** Pay out a refund of already-collected money (a failure after payment). */
  refund(amount: Yen, reason: string, payoutId?: string): void {
    if (amount > this.kept) throw new RangeError('cannot refund more than was collected');
    this.kept -= amount;
    if (amount > 0) this.movements.push({ kind: 'returned', yen: amount, reason });
    if (amount > 0) this.device?.payOut(amount, reason, payoutId);
  }
}
