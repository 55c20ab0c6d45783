import { describe, expect, it } from 'vitest';
import { demoClockStart } from './demo-clock.js';
import { demoHolidays } from './municipalities.js';
import { isYearEndClosure } from '../domain/policy.js';

const holidays = demoHolidays.map((h) => h.date);
const japanDate = (instant: Date) => new Date(instant.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

describe('demoClockStart', () => {
  it('skips the year-end closure: started on 28 December it runs on the first working day of January', () => {
    expect(weekday('2027-01-04')).toBe(1);
    expect(holidays).not.toContain('2027-01-04');
    expect(demoClockStart(new Date('2026-12-28T10:00:00+09:00'), holidays)).toBe('2027-01-04T10:00:00+09:00');
  });

  it('counts from the Japan date, and skips weekends and holidays', () => {
    // 05:00 on Friday 12 June in Japan is still Thursday in UTC.
    expect(demoClockStart(new Date('2026-06-11T20:00:00Z'), holidays)).toBe('2026-06-15T10:00:00+09:00');
    // Monday 11 January 2027 is 成人の日.
    expect(demoClockStart(new Date('2027-01-08T12:00:00+09:00'), holidays)).toBe('2027-01-12T10:00:00+09:00');
  });

  it('lands on the day after every closed day that follows the start, for three years of starts', () => {
    const closed = (iso: string) => weekday(iso) === 0 || weekday(iso) === 6 || holidays.includes(iso) || isYearEndClosure(iso);
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2029, 0, 1); t += 7 * 3600_000) {
      const start = new Date(t);
      const result = demoClockStart(start, holidays);
      expect(result).toMatch(/^\d{4}-\d{2}-\d{2}T10:00:00\+09:00$/);
      const day = new Date(`${japanDate(start)}T00:00:00Z`);
      day.setUTCDate(day.getUTCDate() + 1);
      while (closed(day.toISOString().slice(0, 10))) day.setUTCDate(day.getUTCDate() + 1);
      expect(result.slice(0, 10), start.toISOString()).toBe(day.toISOString().slice(0, 10));
    }
  });
});
