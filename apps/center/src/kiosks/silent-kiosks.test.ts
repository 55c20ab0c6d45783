import { describe, expect, it } from 'vitest';
import { serviceOpenedAt, silentBefore } from './silent-kiosks.js';

const jst = (date: string, time: string) => new Date(`${date}T${time}+09:00`);

describe('silent kiosks: service hours', () => {
  it('counts from 06:30 to before 23:00 Japan time, never 29 December to 3 January', () => {
    expect(serviceOpenedAt(jst('2026-11-24', '06:29:59'))).toBeNull();
    expect(serviceOpenedAt(jst('2026-11-24', '06:30:00'))).toEqual(jst('2026-11-24', '06:30:00'));
    expect(serviceOpenedAt(jst('2026-11-24', '22:59:59'))).toEqual(jst('2026-11-24', '06:30:00'));
    expect(serviceOpenedAt(jst('2026-11-24', '23:00:00'))).toBeNull();
    expect(serviceOpenedAt(jst('2026-12-28', '12:00:00'))).not.toBeNull();
    expect(serviceOpenedAt(jst('2026-12-29', '12:00:00'))).toBeNull();
    expect(serviceOpenedAt(jst('2027-01-03', '12:00:00'))).toBeNull();
    expect(serviceOpenedAt(jst('2027-01-04', '12:00:00'))).not.toBeNull();
  });

  it('counts a silence only after more than 5 minutes of today’s hours', () => {
    expect(silentBefore(jst('2026-11-24', '06:35:00'))).toBeNull();
    expect(silentBefore(jst('2026-11-24', '06:35:01'))).toBe(jst('2026-11-24', '06:30:01').toISOString());
    expect(silentBefore(jst('2026-11-24', '12:00:00'))).toBe(jst('2026-11-24', '11:55:00').toISOString());
  });
});
