/**
 * A correction an operator records for a closed month (a miscount found later, a chain's dispute
 * settled): an adjustment entry in the first open month after it, naming the month it corrects,
 * with its `billing_adjustment_recorded` history row (ids, months and the amount; the note stays
 * in the ledger). Only a closed month can be corrected: an open one still takes its entries.
 */
import { fiscalYearOfMonth, MadoguchiError, type BillingMonth, type LedgerEntry } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { ledgerRow } from './ledger.js';
import { firstOpenMonthFrom, monthState } from './month-state.js';
import { ledgerEntryView, municipalityName } from './statement.js';

export interface ManualAdjustment {
  correctsMonth: BillingMonth;
  amountYen: number;
  chainCode: string | null;
  note: string;
}

export async function recordManualAdjustment(
  database: CenterDatabase,
  municipalityCode: string,
  adjustment: ManualAdjustment,
  by: { staffId: string; now: Date },
): Promise<LedgerEntry> {
  await municipalityName(database.db, municipalityCode);
  return writeTransaction(database, async (trx) => {
    const row = ledgerRow(
      {
        kind: 'adjustment',
        municipalityCode,
        chainCode: adjustment.chainCode,
        certificateType: null,
        issuanceId: null,
        terminalId: null,
        copies: null,
        unitYen: null,
        amountYen: adjustment.amountYen,
        month: adjustment.correctsMonth,
        correctsMonth: adjustment.correctsMonth,
        adjusts: 'manual',
        note: adjustment.note,
        staffId: by.staffId,
        occurredAt: by.now,
      },
      by.now,
    );
    // The history row first: its lock orders this with a close of the month it lands in.
    const detail = { entryId: row.entry_id, correctsMonth: adjustment.correctsMonth, amountYen: adjustment.amountYen, staffId: by.staffId };
    await appendAudit(trx, database.kind, { event: 'billing_adjustment_recorded', municipalityCode, detail }, by.now);
    if ((await monthState(trx, municipalityCode, adjustment.correctsMonth)) !== 'closed')
      throw new MadoguchiError('INPUT_INVALID', `${adjustment.correctsMonth} is open`, [
        { path: 'correctsMonth', message: '締め済みの月を指定してください。締めていない月はそのまま変わります (a closed month)' },
      ]);
    row.billing_month = await firstOpenMonthFrom(trx, municipalityCode, adjustment.correctsMonth);
    row.fiscal_year = fiscalYearOfMonth(row.billing_month);
    await trx.insertInto('billing_ledger').values(row).execute();
    return ledgerEntryView(row);
  });
}
