/**
 * Dates and times as municipal staff mean them: Japan time (UTC+9, no daylight saving), whatever
 * the browser's own time zone is. Fee dates are calendar dates; outages are instants, sent with
 * the +09:00 offset so the center and the history show the same wall-clock time the clerk chose.
 */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** `2027-04-01T09:30` (a wall-clock time in Japan) as an ISO instant with its offset. */
export function japanInstant(localDateTime: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(localDateTime);
  if (!match) throw new Error(`not a local date-time: ${localDateTime}`);
  return `${match[1]}T${match[2]}:00+09:00`;
}

/** An instant shown as Japan wall-clock time: `2027-04-01 09:30`. */
export function formatJapanTime(instant: string): string {
  const shifted = new Date(Date.parse(instant) + JST_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** The Japan calendar date of an instant. */
export function japanDate(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether an outage touches a Japan calendar date (for marking the month calendar). */
export function coversJapanDate(from: string, until: string, date: string): boolean {
  return japanDate(from) <= date && date <= japanDate(new Date(Date.parse(until) - 1));
}
