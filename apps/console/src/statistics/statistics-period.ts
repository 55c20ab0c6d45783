/**
 * The statistics page's choice — a period of Japan dates, a municipality, a fiscal year — kept in
 * the address (?from=&to=&municipality=&fy=), so a reload or a shared link shows the same figures.
 * Anything the shared schema refuses in the address falls back to the default: the last 30 days.
 */
import { StatisticsQuery } from '@madoguchi/shared';
import { japanDate } from '../time/japan-time.js';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;

export interface StatisticsChoice {
  from: string;
  to: string;
  /** null: every municipality (operators and auditors only) */
  municipalityCode: string | null;
  fiscalYear: number;
}

/** The fiscal year (April to March) a Japan date belongs to. */
export function fiscalYearOfDate(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 4 ? year : year - 1;
}

export function defaultPeriod(now: Date): { from: string; to: string } {
  const to = japanDate(now);
  return { from: new Date(Date.parse(to) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10), to };
}

export function readChoice(params: URLSearchParams, now: Date): StatisticsChoice {
  const asked = { from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const period = StatisticsQuery.safeParse(asked).success ? asked : defaultPeriod(now);
  const municipality = params.get('municipality');
  const fiscalYear = Number(params.get('fy'));
  return {
    ...period,
    municipalityCode: municipality && /^\d{6}$/.test(municipality) ? municipality : null,
    fiscalYear: Number.isInteger(fiscalYear) && fiscalYear >= 2000 && fiscalYear <= 2100 ? fiscalYear : fiscalYearOfDate(period.to),
  };
}

export function choiceParams(choice: StatisticsChoice): URLSearchParams {
  const params = new URLSearchParams({ from: choice.from, to: choice.to, fy: String(choice.fiscalYear) });
  if (choice.municipalityCode) params.set('municipality', choice.municipalityCode);
  return params;
}
