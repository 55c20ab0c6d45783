/**
 * A municipality's billing month, as a state machine with compare-and-set transitions (like
 * issuance/state-machine.ts):
 *
 *   open ──close (the month has ended in Japan time)──▶ closed
 *
 * A month without a row is open. Closed is final: nothing is ever written to a closed month again;
 * a correction is an adjustment in the first open month after it (ledger.ts).
 */
import { MadoguchiError, nextBillingMonth, type BillingMonth, type BillingMonthState } from '@madoguchi/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const monthTransitions: Readonly<Record<BillingMonthState, readonly BillingMonthState[]>> = {
  open: ['closed'],
  closed: [],
};

export async function monthState(db: Kysely<Database>, municipalityCode: string, month: BillingMonth): Promise<BillingMonthState> {
  const row = await db
    .selectFrom('billing_months')
    .select('state')
    .where('municipality_code', '=', municipalityCode)
    .where('billing_month', '=', month)
    .executeTakeFirst();
  return (row?.state as BillingMonthState | undefined) ?? 'open';
}

/** The first month from `month` on that is still open (a closed month is never written to). */
export async function firstOpenMonthFrom(db: Kysely<Database>, municipalityCode: string, month: BillingMonth): Promise<BillingMonth> {
  const closed = new Set(
    (
      await db
        .selectFrom('billing_months')
        .select('billing_month')
        .where('municipality_code', '=', municipalityCode)
        .where('billing_month', '>=', month)
        .where('state', '=', 'closed')
        .execute()
    ).map((r) => r.billing_month),
  );
  let m = month;
  while (closed.has(m)) m = nextBillingMonth(m);
  return m;
}

/**
 * open → closed, or BILLING_MONTH_CLOSED when it is closed already (by another caller, too: the
 * UPDATE names the state read, and the row's primary key stops a second insert).
 */
export async function closeMonthRow(
  db: Kysely<Database>,
  municipalityCode: string,
  month: BillingMonth,
  closedBy: string,
  now: Date,
): Promise<void> {
  const closed = { state: 'closed', closed_at: now.toISOString(), closed_by: closedBy };
  const existing = await monthState(db, municipalityCode, month);
  if (!monthTransitions[existing].includes('closed')) throw new MadoguchiError('BILLING_MONTH_CLOSED', `${municipalityCode} ${month}`);
  const updated = await db
    .updateTable('billing_months')
    .set(closed)
    .where('municipality_code', '=', municipalityCode)
    .where('billing_month', '=', month)
    .where('state', '=', 'open')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return;
  await db
    .insertInto('billing_months')
    .values({ municipality_code: municipalityCode, billing_month: month, ...closed })
    .execute()
    .catch(() => {
      throw new MadoguchiError('BILLING_MONTH_CLOSED', `${municipalityCode} ${month} was closed meanwhile`);
    });
}
