/**
 * Japan-time periods over the center's UTC timestamps. Every stored time is `toISOString()` text
 * (fixed width), so a period is a half-open text range and an hour of the day is its first 13
 * characters. Japan is UTC+9 all year (no daylight saving), so each UTC hour is exactly one Japan
 * hour: the queries group by UTC hour on both databases alike, and the Japan day and hour are
 * worked out here.
 */
const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

export interface UtcRange {
  /** The first instant of `from` in Japan, ISO UTC. */
  start: string;
  /** The first instant after `to` in Japan, ISO UTC (exclusive). */
  end: string;
}

/** Japan dates `from`..`to`, both included, as a UTC text range. */
export function utcRangeOf(from: string, to: string): UtcRange {
  const start = Date.parse(`${from}T00:00:00+09:00`);
  const end = Date.parse(`${to}T00:00:00+09:00`) + DAY_MS;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** The Japan date and hour of a UTC hour bucket `YYYY-MM-DDTHH`. */
export function japanHourOf(utcHourBucket: string): { date: string; hour: number } {
  const japan = new Date(Date.parse(`${utcHourBucket}:00:00Z`) + JST_OFFSET_MS).toISOString();
  return { date: japan.slice(0, 10), hour: Number(japan.slice(11, 13)) };
}

/** Every date from `from` to `to`, both included. */
export function datesOf(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}
