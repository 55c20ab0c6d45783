/**
 * The billing ledger (billing_ledger, append-only): one entry per fee collected and per refund,
 * written by the issuance service in the same transaction as quoted → paid and → refunded, and the
 * entries a close adds (close.ts). Amounts are signed yen seen from the municipality (shared
 * domain/billing.ts): a fee +, a refund −.
 *
 * Which month an entry belongs to: a fee, the Japan month it was paid in; a refund, the month of
 * the fee it returns, so a month's statement shows each certificate's fee and its refund together.
 * When that month is closed, the entry is an adjustment in the first open month after it, naming
 * the month it corrects, with the store commission and its tax on those certificates adjusted
 * too — a closed month never changes.
 *
 * Callers write these after the history row (appendAudit): its lock (SQLite's write lock, the
 * chain's advisory lock on PostgreSQL) orders them with a close, which takes the same lock before
 * it reads, so an entry is either in the month the close saw or in a later one.
 */
import { randomUUID } from 'node:crypto';
import {
  billingMonthOf,
  commissionTaxYen,
  fiscalYearOfMonth,
  japanDate,
  type AdjustedKind,
  type BillingMonth,
  type LedgerEntryKind,
} from '@madoguchi/shared';
import type { Selectable, Transaction } from 'kysely';
import { appendAudit } from '../audit/chain.js';
import type { DatabaseConfig } from '../db/config.js';
import type { Database } from '../db/schema.js';
import type { BillingLedgerTable } from '../db/tables/operations.js';
import type { IssuanceRow } from '../issuance/issuance-history.js';
import { firstOpenMonthFrom, monthState } from './month-state.js';
import { commissionRates, rateOn } from './rates.js';

type Tx = Transaction<Database>;
export type LedgerRow = Selectable<BillingLedgerTable>;

export interface EntryFields {
  kind: LedgerEntryKind;
  municipalityCode: string;
  chainCode: string | null;
  certificateType: string | null;
  issuanceId: string | null;
  terminalId: string | null;
  copies: number | null;
  unitYen: number | null;
  amountYen: number;
  month: BillingMonth;
  correctsMonth?: BillingMonth | null;
  adjusts?: AdjustedKind | null;
  note?: string | null;
  staffId?: string | null;
  occurredAt: Date;
}

export function ledgerRow(e: EntryFields, now: Date): LedgerRow {
  return {
    entry_id: randomUUID(),
    kind: e.kind,
    municipality_code: e.municipalityCode,
    chain_code: e.chainCode,
    certificate_type: e.certificateType,
    issuance_id: e.issuanceId,
    terminal_id: e.terminalId,
    copies: e.copies,
    unit_yen: e.unitYen,
    amount_yen: e.amountYen,
    billing_month: e.month,
    fiscal_year: fiscalYearOfMonth(e.month),
    corrects_month: e.correctsMonth ?? null,
    adjusts: e.adjusts ?? null,
    note: e.note ?? null,
    staff_id: e.staffId ?? null,
    occurred_at: e.occurredAt.toISOString(),
    recorded_at: now.toISOString(),
  };
}

async function chainOf(trx: Tx, terminalId: string): Promise<string | null> {
  const kiosk = await trx.selectFrom('kiosks').select('chain_code').where('terminal_id', '=', terminalId).executeTakeFirst();
  return kiosk?.chain_code ?? null;
}

/**
 * The fee collected at payment: in the caller's transaction, after its `paid` history row. `chainCode`:
 * the paying kiosk's store chain as its request read it (kiosks/registry.ts), or read here.
 */
export async function recordFeeCollected(
  trx: Tx,
  kind: DatabaseConfig['kind'],
  row: IssuanceRow,
  paidYen: number,
  now: Date,
  chainCode?: string | null,
): Promise<void> {
  const entry: EntryFields = {
    kind: 'fee',
    municipalityCode: row.municipality_code,
    chainCode: chainCode === undefined ? await chainOf(trx, row.terminal_id) : chainCode,
    certificateType: row.certificate_type,
    issuanceId: row.issuance_id,
    terminalId: row.terminal_id,
    copies: row.copies,
    unitYen: row.fee_yen,
    amountYen: paidYen,
    month: billingMonthOf(now),
    occurredAt: now,
  };
  await writeOrAdjust(trx, kind, entry, now);
}

