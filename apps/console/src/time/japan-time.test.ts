import { describe, expect, it } from 'vitest';
import { coversJapanDate, formatJapanTime, japanDate, japanInstant } from './japan-time.js';

describe('Japan time', () => {
  it('sends a chosen wall-clock time with the +09:00 offset', () => {
    expect(japanInstant('2027-04-01T09:30')).toBe('2027-04-01T09:30:00+09:00');
    expect(japanInstant('2027-04-01T09:30:00')).toBe('2027-04-01T09:30:00+09:00');
    expect(() => japanInstant('2027-04-01')).toThrow();
  });

  it('shows an instant from any offset as Japan wall-clock time', () => {
    expect(formatJapanTime('2027-03-31T15:30:00Z')).toBe('2027-04-01 00:30');
    expect(formatJapanTime('2027-04-01T09:30:00+09:00')).toBe('2027-04-01 09:30');
    expect(japanDate('2027-03-31T15:00:00Z')).toBe('2027-04-01');
  });

  it('marks each Japan date an outage touches, not the day it ends at midnight', () => {
    const from = '2027-04-01T22:00:00+09:00';
    const until = '2027-04-03T00:00:00+09:00';
    expect(['2027-03-31', '2027-04-01', '2027-04-02', '2027-04-03'].map((d) => coversJapanDate(from, until, d))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });
});
