/**
 * The instant the demo's center starts its clock from. Pure, so the e2e specs can compute the
 * same demo day the center runs on.
 */
import { isYearEndClosure } from '../domain/policy.js';

const JAPAN_OFFSET_MS = 9 * 3600_000;

/**
 * The next working day after `now` (Japan date) at 10:00 Japan time: not a weekend, not one of
 * `holidays` (YYYY-MM-DD), not in the year-end closure — so every certificate, 戸籍 included
 * (weekday office hours in 千代田区), can be issued whenever the demo is started.
 */
export function demoClockStart(now: Date, holidays: readonly string[]): string {
  const day = new Date(now.getTime() + JAPAN_OFFSET_MS);
  for (;;) {
    day.setUTCDate(day.getUTCDate() + 1);
    const iso = day.toISOString().slice(0, 10);
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
    if (!weekend && !holidays.includes(iso) && !isYearEndClosure(iso)) return `${iso}T10:00:00+09:00`;
  }
}