/** A refund of `copies` certificates: in the caller's transaction, after its `refunded` history row. */
export async function recordRefund(
  trx: Tx,
  kind: DatabaseConfig['kind'],
  row: IssuanceRow,
  refund: { refundYen: number; copies: number },
  now: Date,
): Promise<void> {
  if (refund.refundYen === 0 && refund.copies === 0) return;
  const fee = await trx
    .selectFrom('billing_ledger')
    .select(['billing_month', 'corrects_month', 'chain_code', 'occurred_at'])
    .where('issuance_id', '=', row.issuance_id)
    .where((w) => w.or([w('kind', '=', 'fee'), w.and([w('kind', '=', 'adjustment'), w('adjusts', '=', 'fee')])]))
    .executeTakeFirst();
  const entry: EntryFields = {
    kind: 'refund',
    municipalityCode: row.municipality_code,
    chainCode: fee ? fee.chain_code : await chainOf(trx, row.terminal_id),
    certificateType: row.certificate_type,
    issuanceId: row.issuance_id,
    terminalId: row.terminal_id,
    copies: -refund.copies,
    unitYen: row.fee_yen,
    amountYen: -refund.refundYen,
    // A fee that was itself an adjustment (paid into a month closed meanwhile) is refunded against the month it corrected.
    month: fee?.corrects_month ?? fee?.billing_month ?? billingMonthOf(now),
    occurredAt: now,
  };
  await writeOrAdjust(trx, kind, entry, now, fee ? japanDate(new Date(fee.occurred_at)) : japanDate(now));
}

/**
 * Writes the entry to its month, or — that month being closed — as adjustments in the first open
 * month after it: the entry itself, and the store commission and tax on its certificates, at the
 * rate the closed month charged them (the commission date is the fee's Japan date).
 */
async function writeOrAdjust(trx: Tx, kind: DatabaseConfig['kind'], entry: EntryFields, now: Date, feeDate = japanDate(entry.occurredAt)) {
  if ((await monthState(trx, entry.municipalityCode, entry.month)) === 'open') {
    await trx.insertInto('billing_ledger').values(ledgerRow(entry, now)).execute();
    return;
  }
  const corrected = entry.month;
  const month = await firstOpenMonthFrom(trx, entry.municipalityCode, corrected);
  const adjust = { correctsMonth: corrected, month, kind: 'adjustment' as const };
  const rate = rateOn(await commissionRates(trx), entry.chainCode, feeDate);
  const commission = -rate * (entry.copies ?? 0);
  const rows = [
    ledgerRow({ ...entry, ...adjust, adjusts: entry.kind as AdjustedKind }, now),
    ...(commission === 0
      ? []
      : [
          ledgerRow({ ...entry, ...adjust, adjusts: 'storeCommission', unitYen: rate, amountYen: commission }, now),
          ledgerRow(
            { ...entry, ...adjust, adjusts: 'commissionTax', copies: null, unitYen: null, amountYen: commissionTaxYen(commission) },
            now,
          ),
        ]),
  ].filter((r) => r.amount_yen !== 0 || r.adjusts === entry.kind);
  await trx.insertInto('billing_ledger').values(rows).execute();
  await appendAudit(
    trx,
    kind,
    {
      event: 'billing_adjustment_recorded',
      issuanceId: entry.issuanceId ?? undefined,
      municipalityCode: entry.municipalityCode,
      detail: {
        entryIds: rows.map((r) => r.entry_id),
        month,
        correctsMonth: corrected,
        adjusts: entry.kind,
        amountYen: rows.reduce((s, r) => s + r.amount_yen, 0),
      },
    },
    now,
  );
}
