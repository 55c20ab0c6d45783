/**
 * The issuance log's filters live in the page's URL (`/issuances?municipalityCode=…&from=…`), so a
 * search can be bookmarked and the browser's back button from an issuance's page returns to it.
 * The URL is user input like any other: it is read through the shared IssuanceLogFilter schema,
 * and a filter it does not pass is left out rather than sent.
 */
import { IssuanceLogFilter, consolePath, issuanceLogFilterKeys } from '@madoguchi/shared';

/** The form's values: every filter as text, '' (or `all` in a select) for "no filter". */
export type FilterForm = Record<(typeof issuanceLogFilterKeys)[number], string>;

export const emptyFilterForm = (): FilterForm =>
  Object.fromEntries(issuanceLogFilterKeys.map((key) => [key, key === 'certificateType' || key === 'state' ? 'all' : ''])) as FilterForm;

/** The filled-in filters only, trimmed: what the schema then checks. */
export function withoutEmpty(values: Partial<Record<string, unknown>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const key of issuanceLogFilterKeys) {
    const value = values[key];
    if (typeof value === 'string' && value.trim() !== '' && value !== 'all') kept[key] = value.trim();
  }
  return kept;
}

/** The filters a URL's query holds, each one that passes the schema. */
export function filterFromParams(params: URLSearchParams): IssuanceLogFilter {
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(withoutEmpty(Object.fromEntries(params)))) {
    const parsed = IssuanceLogFilter.shape[key as keyof IssuanceLogFilter].safeParse(value);
    if (parsed.success) filter[key] = parsed.data;
  }
  return filter as IssuanceLogFilter;
}

export function formFromFilter(filter: IssuanceLogFilter): FilterForm {
  return { ...emptyFilterForm(), ...(filter as Record<string, string>) };
}

/** The CSV export of the same search: a plain link, so the browser streams the download itself. */
export function exportHref(filter: IssuanceLogFilter): string {
  const query = new URLSearchParams(filter as Record<string, string>).toString();
  return `${consolePath('exportIssuances')}${query ? `?${query}` : ''}`;
}
