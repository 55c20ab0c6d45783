import { describe, expect, it } from 'vitest';
import {
  billingMonthLabel,
  defaultStatementMonth,
  fiscalYearLabel,
  newestFirst,
  previousBillingMonth,
  recentBillingMonths,
  recentFiscalYears,
  yenAmount,
} from './billing-format.js';

describe('billing months and fiscal years', () => {
  it('names a month as 2026年11月 in Japanese and November 2026 in English', () => {
    expect(billingMonthLabel('2026-11', 'ja')).toBe('2026年11月');
    expect(billingMonthLabel('2027-01', 'ja')).toBe('2027年1月');
    expect(billingMonthLabel('2026-11', 'en')).toBe('November 2026');
  });

  it('names a fiscal year by the era of its 1 April (平成31年度 for 2019, 令和2年度 for 2020), FY in English', () => {
    expect(fiscalYearLabel(2026, 'ja')).toBe('令和8年度');
    expect(fiscalYearLabel(2019, 'ja')).toBe('平成31年度');
    expect(fiscalYearLabel(2020, 'ja')).toBe('令和2年度');
    expect(fiscalYearLabel(2018, 'ja')).toBe('平成30年度');
    expect(fiscalYearLabel(2026, 'en')).toBe('FY2026');
  });

  it('counts months in Japan time: 23:59:59 JST on 31 March is March, one second later April', () => {
    expect(recentBillingMonths(new Date('2027-03-31T14:59:59Z'), 3)).toEqual(['2027-03', '2027-02', '2027-01']);
    expect(recentBillingMonths(new Date('2027-03-31T15:00:00Z'), 1)).toEqual(['2027-04']);
  });

  it('goes back across a year end', () => {
    expect(recentBillingMonths(new Date('2027-02-10T00:00:00Z'), 4)).toEqual(['2027-02', '2027-01', '2026-12', '2026-11']);
    expect(previousBillingMonth(new Date('2027-01-01T00:00:00+09:00'))).toBe('2026-12');
  });

  it('offers fiscal years around the current one, which turns on 1 April JST', () => {
    expect(recentFiscalYears(new Date('2027-03-31T14:59:59Z'), 2)).toEqual([2027, 2026, 2025, 2024]);
    expect(recentFiscalYears(new Date('2027-03-31T15:00:00Z'), 0)).toEqual([2028, 2027]);
  });
});

describe('amounts and the month a page opens on', () => {
  it('groups yen by thousands and keeps the sign of what the municipality bears', () => {
    expect(yenAmount(1234567)).toBe('1,234,567');
    expect(yenAmount(-4700000)).toBe('-4,700,000');
    expect(yenAmount(0)).toBe('0');
  });

  it('sorts months newest first whatever order they came in', () => {
    const rows = [{ month: '2026-09' }, { month: '2026-11' }, { month: '2025-12' }];
    expect(newestFirst(rows).map((r) => r.month)).toEqual(['2026-11', '2026-09', '2025-12']);
  });

  it('opens on the newest closed month, else the newest month, else none', () => {
    expect(
      defaultStatementMonth([
        { month: '2026-10', state: 'closed' },
        { month: '2026-12', state: 'open' },
        { month: '2026-11', state: 'closed' },
      ]),
    ).toBe('2026-11');
    expect(defaultStatementMonth([{ month: '2026-12', state: 'open' }])).toBe('2026-12');
    expect(defaultStatementMonth([])).toBeNull();
  });
});
