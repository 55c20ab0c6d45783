/** The period's totals as a small table (no chart: five numbers of different kinds). */
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { StatisticsFigures } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { useNumbers } from './ChartFigure.js';

interface Total {
  item: string;
  value: string;
}
const column = createColumnHelper<Total>();

export function TotalsTable({ figures }: { figures: StatisticsFigures }) {
  const { t } = useTranslation();
  const n = useNumbers();
  const { totals } = figures;
  const rows: Total[] = [
    { item: t('statistics.issuances'), value: n.count(totals.issuances) },
    { item: t('statistics.certificates'), value: n.count(totals.certificates) },
    { item: t('statistics.totals.refusals'), value: n.count(totals.refusals) },
    { item: t('statistics.totals.refunds'), value: n.count(totals.refunds) },
    { item: t('statistics.totals.refundYen'), value: n.yen(totals.refundYen) },
  ];
  const columns = [
    column.accessor('item', { header: t('statistics.totals.item') }),
    column.accessor('value', { header: t('statistics.totals.value') }),
  ];
  return (
    <Section title={t('statistics.totals.title')} id="statistics-totals">
      <DataTable caption={t('statistics.totals.caption')} data={rows} columns={columns} rowKey={(r) => r.item} testId="statistics-totals" />
    </Section>
  );
}
