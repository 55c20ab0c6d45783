import { z } from 'zod';

/** A calendar date as the municipal record keeps it: ISO `YYYY-MM-DD`, no time zone. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD の形式で入力してください (use YYYY-MM-DD)')
  .refine((s) => isValidIsoDate(s), '存在しない日付です (no such date)');
export type IsoDate = z.infer<typeof IsoDate>;

export function isValidIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Compare two ISO dates; works because the format is fixed-width. */
export function compareIsoDate(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Age in whole years on `on`, counting a 29 February birthday as 1 March in common years (年齢計算ニ関スル法律
 * counts the day before; the difference never matters for the 15-year rule at a kiosk).
 */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
  let age = oy - by;
  if (om < bm || (om === bm && od < bd)) age -= 1;
  return age;
}

/** The date in Japan (UTC+9, no daylight saving) of an instant. */
export function japanDate(instant: Date): IsoDate {
  const t = new Date(instant.getTime() + 9 * 3600_000);
  return t.toISOString().slice(0, 10);
}

/** Minutes since midnight in Japan of an instant, and the weekday (0 = Sunday). */
export function japanClock(instant: Date): { date: IsoDate; minutes: number; weekday: number } {
  const t = new Date(instant.getTime() + 9 * 3600_000);
  return { date: t.toISOString().slice(0, 10), minutes: t.getUTCHours() * 60 + t.getUTCMinutes(), weekday: t.getUTCDay() };
}
