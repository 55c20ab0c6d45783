/**
 * A municipality's monthly statement and a chain's settlement, computed from the ledger alone: a
 * closed month's entries never change, so neither does its statement (nor its files, which are
 * rendered from it with no clock of their own).
 */
import {
  certificateTypes,
  fiscalYearOfMonth,
  MadoguchiError,
  type AdjustedKind,
  type BillingMonth,
  type BillingMonthState,
  type BillingStatement,
  type CertificateType,
  type LedgerEntry,
  type LedgerEntryKind,
} from '@madoguchi/shared';
import type { Kysely, Selectable } from 'kysely';
import type { z } from 'zod';
import type { ChainSettlement, SettlementLine, BillingMonthSummary } from '@madoguchi/shared';
import type { Database } from '../db/schema.js';
import type { BillingLedgerTable } from '../db/tables/operations.js';

type Row = Selectable<BillingLedgerTable>;

export function ledgerEntryView(r: Row): LedgerEntry {
  return {
    entryId: r.entry_id,
    kind: r.kind as LedgerEntryKind,
    municipalityCode: r.municipality_code,
    chainCode: r.chain_code,
    certificateType: r.certificate_type as CertificateType | null,
    issuanceId: r.issuance_id,
    copies: r.copies,
    unitYen: r.unit_yen,
    amountYen: r.amount_yen,
    billingMonth: r.billing_month,
    fiscalYear: r.fiscal_year,
    correctsMonth: r.corrects_month,
    adjusts: r.adjusts as AdjustedKind | null,
    note: r.note,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
  };
}

/** A month's entries in a fixed order (kind, chain, type, time, id): the statement's order. */
export async function monthEntries(db: Kysely<Database>, municipalityCode: string, month: BillingMonth): Promise<Row[]> {
  return db
    .selectFrom('billing_ledger')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('billing_month', '=', month)
    .orderBy('occurred_at')
    .orderBy('entry_id')
    .execute();
}

export async function municipalityNames(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('municipalities').select(['code', 'data']).execute();
  return new Map(rows.map((r) => [r.code, (JSON.parse(r.data) as { name?: string }).name ?? r.code]));
}

export async function municipalityName(db: Kysely<Database>, code: string): Promise<string> {
  const name = (await municipalityNames(db)).get(code);
  if (name === undefined) throw new MadoguchiError('NOT_FOUND', `municipality ${code}`);
  return name;
}

async function chainNames(db: Kysely<Database>): Promise<Map<string, string>> {
  return new Map((await db.selectFrom('store_chains').select(['chain_code', 'name']).execute()).map((c) => [c.chain_code, c.name]));
}

interface MonthRow {
  state: BillingMonthState;
  closedAt: string | null;
}

async function monthRow(db: Kysely<Database>, municipalityCode: string, month: BillingMonth): Promise<MonthRow> {
  const r = await db
    .selectFrom('billing_months')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .where('billing_month', '=', month)
    .executeTakeFirst();
  return { state: (r?.state as BillingMonthState | undefined) ?? 'open', closedAt: r?.closed_at ?? null };
}

const sum = (rows: Row[], pick: (r: Row) => boolean, field: 'amount_yen' | 'copies' = 'amount_yen') =>
  rows.filter(pick).reduce((s, r) => s + (r[field] ?? 0), 0);
const is = (kind: LedgerEntryKind) => (r: Row) => r.kind === kind;
const byChain = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);

function chainLines(rows: Row[], names: Map<string, string>): BillingStatement['chains'] {
  const chains = [...new Set(rows.filter((r) => r.kind === 'storeCommission' || r.kind === 'commissionTax').map((r) => r.chain_code))];
  return chains.sort(byChain).map((chainCode) => {
    const mine = rows.filter((r) => r.chain_code === chainCode);
    const commission = mine.filter(is('storeCommission')).sort((a, b) => (a.unit_yen ?? 0) - (b.unit_yen ?? 0));
    return {
      chainCode,
      chainName: chainCode === null ? null : (names.get(chainCode) ?? null),
      certificates: sum(commission, () => true, 'copies'),
      rates: commission.map((r) => ({ unitYen: r.unit_yen ?? 0, certificates: r.copies ?? 0, amountYen: r.amount_yen })),
      commissionYen: sum(commission, () => true),
      taxYen: sum(mine, is('commissionTax')),
    };
  });
}

const adjustedOrder: readonly string[] = ['fee', 'refund', 'storeCommission', 'commissionTax', 'participationCharge', 'manual'];
/** Adjustments in the order they were recorded, each correction's entries in the statement's order of kinds. */
const adjustmentOrder = (r: Row) => Date.parse(r.occurred_at) * 8 + adjustedOrder.indexOf(r.adjusts ?? '');

/** Totals of a month's entries: the summary line of every list and the statement's foot. */
export function totalsOf(rows: Row[]) {
  return {
    feesCollectedYen: sum(rows, is('fee')),
    refundsYen: sum(rows, is('refund')),
    storeCommissionYen: sum(rows, is('storeCommission')),
    commissionTaxYen: sum(rows, is('commissionTax')),
    participationChargeYen: sum(rows, is('participationCharge')),
    adjustmentsYen: sum(rows, is('adjustment')),
    netYen: sum(rows, () => true),
  };
}

