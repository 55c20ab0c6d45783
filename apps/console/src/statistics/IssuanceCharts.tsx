/** Issuances per Japan day and hour, by certificate type and by store chain: a chart and its table each. */
import { createColumnHelper } from '@tanstack/react-table';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import type { StatisticsFigures } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { CHART_COLOURS, ChartFigure, useNumbers } from './ChartFigure.js';

interface Issued {
  label: string;
  issuances: number;
  certificates: number;
}

const column = createColumnHelper<Issued>();

function IssuedTable({ caption, labelHeader, rows, testId }: { caption: string; labelHeader: string; rows: Issued[]; testId: string }) {
  const { t } = useTranslation();
  const n = useNumbers();
  const columns = [
    column.accessor('label', { header: labelHeader }),
    column.accessor('issuances', { header: t('statistics.issuances'), cell: (c) => n.count(c.getValue()) }),
    column.accessor('certificates', { header: t('statistics.certificates'), cell: (c) => n.count(c.getValue()) }),
  ];
  return <DataTable caption={caption} data={rows} columns={columns} rowKey={(r) => r.label} testId={testId} />;
}

function IssuedBars({ rows }: { rows: Issued[] }) {
  const { t } = useTranslation();
  return (
    <BarChart data={rows} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="label" />
      <YAxis allowDecimals={false} />
      <Tooltip />
      <Legend />
      <Bar dataKey="issuances" name={t('statistics.issuances')} fill={CHART_COLOURS.issuances} isAnimationActive={false} />
      <Bar dataKey="certificates" name={t('statistics.certificates')} fill={CHART_COLOURS.certificates} isAnimationActive={false} />
    </BarChart>
  );
}

function PerDayFigure({ rows }: { rows: Issued[] }) {
  const { t } = useTranslation();
  return (
    <ChartFigure
      id="statistics-per-day"
      title={t('statistics.perDay.title')}
      chart={
        <LineChart data={rows} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Line
            dataKey="issuances"
            name={t('statistics.issuances')}
            stroke={CHART_COLOURS.issuances}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="certificates"
            name={t('statistics.certificates')}
            stroke={CHART_COLOURS.certificates}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      }
      tableRows={rows.length}
      table={
        <IssuedTable
          caption={t('statistics.perDay.caption')}
          labelHeader={t('statistics.perDay.date')}
          rows={rows}
          testId="statistics-per-day"
        />
      }
    />
  );
}

export function IssuanceCharts({ figures }: { figures: StatisticsFigures }) {
  const { t } = useTranslation();
  const perDay = figures.perDay.map((d) => ({ label: d.date, issuances: d.issuances, certificates: d.certificates }));
  const perHour = figures.perHour.map((h) => ({ label: t('statistics.perHour.hourLabel', { hour: h.hour }), ...h }));
  const byType = figures.byCertificateType.map((r) => ({ ...r, label: t(`certificateTypes.${r.certificateType}`) }));
  const byChain = figures.byChain.map((r) => ({ ...r, label: r.chainName ?? r.chainCode ?? t('statistics.byChain.noChain') }));
  return (
    <>
      <PerDayFigure rows={perDay} />
      <ChartFigure
        id="statistics-per-hour"
        title={t('statistics.perHour.title')}
        chart={<IssuedBars rows={perHour} />}
        tableRows={perHour.length}
        table={
          <IssuedTable
            caption={t('statistics.perHour.caption')}
            labelHeader={t('statistics.perHour.hour')}
            rows={perHour}
            testId="statistics-per-hour"
          />
        }
      />
      <ChartFigure
        id="statistics-by-type"
        title={t('statistics.byType.title')}
        chart={byType.length > 0 ? <IssuedBars rows={byType} /> : null}
        tableRows={byType.length}
        table={
          <IssuedTable
            caption={t('statistics.byType.caption')}
            labelHeader={t('statistics.byType.type')}
            rows={byType}
            testId="statistics-by-type"
          />
        }
      />
      <ChartFigure
        id="statistics-by-chain"
        title={t('statistics.byChain.title')}
        chart={byChain.length > 0 ? <IssuedBars rows={byChain} /> : null}
        tableRows={byChain.length}
        table={
          <IssuedTable
            caption={t('statistics.byChain.caption')}
            labelHeader={t('statistics.byChain.chain')}
            rows={byChain}
            testId="statistics-by-chain"
          />
        }
      />
    </>
  );
}
