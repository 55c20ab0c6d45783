import { describe, expect, it } from 'vitest';
import { datesOf, japanHourOf, utcRangeOf } from './japan-period.js';

describe('Japan-time periods', () => {
  it('starts a Japan date at 15:00 UTC the day before and ends it before the next one', () => {
    expect(utcRangeOf('2027-03-01', '2027-03-31')).toEqual({ start: '2027-02-28T15:00:00.000Z', end: '2027-03-31T15:00:00.000Z' });
  });

  it('puts 23:59:59 JST on 31 March in March and 00:00 JST on 1 April in April', () => {
    const march = utcRangeOf('2027-03-01', '2027-03-31');
    expect('2027-03-31T14:59:59.000Z' < march.end).toBe(true);
    expect('2027-03-31T15:00:00.000Z' < march.end).toBe(false);
    expect(japanHourOf('2027-03-31T14')).toEqual({ date: '2027-03-31', hour: 23 });
    expect(japanHourOf('2027-03-31T15')).toEqual({ date: '2027-04-01', hour: 0 });
  });

  it('lists every date of a period across a month end', () => {
    expect(datesOf('2027-02-27', '2027-03-02')).toEqual(['2027-02-27', '2027-02-28', '2027-03-01', '2027-03-02']);
  });
});