export async function billingStatement(db: Kysely<Database>, municipalityCode: string, month: BillingMonth): Promise<BillingStatement> {
  const [name, state, rows, names] = await Promise.all([
    municipalityName(db, municipalityCode),
    monthRow(db, municipalityCode, month),
    monthEntries(db, municipalityCode, month),
    chainNames(db),
  ]);
  const issued = rows.filter((r) => r.kind === 'fee' || r.kind === 'refund');
  const certificates = certificateTypes
    .filter((t) => issued.some((r) => r.certificate_type === t))
    .map((certificateType) => {
      const mine = (r: Row) => r.certificate_type === certificateType;
      return { certificateType, count: sum(issued, mine, 'copies'), feesYen: sum(issued, mine) };
    });
  return {
    municipalityCode,
    municipalityName: name,
    month,
    fiscalYear: fiscalYearOfMonth(month),
    state: state.state,
    closedAt: state.closedAt,
    certificates,
    chains: chainLines(rows, names),
    adjustments: rows
      .filter(is('adjustment'))
      .sort((a, b) => adjustmentOrder(a) - adjustmentOrder(b))
      .map((r) => ({
        entryId: r.entry_id,
        correctsMonth: r.corrects_month!,
        adjusts: r.adjusts as AdjustedKind,
        chainCode: r.chain_code,
        issuanceId: r.issuance_id,
        amountYen: r.amount_yen,
        note: r.note,
      })),
    ...totalsOf(rows),
  };
}

type Summary = z.infer<typeof BillingMonthSummary>;

/** Every municipality's month (those with a record or an entry), for the service-wide list. */
export async function monthSummaries(db: Kysely<Database>, month: BillingMonth, onlyMunicipality?: string): Promise<Summary[]> {
  const names = await municipalityNames(db);
  let q = db.selectFrom('billing_ledger').selectAll().where('billing_month', '=', month);
  if (onlyMunicipality) q = q.where('municipality_code', '=', onlyMunicipality);
  const rows = await q.execute();
  const months = await db.selectFrom('billing_months').selectAll().where('billing_month', '=', month).execute();
  const codes = [...names.keys()].filter((c) => !onlyMunicipality || c === onlyMunicipality).sort();
  return codes.map((code) => {
    const m = months.find((r) => r.municipality_code === code);
    return {
      municipalityCode: code,
      municipalityName: names.get(code)!,
      month,
      state: (m?.state as BillingMonthState | undefined) ?? 'open',
      closedAt: m?.closed_at ?? null,
      ...totalsOf(rows.filter((r) => r.municipality_code === code)),
    };
  });
}

/** One municipality's months that have entries or a record, newest first. */
export async function municipalityMonths(db: Kysely<Database>, municipalityCode: string): Promise<Summary[]> {
  const name = await municipalityName(db, municipalityCode);
  const rows = await db.selectFrom('billing_ledger').selectAll().where('municipality_code', '=', municipalityCode).execute();
  const records = await db.selectFrom('billing_months').selectAll().where('municipality_code', '=', municipalityCode).execute();
  const months = [...new Set([...rows.map((r) => r.billing_month), ...records.map((r) => r.billing_month)])].sort().reverse();
  return months.map((month) => {
    const m = records.find((r) => r.billing_month === month);
    return {
      municipalityCode,
      municipalityName: name,
      month,
      state: (m?.state as BillingMonthState | undefined) ?? 'open',
      closedAt: m?.closed_at ?? null,
      ...totalsOf(rows.filter((r) => r.billing_month === month)),
    };
  });
}

/**
 * What a chain remits to each municipality for a month: the fees its stores collected, less
 * refunds, its commission and the tax on it, with its adjustments (the participation charge is
 * between the municipality and the center, not the chain).
 */
export async function chainSettlement(
  db: Kysely<Database>,
  chainCode: string,
  month: BillingMonth,
): Promise<z.infer<typeof ChainSettlement>> {
  const chain = await db.selectFrom('store_chains').select('name').where('chain_code', '=', chainCode).executeTakeFirst();
  if (!chain) throw new MadoguchiError('NOT_FOUND', `store chain ${chainCode}`);
  const names = await municipalityNames(db);
  const rows = await db
    .selectFrom('billing_ledger')
    .selectAll()
    .where('chain_code', '=', chainCode)
    .where('billing_month', '=', month)
    .execute();
  const months = await db.selectFrom('billing_months').selectAll().where('billing_month', '=', month).execute();
  const codes = [...new Set(rows.map((r) => r.municipality_code))].sort();
  const lines: z.infer<typeof SettlementLine>[] = codes.map((code) => {
    const mine = rows.filter((r) => r.municipality_code === code);
    const t = totalsOf(mine);
    return {
      municipalityCode: code,
      municipalityName: names.get(code) ?? code,
      state: (months.find((m) => m.municipality_code === code)?.state as BillingMonthState | undefined) ?? 'open',
      certificates: sum(mine, (r) => r.kind === 'fee' || r.kind === 'refund', 'copies'),
      feesCollectedYen: t.feesCollectedYen,
      refundsYen: t.refundsYen,
      storeCommissionYen: t.storeCommissionYen,
      commissionTaxYen: t.commissionTaxYen,
      adjustmentsYen: t.adjustmentsYen,
      remitYen: t.netYen,
    };
  });
  return { chainCode, chainName: chain.name, month, lines, remitYen: lines.reduce((s, l) => s + l.remitYen, 0) };
}
