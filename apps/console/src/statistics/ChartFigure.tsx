/**
 * One statistics figure: a heading, a recharts chart and the table with the same numbers right
 * under it (a long one — a year of days — folded in a <details> the reader opens; short ones
 * open). The chart is an image to assistive technology (role="img", named after the figure and
 * pointing to the table); the table, with its caption and column headers, is what a screen reader
 * reads, so recharts' keyboard layer is off (nothing inside an image may take focus).
 */
import type { ReactElement, ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { useTranslation } from 'react-i18next';

const LONG_TABLE_ROWS = 31;

export const CHART_COLOURS = { issuances: '#1f5f99', certificates: '#c2571a', other: '#4d7c0f' } as const;

export function ChartFigure({
  id,
  title,
  intro,
  controls,
  chart,
  table,
  tableRows,
  height = 260,
}: {
  id: string;
  title: string;
  intro?: string;
  /** Pickers that belong to this figure alone (the cost's fiscal year). */
  controls?: ReactNode;
  /** A recharts chart (with accessibilityLayer={false}); omitted when there is nothing to draw. */
  chart: ReactElement | null;
  table: ReactNode;
  /** How many rows the table has: past LONG_TABLE_ROWS it starts folded. */
  tableRows: number;
  height?: number;
}) {
  const { t } = useTranslation();
  const headingId = `${id}-heading`;
  return (
    <section aria-labelledby={headingId} className="section statistics-figure" data-figure={id}>
      <h2 id={headingId}>{title}</h2>
      {intro ? <p className="intro">{intro}</p> : null}
      {controls}
      {chart ? (
        <div role="img" aria-label={t('statistics.chartLabel', { title })} className="chart" style={{ height }}>
          <ResponsiveContainer width="100%" height="100%">
            {chart}
          </ResponsiveContainer>
        </div>
      ) : null}
      <details className="chart-table" open={tableRows <= LONG_TABLE_ROWS}>
        <summary>{t('statistics.tableSummary', { title, rows: tableRows })}</summary>
        {table}
      </details>
    </section>
  );
}

/** Whole numbers and yen in the page's language. */
export function useNumbers() {
  const { t, i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.language === 'en' ? 'en-US' : 'ja-JP');
  return {
    count: (n: number) => format.format(n),
    yen: (n: number) => t('statistics.yen', { value: format.format(n) }),
    seconds: (ms: number) =>
      new Intl.NumberFormat(i18n.language === 'en' ? 'en-US' : 'ja-JP', { maximumFractionDigits: 1 }).format(ms / 1000),
  };
}
