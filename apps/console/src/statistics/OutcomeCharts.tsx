/** Refusals by reason and stage, failures with their refunds, and the kiosks' card-to-print time. */
import { createColumnHelper } from '@tanstack/react-table';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import { isErrorCode, RefusalStage, type StatisticsFigures } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { errorText } from '../i18n/index.js';
import { CHART_COLOURS, ChartFigure, useNumbers } from './ChartFigure.js';

const stages = RefusalStage.options;

/** A code with its catalog message; a code outside the catalog (CANCELLED) as it is. */
function ReasonCell({ code }: { code: string }) {
  const { i18n } = useTranslation();
  return (
    <>
      <code>{code}</code>
      {isErrorCode(code) ? ` ${errorText(code, i18n.language)}` : null}
    </>
  );
}
const stageColours = { menu: CHART_COLOURS.issuances, quote: CHART_COLOURS.certificates, payment: CHART_COLOURS.other } as const;

type RefusalRow = { reasonCode: string } & Record<RefusalStage, number>;
const refusalColumn = createColumnHelper<RefusalRow>();

/** One row per reason, one column per stage: the chart's stacked bars, as numbers. */
export function refusalRows(refusals: StatisticsFigures['refusals']): RefusalRow[] {
  const rows = new Map<string, RefusalRow>();
  for (const r of refusals) {
    const row = rows.get(r.reasonCode) ?? { reasonCode: r.reasonCode, menu: 0, quote: 0, payment: 0 };
    row[r.stage] += r.count;
    rows.set(r.reasonCode, row);
  }
  return [...rows.values()];
}

function Refusals({ figures }: { figures: StatisticsFigures }) {
  const { t } = useTranslation();
  const n = useNumbers();
  const rows = refusalRows(figures.refusals);
  const columns = [
    refusalColumn.accessor('reasonCode', {
      header: t('statistics.refusals.reason'),
      cell: (c) => <ReasonCell code={c.getValue()} />,
    }),
    ...stages.map((stage) =>
      refusalColumn.accessor(stage, { header: t(`statistics.refusals.stages.${stage}`), cell: (c) => n.count(c.getValue()) }),
    ),
  ];
  return (
    <ChartFigure
      id="statistics-refusals"
      title={t('statistics.refusals.title')}
      intro={t('statistics.refusals.intro')}
      chart={
        rows.length > 0 ? (
          <BarChart data={rows} layout="vertical" accessibilityLayer={false} margin={{ left: 40 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="reasonCode" width={260} />
            <Tooltip />
            <Legend />
            {stages.map((stage) => (
              <Bar
                key={stage}
                dataKey={stage}
                stackId="stage"
                name={t(`statistics.refusals.stages.${stage}`)}
                fill={stageColours[stage]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        ) : null
      }
      height={Math.max(200, 40 * rows.length + 80)}
      tableRows={rows.length}
      table={
        <DataTable
          caption={t('statistics.refusals.caption')}
          data={rows}
          columns={columns}
          rowKey={(r) => r.reasonCode}
          testId="statistics-refusals"
        />
      }
    />
  );
}

type Failure = StatisticsFigures['failures'][number];
const failureColumn = createColumnHelper<Failure>();

function Failures({ figures }: { figures: StatisticsFigures }) {
  const { t } = useTranslation();
  const n = useNumbers();
  const columns = [
    failureColumn.accessor('failureCode', {
      header: t('statistics.failures.code'),
      cell: (c) => <ReasonCell code={c.getValue()} />,
    }),
    failureColumn.accessor('count', { header: t('statistics.failures.count'), cell: (c) => n.count(c.getValue()) }),
    failureColumn.accessor('refundYen', { header: t('statistics.failures.refundYen'), cell: (c) => n.yen(c.getValue()) }),
  ];
  return (
    <ChartFigure
      id="statistics-failures"
      title={t('statistics.failures.title')}
      tableRows={figures.failures.length}
      chart={
        figures.failures.length > 0 ? (
          <BarChart data={figures.failures} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="failureCode" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="count" name={t('statistics.failures.count')} fill={CHART_COLOURS.certificates} isAnimationActive={false} />
          </BarChart>
        ) : null
      }
      table={
        <DataTable
          caption={t('statistics.failures.caption')}
          data={figures.failures}
          columns={columns}
          rowKey={(r) => r.failureCode}
          testId="statistics-failures"
        />
      }
    />
  );
}

interface JourneyRow {
  measure: string;
  seconds: number;
}
const journeyColumn = createColumnHelper<JourneyRow>();

function Journey({ figures }: { figures: StatisticsFigures }) {
  const { t } = useTranslation();
  const n = useNumbers();
  const { p50Ms, p95Ms, samples } = figures.journey;
  const rows: JourneyRow[] =
    p50Ms === null || p95Ms === null
      ? []
      : [
          { measure: 'p50', seconds: p50Ms / 1000 },
          { measure: 'p95', seconds: p95Ms / 1000 },
        ];
  const columns = [
    journeyColumn.accessor('measure', { header: t('statistics.journey.percentile') }),
    journeyColumn.accessor('seconds', { header: t('statistics.journey.seconds'), cell: (c) => n.seconds(c.getValue() * 1000) }),
  ];
  return (
    <ChartFigure
      id="statistics-journey"
      title={t('statistics.journey.title')}
      intro={t('statistics.journey.intro')}
      chart={
        rows.length > 0 ? (
          <BarChart data={rows} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="measure" />
            <YAxis unit={t('statistics.journey.seconds')} />
            <Tooltip />
            <Bar dataKey="seconds" name={t('statistics.journey.seconds')} fill={CHART_COLOURS.issuances} isAnimationActive={false} />
          </BarChart>
        ) : null
      }
      height={200}
      tableRows={rows.length}
      table={
        <>
          <DataTable
            caption={t('statistics.journey.caption')}
            data={rows}
            columns={columns}
            rowKey={(r) => r.measure}
            testId="statistics-journey"
          />
          <p>{samples > 0 ? `${t('statistics.journey.samples')}: ${n.count(samples)}` : t('statistics.journey.none')}</p>
        </>
      }
    />
  );
}

export function OutcomeCharts({ figures }: { figures: StatisticsFigures }) {
  return (
    <>
      <Refusals figures={figures} />
      <Failures figures={figures} />
      <Journey figures={figures} />
    </>
  );
}
