/**
 * The service-wide months: every municipality's state and totals for the chosen month, and the
 * chosen municipality's statement with its files and (operators) the close. The month and the
 * municipality live in the address (?month=&municipality=), so a reload or a link shows the same.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import type { z } from 'zod';
import type { BillingMonth, BillingMonthSummary } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useMay } from '../api/session.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { QueryState, StatusMessage } from '../components/messages.js';
import { AdjustmentForm } from './AdjustmentForm.js';
import { BillingFileButtons } from './BillingFileButtons.js';
import { monthTotalColumns } from './MunicipalMonthsTable.js';
import { billingKeys } from './billing-queries.js';
import { StatementView } from './StatementView.js';
import { useBillingWords, type BillingWords } from './use-billing-words.js';

type Summary = z.infer<typeof BillingMonthSummary>;
const column = createColumnHelper<Summary>();

function monthColumns(words: BillingWords, selected: string | null) {
  const { t } = words;
  return [
    column.accessor('municipalityName', {
      header: t('billing.municipality'),
      cell: (c) => {
        const row = c.row.original;
        const to = `?month=${row.month}&municipality=${row.municipalityCode}`;
        return (
          <Link to={to} aria-current={row.municipalityCode === selected ? 'true' : undefined}>
            {c.getValue()}
          </Link>
        );
      },
    }),
    ...monthTotalColumns(words),
    column.accessor('closedAt', { header: t('billing.closedAt'), cell: (c) => (c.getValue() ? words.time(c.getValue()!) : '—') }),
  ];
}

function MunicipalityStatement({ code, name, month }: { code: string; name: string; month: BillingMonth }) {
  const words = useBillingWords();
  const { t } = words;
  const may = useMay();
  const client = useQueryClient();
  const [status, setStatus] = useState<string | null>(null);
  const params = { municipalityCode: code, month };
  const statement = useQuery({ queryKey: billingKeys.statement(code, month), queryFn: () => callConsole('billingStatement', { params }) });
  const shownName = statement.data?.municipalityName ?? name;
  return (
    <Section title={t('billing.statement.title', { name: shownName, month: words.month(month) })} id="billing-statement">
      <StatusMessage text={status} />
      <QueryState query={statement}>
        {(data) => (
          <StatementView
            statement={data}
            actions={
              <>
                <BillingFileButtons
                  load={(format) => callConsole('billingStatementFile', { params, query: { format } })}
                  labels={{ pdf: t('billing.files.statementPdf'), csv: t('billing.files.statementCsv') }}
                  fallbackName={`statement-${code}-${month}`}
                />
                {data.state === 'open' && may('operate', null) ? (
                  <ConfirmDialog
                    triggerLabel={t('billing.close.button', { month: words.month(month) })}
                    title={t('billing.close.title', { name: shownName, month: words.month(month) })}
                    body={t('billing.close.body')}
                    confirmLabel={t('billing.close.confirm')}
                    danger
                    onConfirm={async () => {
                      const closed = await callConsole('closeBillingMonth', { params, body: {} });
                      client.setQueryData(billingKeys.statement(code, month), closed);
                      setStatus(t('billing.close.done', { name: shownName, month: words.month(month) }));
                      await client.invalidateQueries({ queryKey: billingKeys.all });
                    }}
                  />
                ) : null}
              </>
            }
          />
        )}
      </QueryState>
      {statement.data?.state === 'closed' && may('operate', null) ? (
        <AdjustmentForm code={code} month={month} onSaved={() => void client.invalidateQueries({ queryKey: billingKeys.all })} />
      ) : null}
    </Section>
  );
}

export function MonthsSection({ month, municipality }: { month: BillingMonth; municipality: string | null }) {
  const words = useBillingWords();
  const { t } = words;
  const list = useQuery({ queryKey: billingKeys.months(month), queryFn: () => callConsole('billingMonths', { query: { month } }) });
  const selectedName = list.data?.months.find((m) => m.municipalityCode === municipality)?.municipalityName ?? municipality ?? '';
  return (
    <>
      <Section title={t('billing.months.title')} id="billing-months">
        <QueryState query={list}>
          {(data) => (
            <DataTable
              caption={t('billing.months.caption', { month: words.month(month) })}
              data={data.months}
              columns={monthColumns(words, municipality)}
              rowKey={(m) => m.municipalityCode}
              testId="billing-months"
            />
          )}
        </QueryState>
      </Section>
      {municipality ? (
        <MunicipalityStatement key={`${municipality}-${month}`} code={municipality} name={selectedName} month={month} />
      ) : (
        <p className="hint">{t('billing.statement.choose')}</p>
      )}
    </>
  );
}
