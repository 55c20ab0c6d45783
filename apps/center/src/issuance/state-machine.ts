/**
 * The issuance state machine. Every change is a compare-and-set: the UPDATE's WHERE clause names
 * the state the caller read, so of two racing callers (a retry and the sweeper, a cancel and a
 * delivery, two center processes) exactly one wins and the other learns it lost.
 *
 *   quoted ──pay──▶ paid ──deliver──▶ delivered ──all copies printed──▶ printed
 *     │               │                   │
 *   cancel          render fails,       print failed / rejected / no result before the TTL
 *     ▼             cancel, TTL            ▼
 *   voided            └──────────▶ failed ──▶ refunded
 */
import { MadoguchiError, type IssuanceState } from '@madoguchi/shared';
import type { Expression, ExpressionBuilder, SqlBool, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

export const transitions: Readonly<Record<IssuanceState, readonly IssuanceState[]>> = {
  quoted: ['paid', 'voided'],
  paid: ['delivered', 'failed'],
  delivered: ['printed', 'failed'],
  failed: ['refunded'],
  printed: [],
  refunded: [],
  voided: [],
};

export function canTransition(from: IssuanceState, to: IssuanceState): boolean {
  return transitions[from].includes(to);
}

export interface TransitionFields {
  paid_yen?: number;
  refund_yen?: number;
  failure_code?: string | null;
}

/** Moves one issuance from `from` to `to`, or throws ISSUANCE_INVALID_STATE when someone else moved it first. */
export async function transition(
  trx: Transaction<Database>,
  issuanceId: string,
  from: IssuanceState,
  to: IssuanceState,
  now: Date,
  fields: TransitionFields = {},
): Promise<void> {
  if (!(await tryTransition(trx, issuanceId, from, to, now, fields))) {
    throw new MadoguchiError('ISSUANCE_INVALID_STATE', `issuance was no longer ${from}`);
  }
}

/**
 * transition(), with more conditions in the same WHERE clause (`also`: the payment's amount, its
 * session still valid), so the checks and the change are one statement that two racing callers cannot
 * both pass. False when the issuance was not moved: the caller reads it again to say why.
 */
export async function tryTransition(
  trx: Transaction<Database>,
  issuanceId: string,
  from: IssuanceState,
  to: IssuanceState,
  now: Date,
  fields: TransitionFields = {},
  also?: (eb: ExpressionBuilder<Database, 'issuances'>) => Expression<SqlBool>,
): Promise<boolean> {
  if (!canTransition(from, to)) throw new MadoguchiError('ISSUANCE_INVALID_STATE', `${from} → ${to} is not a transition`);
  let update = trx
    .updateTable('issuances')
    .set({ ...fields, state: to, updated_at: now.toISOString() })
    .where('issuance_id', '=', issuanceId)
    .where('state', '=', from);
  if (also) update = update.where(also);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
