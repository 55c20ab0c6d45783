/**
 * Cost per certificate per municipality for a fiscal year, the figure municipalities compare, with
 * its formula stated on the page; from the billing ledger's closed months (the center's route).
 */
import { useQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import type { CostPerCertificate } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { DataTable } from '../components/DataTable.js';
import { QueryState } from '../components/messages.js';
import { PlainSelect } from '../forms/fields.js';
import { CHART_COLOURS, ChartFigure, useNumbers } from './ChartFigure.js';

type Row = CostPerCertificate['municipalities'][number] & { name: string };
const column = createColumnHelper<Row>();

export function CostSection({
  fiscalYear,
  years,
  municipalityCode,
  names,
  onFiscalYear,
}: {
  fiscalYear: number;
  years: number[];
  municipalityCode: string | null;
  names: Map<string, string>;
  onFiscalYear: (year: number) => void;
}) {
  const { t } = useTranslation();
  const n = useNumbers();
  const query = { fiscalYear, ...(municipalityCode ? { municipalityCode } : {}) };
  const cost = useQuery({ queryKey: ['costPerCertificate', query], queryFn: () => callConsole('costPerCertificate', { query }) });
  const columns = [
    column.accessor('name', { header: t('statistics.cost.municipality') }),
    column.accessor('closedMonths', { header: t('statistics.cost.closedMonths'), cell: (c) => `${c.getValue()} / 12` }),
    column.accessor('storeCommissionYen', { header: t('statistics.cost.storeCommission'), cell: (c) => n.yen(c.getValue()) }),
    column.accessor('participationChargeYen', { header: t('statistics.cost.participationCharge'), cell: (c) => n.yen(c.getValue()) }),
    column.accessor('certificates', { header: t('statistics.cost.certificates'), cell: (c) => n.count(c.getValue()) }),
    column.accessor('costPerCertificateYen', {
      header: t('statistics.cost.costPerCertificate'),
      cell: (c) => (c.getValue() === null ? t('statistics.cost.notAvailable') : n.yen(c.getValue()!)),
    }),
  ];
  const rows = (cost.data?.municipalities ?? []).map((m) => ({ ...m, name: names.get(m.municipalityCode) ?? m.municipalityCode }));
  const charted = rows.filter((r) => r.costPerCertificateYen !== null);
  return (
    <ChartFigure
      id="statistics-cost"
      title={t('statistics.cost.title')}
      tableRows={rows.length}
      intro={`${t('statistics.cost.intro')} ${t('statistics.cost.formula')}`}
      controls={
        <PlainSelect
          label={t('statistics.cost.fiscalYear')}
          value={String(fiscalYear)}
          onChange={(value) => onFiscalYear(Number(value))}
          options={years.map((year) => ({ id: String(year), label: t('statistics.cost.fiscalYearOption', { year, next: year + 1 }) }))}
        />
      }
      chart={
        charted.length > 0 ? (
          <BarChart data={charted} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis />
            <Tooltip />
            <Bar
              dataKey="costPerCertificateYen"
              name={t('statistics.cost.costPerCertificate')}
              fill={CHART_COLOURS.issuances}
              isAnimationActive={false}
            />
          </BarChart>
        ) : null
      }
      table={
        <QueryState query={cost}>
          {() => (
            <DataTable
              caption={t('statistics.cost.caption', { year: fiscalYear })}
              data={rows}
              columns={columns}
              rowKey={(r) => r.municipalityCode}
              testId="statistics-cost"
            />
          )}
        </QueryState>
      }
    />
  );
}
