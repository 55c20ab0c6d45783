/**
 * Japanese-era (和暦) dates. The era table is data: a new era is one more row, no code change.
 * Dates before 明治 are rejected: the Gregorian calendar and the modern record begin there.
 */
import type { ErrorCode } from '../errors.js';
import { isValidIsoDate } from './dates.js';

export interface Era {
  /** e.g. 令和 */
  name: string;
  /** Romanised, for English UI: Reiwa */
  romaji: string;
  /** First day of the era, ISO date. */
  start: string;
}

/** Start dates as promulgated: 明治 counts from 1868-10-23 (明治改元) in resident-record systems. */
export const defaultEraTable: readonly Era[] = [
  { name: '明治', romaji: 'Meiji', start: '1868-10-23' },
  { name: '大正', romaji: 'Taisho', start: '1912-07-30' },
  { name: '昭和', romaji: 'Showa', start: '1926-12-25' },
  { name: '平成', romaji: 'Heisei', start: '1989-01-08' },
  { name: '令和', romaji: 'Reiwa', start: '2019-05-01' },
];

export interface EraDate {
  era: Era;
  year: number;
  month: number;
  day: number;
}

/** Its code is in the shared error catalog, so a caller can answer with the catalog's message. */
export class EraDateError extends Error {
  readonly code = 'ERA_DATE_INVALID' as const satisfies ErrorCode;
}

/** Find the era of an ISO date. Throws EraDateError for invalid dates or dates before the first era. */
export function toEraDate(iso: string, table: readonly Era[] = defaultEraTable): EraDate {
  if (!isValidIsoDate(iso)) throw new EraDateError(`not a valid date: ${iso}`);
  const sorted = [...table].sort((a, b) => (a.start < b.start ? -1 : 1));
  let found: Era | undefined;
  for (const era of sorted) if (era.start <= iso) found = era;
  if (!found) throw new EraDateError(`date before the first era (${sorted[0]?.name ?? '?'}): ${iso}`);
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const eraStartYear = Number(found.start.slice(0, 4));
  return { era: found, year: y - eraStartYear + 1, month: m, day: d };
}

export interface EraFormatOptions {
  /** 元年 for year 1 (the default, as certificates print it) or 1年. */
  firstYear?: '元年' | '1年';
  /** Full-width digits are not used on certificates; kept half-width. */
  table?: readonly Era[];
}

/** 令和8年11月23日 */
export function formatEraDate(iso: string, options: EraFormatOptions = {}): string {
  const e = toEraDate(iso, options.table);
  return `${e.era.name}${formatEraYear(e.year, options.firstYear)}${e.month}月${e.day}日`;
}

/** 令和8年度 — a fiscal/tax year named by the era of its 1 April. */
export function formatEraFiscalYear(fiscalYear: number, options: EraFormatOptions = {}): string {
  const e = toEraDate(`${String(fiscalYear).padStart(4, '0')}-04-01`, options.table);
  return `${e.era.name}${formatEraYear(e.year, options.firstYear).replace(/年$/, '')}年度`;
}

/** 令和7年 — a calendar year (e.g. the income year of a tax certificate), named by the era of its 31 December. */
export function formatEraYearOnly(year: number, options: EraFormatOptions = {}): string {
  const e = toEraDate(`${String(year).padStart(4, '0')}-12-31`, options.table);
  return `${e.era.name}${formatEraYear(e.year, options.firstYear)}`;
}

function formatEraYear(year: number, firstYear: EraFormatOptions['firstYear'] = '元年'): string {
  return year === 1 && firstYear === '元年' ? '元年' : `${year}年`;
}

/** Parse `令和元年5月1日` / `平成31年4月30日` back to ISO. Rejects a year beyond the next era's start. */
export function parseEraDate(text: string, table: readonly Era[] = defaultEraTable): string {
  const m = /^(\S+?)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日$/.exec(text.trim());
  if (!m) throw new EraDateError(`not an era date: ${text}`);
  const era = table.find((e) => e.name === m[1]);
  if (!era) throw new EraDateError(`unknown era: ${m[1]}`);
  const year = m[2] === '元' ? 1 : Number(m[2]);
  const gy = Number(era.start.slice(0, 4)) + year - 1;
  const iso = `${String(gy).padStart(4, '0')}-${m[3]!.padStart(2, '0')}-${m[4]!.padStart(2, '0')}`;
  if (!isValidIsoDate(iso)) throw new EraDateError(`no such date: ${text}`);
  const back = toEraDate(iso, table);
  if (back.era.name !== era.name) throw new EraDateError(`${text} is not in ${era.name} (it is ${formatEraDate(iso, { table })})`);
  return iso;
}
