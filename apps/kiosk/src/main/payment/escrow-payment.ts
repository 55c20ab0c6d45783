/**
 * Paying for a quote while the resident's cash stays in escrow. The kiosk asks the center to record
 * the payment (POST …/payment) BEFORE it takes any money: the center rechecks eligibility there
 * (hours, declared outages, withdrawn offerings, the records) and may refuse, and the network may
 * leave the answer unknown. This module only decides what the answer was; the session moves the
 * cash accordingly:
 *
 * - `paid`: the center answered with the delivery. Only now is the fee collected from escrow.
 * - `refused`: the center answered with a refusal. Whatever it did — voided the quote (a refusal
 *   at the recheck, a wrong amount, an expired quote) or took the payment and refunded it itself
 *   (a render failure or timeout, a reconciliation mismatch) — nothing is owed, so the escrowed
 *   cash goes back as it is. No refund from the cash box is needed, because nothing was collected.
 * - `unknown`: no answer after the client's retries and ours, all with the SAME idempotency key.
 *
 * Why an unknown outcome returns the escrow rather than collecting and relying on the center's
 * refund: the center's refunds (cancel, and the sweeper that refunds paid or delivered issuances
 * with no print result after the TTL, apps/center/src/issuance/sweeper.ts) are entries in the
 * center's books. They cannot give cash back to a resident who has left the store. If the kiosk
 * collected on an unknown outcome, the resident's money would stay in the cash box while the center
 * records the issuance as voided (it never saw the payment) or refunded (sweeper). Returning the
 * escrow keeps both sides true in every case:
 *   - the center never recorded the payment → the quote is voided (our cancel, or the sweeper's
 *     quote TTL): nothing charged, cash returned;
 *   - the center recorded it (paid/delivered) but its answer was lost → the kiosk prints nothing
 *     (it has no documents and never retries after giving up), and our cancel refunds the
 *     issuance at once, or the sweeper does after the print-result TTL: refunded, cash returned.
 * So every paid transaction still ends printed or refunded, the cash box holds exactly the fees of
 * issuances the center answered `paid`, and the resident never loses money. The price is at most a
 * free retry for the resident; never a charge without a certificate. Before giving up we retry with
 * the same key while still holding the escrow: the center answers a retry with the first call's
 * result (its delivery, or its refusal), never a second payment, so a passing fault still ends in
 * one payment, one collection and one print.
 */
import { MadoguchiError, type ErrorCode } from '@madoguchi/shared';

export type PaymentOutcome<T> =
  | { kind: 'paid'; delivery: T; attempts: number }
  /** The center's own answer: nothing is charged (voided, or paid and refunded by the center). */
  | { kind: 'refused'; code: ErrorCode; attempts: number }
  /** No answer: the center may or may not have recorded the payment. */
  | { kind: 'unknown'; code: ErrorCode; attempts: number };

export interface EscrowPaymentOptions {
  /** Pauses before each retry with the same key, after the client's own retries gave up. */
  retryDelaysMs: readonly number[];
  /**
   * The whole payment, every attempt and pause included, ends within this; `pay` gets the deadline
   * so its own retries stop there too. Default 90 s: long enough for a slow render, short enough
   * that a resident on a dead network gets the cash back in a minute and a half, not minutes.
   */
  budgetMs?: number;
  now?: () => number;
  log?: (event: string, fields?: Record<string, string | number | boolean | undefined>) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** A few seconds more at most: the resident is waiting at the machine with the cash in escrow. */
export const DEFAULT_PAYMENT_RETRY_DELAYS_MS: readonly number[] = [1_000, 3_000];

/**
 * Calls `pay` with one idempotency key until the center answers or the retries run out. The key is
 * the caller's, drawn once per quote, so every attempt is the same logical payment.
 */
export const DEFAULT_PAYMENT_BUDGET_MS = 90_000;

export async function payFromEscrow<T>(
  pay: (idempotencyKey: string, deadlineAt: number) => Promise<T>,
  idempotencyKey: string,
  options: EscrowPaymentOptions,
): Promise<PaymentOutcome<T>> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadlineAt = now() + (options.budgetMs ?? DEFAULT_PAYMENT_BUDGET_MS);
  for (let attempt = 0; ; attempt++) {
    try {
      return { kind: 'paid', delivery: await pay(idempotencyKey, deadlineAt), attempts: attempt + 1 };
    } catch (error) {
      const code: ErrorCode = error instanceof MadoguchiError ? error.code : 'INTERNAL';
      const verdict = classify(code, attempt > 0);
      if (verdict === 'refused') return { kind: 'refused', code, attempts: attempt + 1 };
      options.log?.('payment outcome unknown', { code, attempt: attempt + 1 });
      // The resident is told the center could not be reached; "still running" is the center's detail.
      const outOfTime = now() + (options.retryDelaysMs[attempt] ?? 0) >= deadlineAt;
      if (verdict === 'unknownFinal' || attempt >= options.retryDelaysMs.length || outOfTime)
        return { kind: 'unknown', code: verdict === 'unknownFinal' ? code : 'ISSUANCE_CENTER_UNREACHABLE', attempts: attempt + 1 };
      await sleep(options.retryDelaysMs[attempt]!);
    }
  }
}

/**
 * - ISSUANCE_CENTER_UNREACHABLE: the client got no answer (network, timeout) after its retries.
 * - ISSUANCE_INVALID_STATE on a retry: the center's idempotency layer says the first call with this
 *   key is still running (or its process died), or its documents are gone — not a decision about
 *   this payment. On the first attempt it is one (the quote was voided or already used).
 * - INTERNAL: an answer the client could not read (it may hide a delivery). A retry would replay
 *   the same answer, so it is final — but still unknown, never a refusal.
 * Everything else is a code the center chose: a refusal, whatever its HTTP status.
 */
function classify(code: ErrorCode, isRetry: boolean): 'refused' | 'unknown' | 'unknownFinal' {
  if (code === 'ISSUANCE_CENTER_UNREACHABLE') return 'unknown';
  if (code === 'ISSUANCE_INVALID_STATE' && isRetry) return 'unknown';
  if (code === 'INTERNAL') return 'unknownFinal';
  return 'refused';
}
