import { describe, expect, it } from 'vitest';
import { choiceParams, defaultPeriod, fiscalYearOfDate, readChoice } from './statistics-period.js';

// 2027-03-31 23:30 in Japan (14:30 UTC): still March, still fiscal year 2026.
const now = new Date('2027-03-31T14:30:00Z');

describe('the statistics page’s choice', () => {
  it('defaults to the 30 Japan days up to today, in today’s fiscal year', () => {
    expect(defaultPeriod(now)).toEqual({ from: '2027-03-02', to: '2027-03-31' });
    expect(readChoice(new URLSearchParams(), now)).toEqual({
      from: '2027-03-02',
      to: '2027-03-31',
      municipalityCode: null,
      fiscalYear: 2026,
    });
  });

  it('keeps a valid choice from the address, and round-trips it', () => {
    const choice = { from: '2026-04-01', to: '2027-03-31', municipalityCode: '141003', fiscalYear: 2025 };
    expect(readChoice(choiceParams(choice), now)).toEqual(choice);
  });

  it('falls back to the default for a period the center would refuse', () => {
    for (const [from, to] of [
      ['2026-11-25', '2026-11-24'],
      ['2025-01-01', '2026-12-31'],
      ['2026-02-30', '2026-03-01'],
    ])
      expect(readChoice(new URLSearchParams({ from: from!, to: to! }), now)).toMatchObject(defaultPeriod(now));
    expect(readChoice(new URLSearchParams({ municipality: '<x>', fy: 'soon' }), now)).toMatchObject({
      municipalityCode: null,
      fiscalYear: 2026,
    });
  });

  it('starts a fiscal year on 1 April', () => {
    expect(fiscalYearOfDate('2027-03-31')).toBe(2026);
    expect(fiscalYearOfDate('2027-04-01')).toBe(2027);
  });
});
