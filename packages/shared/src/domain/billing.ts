/**
 * Billing's rules, written once for the center, the console and the CLI (issue 12 item 4):
 * Japan-time billing months and fiscal years, the store commission and its consumption tax, the
 * participation charge by population band, and the ledger's sign convention.
 *
 * Sign convention of the ledger: every amount is whole yen seen from the municipality. Positive is
 * money due to the municipality (a fee collected); negative is money it bears (a refund, the store
 * commission and its tax, the participation charge). A month's net amount due is the plain sum of
 * its entries: what the municipality receives (negative: what it owes).
 */
import { z } from 'zod';
import { daysInMonth } from './dates.js';
import type { MunicipalityKind } from './municipal-data.js';

/** A billing month in Japan time, `YYYY-MM`. */
export const BillingMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '年月は YYYY-MM の形式です (use YYYY-MM)');
export type BillingMonth = z.infer<typeof BillingMonth>;
/** A fiscal year (年度) by the calendar year it starts in: FY2026 runs 1 April 2026 – 31 March 2027 (JST). */
export const BillingFiscalYear = z.number().int().min(2000).max(2200);
export type BillingFiscalYear = z.infer<typeof BillingFiscalYear>;

const JST_OFFSET_MS = 9 * 3600_000;

/** The Japan-time month of an instant: 23:59:59 JST on 31 March is March, 00:00 JST on 1 April is April. */
export function billingMonthOf(instant: Date): BillingMonth {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 7);
}

/** The fiscal year a billing month belongs to: April starts a new one. */
export function fiscalYearOfMonth(month: BillingMonth): BillingFiscalYear {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m >= 4 ? year : year - 1;
}

export function fiscalYearOf(instant: Date): BillingFiscalYear {
  return fiscalYearOfMonth(billingMonthOf(instant));
}

export function nextBillingMonth(month: BillingMonth): BillingMonth {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

/** The instants a month covers, [from, until), as UTC ISO strings (how the center stores instants). */
export function billingMonthRange(month: BillingMonth): { from: string; until: string } {
  const start = (m: BillingMonth) => new Date(Date.parse(`${m}-01T00:00:00+09:00`)).toISOString();
  return { from: start(month), until: start(nextBillingMonth(month)) };
}

/** The first and last Japan dates of a month (for statements). */
export function billingMonthDates(month: BillingMonth): { first: string; last: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return { first: `${month}-01`, last: `${month}-${String(daysInMonth(year, m)).padStart(2, '0')}` };
}

/** The month is over in Japan time at `now`, so it may be closed. */
export function billingMonthEnded(month: BillingMonth, now: Date): boolean {
  return now.toISOString() >= billingMonthRange(month).until;
}

// ---------------------------------------------------------------- store commission

/** 委託手数料 per certificate (copy) since FY2017, for a chain with no rate of its own. */
export const DEFAULT_STORE_COMMISSION_YEN = 115;
/** Consumption tax on the store commission (standard rate). */
export const COMMISSION_TAX_PERCENT = 10;

/**
 * The tax on one statement's commission for one chain: computed once per municipality × chain ×
 * month on the sum of that chain's commission lines and rounded down — the invoice rule (one
 * rounding per invoice and rate), never per certificate. A correction after close (返還) is its
 * own document and rounds its own amount the same way.
 */
export function commissionTaxYen(commissionYen: number): number {
  const tax = Math.floor((Math.abs(commissionYen) * COMMISSION_TAX_PERCENT) / 100);
  return commissionYen < 0 ? -tax : tax;
}

// ---------------------------------------------------------------- participation charge

export const PopulationBand = z.enum(['designatedCityLarge', 'designatedCity', 'cityLarge', 'cityMedium', 'citySmall', 'townVillage']);
export type PopulationBand = z.infer<typeof PopulationBand>;
export const populationBands = PopulationBand.options;

/** The band of a municipality of this kind and population (FY2017 table's bands; a 特別区 is banded as a city). */
export function populationBandOf(kind: MunicipalityKind, population: number): PopulationBand {
  if (kind === 'designatedCity') return population >= 1_000_000 ? 'designatedCityLarge' : 'designatedCity';
  if (kind === 'city' || kind === 'specialWard')
    return population >= 150_000 ? 'cityLarge' : population >= 50_000 ? 'cityMedium' : 'citySmall';
  return 'townVillage';
}

/**
 * 負担金 per year by band, the FY2017 table (万円 × 10,000 = yen), used for a fiscal year that has no
 * table of its own. The yearly charge is billed whole in the fiscal year's first month (April).
 */
export const DEFAULT_PARTICIPATION_CHARGE_YEN: Readonly<Record<PopulationBand, number>> = {
  designatedCityLarge: 9_700_000,
  designatedCity: 7_700_000,
  cityLarge: 4_700_000,
  cityMedium: 2_700_000,
  citySmall: 2_200_000,
  townVillage: 700_000,
};

/** The month a fiscal year's participation charge is billed in. */
export function participationChargeMonth(fiscalYear: BillingFiscalYear): BillingMonth {
  return `${fiscalYear}-04`;
}

// ---------------------------------------------------------------- the ledger

/**
 * fee (+), refund (−), storeCommission (−), commissionTax (−), participationCharge (−), and
 * adjustment (either sign): a correction of a closed month, written to a later open month and
 * naming the month it corrects and the kind it adjusts.
 */
export const LedgerEntryKind = z.enum(['fee', 'refund', 'storeCommission', 'commissionTax', 'participationCharge', 'adjustment']);
export type LedgerEntryKind = z.infer<typeof LedgerEntryKind>;
export const AdjustedKind = z.enum(['fee', 'refund', 'storeCommission', 'commissionTax', 'participationCharge', 'manual']);
export type AdjustedKind = z.infer<typeof AdjustedKind>;

export const BillingMonthState = z.enum(['open', 'closed']);
export type BillingMonthState = z.infer<typeof BillingMonthState>;
