/**
 * The monthly close of one municipality: once the month has ended in Japan time, write the store
 * commission per chain and rate, the tax on each chain's commission (commissionTaxYen: once per
 * municipality × chain × month, rounded down) and — in April — the fiscal year's participation
 * charge, then mark the month closed (month-state.ts). All in one transaction with the
 * `billing_month_closed` history row, which is written first: its lock orders the close with
 * every fee and refund being recorded (ledger.ts), so none slips into the month after it was read.
 */
import {
  billingMonthEnded,
  billingMonthRange,
  commissionTaxYen,
  fiscalYearOfMonth,
  japanDate,
  MadoguchiError,
  participationChargeMonth,
  populationBandOf,
  type BillingMonth,
  type MunicipalityKind,
} from '@madoguchi/shared';
import type { Transaction } from 'kysely';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { ledgerRow, type LedgerRow } from './ledger.js';
import { closeMonthRow, monthState } from './month-state.js';
import { billingProfiles, commissionRates, participationChargeTable, putBillingProfile, rateOn } from './rates.js';
import { monthEntries } from './statement.js';

type Tx = Transaction<Database>;

export interface CloseBy {
  /** The operator's staff id, or `cli`. */
  staffId: string;
  now: Date;
}

export async function closeBillingMonth(
  database: CenterDatabase,
  municipalityCode: string,
  month: BillingMonth,
  by: CloseBy,
): Promise<void> {
  if (!billingMonthEnded(month, by.now))
    throw new MadoguchiError('BILLING_MONTH_NOT_ENDED', `${month} ends ${billingMonthRange(month).until}`);
  await writeTransaction(database, async (trx) => {
    const known = await trx.selectFrom('municipalities').select('code').where('code', '=', municipalityCode).executeTakeFirst();
    if (!known) throw new MadoguchiError('NOT_FOUND', `municipality ${municipalityCode}`);
    if ((await monthState(trx, municipalityCode, month)) === 'closed')
      throw new MadoguchiError('BILLING_MONTH_CLOSED', `${municipalityCode} ${month}`);
    await appendAudit(
      trx,
      database.kind,
      { event: 'billing_month_closed', municipalityCode, detail: { month, staffId: by.staffId } },
      by.now,
    );
    const rows = [
      ...(await commissionEntries(trx, municipalityCode, month, by.now)),
      ...(await participationEntries(trx, municipalityCode, month, by)),
    ];
    if (rows.length > 0) await trx.insertInto('billing_ledger').values(rows).execute();
    await closeMonthRow(trx, municipalityCode, month, by.staffId, by.now);
  });
}

/**
 * Commission on the month's certificates net of refunds, per chain and rate (the rate in force on
 * each fee's Japan date, a refund counted at its fee's rate), and the tax on each chain's total.
 */
async function commissionEntries(trx: Tx, municipalityCode: string, month: BillingMonth, now: Date): Promise<LedgerRow[]> {
  const entries = (await monthEntries(trx, municipalityCode, month)).filter((r) => r.kind === 'fee' || r.kind === 'refund');
  const feeDate = new Map(entries.filter((r) => r.kind === 'fee').map((r) => [r.issuance_id, japanDate(new Date(r.occurred_at))]));
  const rates = await commissionRates(trx);
  const counts = new Map<string, { chainCode: string | null; rate: number; copies: number }>();
  for (const r of entries) {
    const rate = rateOn(rates, r.chain_code, feeDate.get(r.issuance_id) ?? japanDate(new Date(r.occurred_at)));
    const key = `${r.chain_code ?? ''}\u0000${rate}`;
    const c = counts.get(key) ?? { chainCode: r.chain_code, rate, copies: 0 };
    c.copies += r.copies ?? 0;
    counts.set(key, c);
  }
  const lines = [...counts.values()].filter((c) => c.copies !== 0);
  const base = {
    kind: 'storeCommission' as const,
    municipalityCode,
    certificateType: null,
    issuanceId: null,
    terminalId: null,
    month,
    occurredAt: now,
  };
  const commission = lines.map((c) =>
    ledgerRow({ ...base, chainCode: c.chainCode, copies: c.copies, unitYen: c.rate, amountYen: -c.rate * c.copies }, now),
  );
  const chains = [...new Set(lines.map((c) => c.chainCode))];
  const tax = chains.map((chainCode) => {
    const total = commission.filter((r) => r.chain_code === chainCode).reduce((s, r) => s + r.amount_yen, 0);
    return ledgerRow({ ...base, kind: 'commissionTax', chainCode, copies: null, unitYen: null, amountYen: commissionTaxYen(total) }, now);
  });
  return [...commission, ...tax.filter((r) => r.amount_yen !== 0)];
}

/**
 * The yearly participation charge, billed whole in the fiscal year's first month (April), by the
 * band of the municipality's kind and population recorded for that year. With none recorded, the
 * municipal record's kind and population are recorded for the year first (by the closer).
 */
async function participationEntries(trx: Tx, municipalityCode: string, month: BillingMonth, by: CloseBy): Promise<LedgerRow[]> {
  const fiscalYear = fiscalYearOfMonth(month);
  if (month !== participationChargeMonth(fiscalYear)) return [];
  let [profile] = await billingProfiles(trx, { municipalityCode, fiscalYear });
  if (!profile) {
    const record = await trx.selectFrom('municipalities').select('data').where('code', '=', municipalityCode).executeTakeFirst();
    const data = record ? (JSON.parse(record.data) as { kind?: MunicipalityKind; population?: number }) : {};
    if (!data.kind || !data.population) throw new MadoguchiError('BILLING_PROFILE_MISSING', `${municipalityCode} FY${fiscalYear}`);
    await putBillingProfile(trx, { municipalityCode, fiscalYear, kind: data.kind, population: data.population }, by);
    [profile] = await billingProfiles(trx, { municipalityCode, fiscalYear });
  }
  const band = populationBandOf(profile!.kind, profile!.population);
  const { table } = await participationChargeTable(trx, fiscalYear);
  return [
    ledgerRow(
      {
        kind: 'participationCharge',
        municipalityCode,
        chainCode: null,
        certificateType: null,
        issuanceId: null,
        terminalId: null,
        copies: null,
        unitYen: null,
        amountYen: -table[band],
        month,
        note: band,
        occurredAt: by.now,
      },
      by.now,
    ),
  ];
}
