/**
 * A history row's detail as the page shows it: a configuration change's section with its values
 * before and after, and any other fields (ids and codes: the history never holds names) as text.
 */
export interface HistoryDetailView {
  section: string | null;
  before: string | null;
  after: string | null;
  other: [string, string][];
}

const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
/** Shown in their own columns or elsewhere on the row. */
const ownColumns = new Set(['section', 'before', 'after', 'staffId']);

export function historyDetailView(detail: Record<string, unknown>): HistoryDetailView {
  return {
    section: typeof detail.section === 'string' ? detail.section : null,
    before: 'before' in detail ? shown(detail.before) : null,
    after: 'after' in detail ? shown(detail.after) : null,
    other: Object.entries(detail)
      .filter(([key]) => !ownColumns.has(key))
      .map(([key, value]) => [key, shown(value)]),
  };
}
