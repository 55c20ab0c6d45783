import { describe, expect, it } from 'vitest';
import {
  billingMonthEnded,
  billingMonthOf,
  billingMonthRange,
  commissionTaxYen,
  fiscalYearOf,
  fiscalYearOfMonth,
  nextBillingMonth,
  populationBandOf,
} from './billing.js';

describe('billing months and fiscal years in Japan time', () => {
  it('puts 23:59:59 JST on 31 March in March and the old fiscal year, 00:00 JST on 1 April in April and the new one', () => {
    const lastSecond = new Date('2027-03-31T23:59:59+09:00');
    const firstSecond = new Date('2027-04-01T00:00:00+09:00');
    expect([billingMonthOf(lastSecond), fiscalYearOf(lastSecond)]).toEqual(['2027-03', 2026]);
    expect([billingMonthOf(firstSecond), fiscalYearOf(firstSecond)]).toEqual(['2027-04', 2027]);
    // The same instants in UTC are both on 31 March: the month is Japan's, never the server's.
    expect(firstSecond.toISOString()).toBe('2027-03-31T15:00:00.000Z');
  });

  it('a month covers [00:00 JST on its 1st, 00:00 JST on the next 1st), across the year end', () => {
    expect(billingMonthRange('2026-12')).toEqual({ from: '2026-11-30T15:00:00.000Z', until: '2026-12-31T15:00:00.000Z' });
    expect(nextBillingMonth('2026-12')).toBe('2027-01');
    expect(fiscalYearOfMonth('2027-01')).toBe(2026);
    expect(billingMonthEnded('2027-03', new Date('2027-03-31T23:59:59+09:00'))).toBe(false);
    expect(billingMonthEnded('2027-03', new Date('2027-04-01T00:00:00+09:00'))).toBe(true);
  });
});

describe('store commission tax', () => {
  it('rounds down once on the total (the invoice rule), never per certificate', () => {
    expect(commissionTaxYen(115)).toBe(11); // 11.5
    expect(commissionTaxYen(115 * 3)).toBe(34); // 34.5; per certificate it would be 33
    expect(commissionTaxYen(-115)).toBe(-11); // a correction rounds its own amount the same way
    expect(commissionTaxYen(0)).toBe(0);
  });
});

describe('population bands (FY2017 table)', () => {
  it.each([
    ['designatedCity', 1_000_000, 'designatedCityLarge'],
    ['designatedCity', 999_999, 'designatedCity'],
    ['city', 150_000, 'cityLarge'],
    ['city', 149_999, 'cityMedium'],
    ['city', 50_000, 'cityMedium'],
    ['city', 49_999, 'citySmall'],
    ['specialWard', 68_000, 'cityMedium'],
    ['town', 4_700, 'townVillage'],
    ['village', 2_000_000, 'townVillage'],
  ] as const)('%s of %i is %s', (kind, population, band) => expect(populationBandOf(kind, population)).toBe(band));
});
