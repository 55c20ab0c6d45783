/**
 * How billing's months, fiscal years and amounts read on the console. Months and fiscal years are
 * Japan time whatever the browser's zone (the shared rules in domain/billing.ts decide which month
 * an instant belongs to); amounts are the ledger's signed whole yen, shown with their sign so a
 * statement's lines add up to its net on the screen as in the ledger.
 */
import { billingMonthOf, fiscalYearOf, formatEraFiscalYear, type BillingFiscalYear, type BillingMonth } from '@madoguchi/shared';

export type BillingLanguage = 'ja' | 'en';

const englishMonths = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2026-11` → 2026年11月 (ja) or November 2026 (en). */
export function billingMonthLabel(month: BillingMonth, language: BillingLanguage): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return language === 'en' ? `${englishMonths[m - 1]} ${year}` : `${year}年${m}月`;
}

/** 令和8年度 (ja, from the shared era table) or FY2026 (en); 2026年度 where no era is known. */
export function fiscalYearLabel(fiscalYear: BillingFiscalYear, language: BillingLanguage): string {
  if (language === 'en') return `FY${fiscalYear}`;
  try {
    return formatEraFiscalYear(fiscalYear);
  } catch {
    return `${fiscalYear}年度`;
  }
}

/** The amount for `common.yen`: grouped by thousands, a minus for what the municipality bears. */
export function yenAmount(amount: number): string {
  return amount.toLocaleString('ja-JP');
}

/** The Japan-time month of `now` and the `count - 1` months before it, newest first. */
export function recentBillingMonths(now: Date, count: number): BillingMonth[] {
  const months: BillingMonth[] = [];
  let [year, m] = billingMonthOf(now).split('-').map(Number) as [number, number];
  for (let i = 0; i < count; i++) {
    months.push(`${year}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) [year, m] = [year - 1, 12];
  }
  return months;
}

/** The month most likely to be wanted first: the last month that ended (the one to close or read). */
export function previousBillingMonth(now: Date): BillingMonth {
  return recentBillingMonths(now, 2)[1]!;
}

/** Fiscal years to choose from: a few past ones, the current one (Japan time) and the next one. */
export function recentFiscalYears(now: Date, past: number): BillingFiscalYear[] {
  const current = fiscalYearOf(now);
  const years: BillingFiscalYear[] = [];
  for (let y = current + 1; y >= current - past; y--) years.push(y);
  return years;
}

/** Newest first, whatever order the center answered in (months are `YYYY-MM`, so text order is time order). */
export function newestFirst<T extends { month: BillingMonth }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0));
}

/**
 * The statement a municipality's page opens on: the newest closed month (final, with its files),
 * else the newest month there is, else none.
 */
export function defaultStatementMonth(months: readonly { month: BillingMonth; state: 'open' | 'closed' }[]): BillingMonth | null {
  const sorted = newestFirst(months);
  return (sorted.find((m) => m.state === 'closed') ?? sorted[0])?.month ?? null;
}
