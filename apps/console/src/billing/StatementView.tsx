/**
 * One municipality's statement for one month, as the PDF has it: the totals down to the net, the
 * certificates by type, the store commission per chain with its rate lines and tax, and the
 * adjustments, each naming the closed month it corrects (never mixed into this month's fees).
 */
import type { ReactNode } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import type { z } from 'zod';
import type { BillingStatement, StatementAdjustmentLine, StatementCertificateLine, StatementChainLine } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { chainLabel, netDirection, statementSummary, type SummaryLine } from './billing-statement.js';
import { useBillingWords, type BillingWords } from './use-billing-words.js';

const summaryColumn = createColumnHelper<SummaryLine>();
const typeColumn = createColumnHelper<z.infer<typeof StatementCertificateLine>>();
const chainColumn = createColumnHelper<z.infer<typeof StatementChainLine>>();
const adjustmentColumn = createColumnHelper<z.infer<typeof StatementAdjustmentLine>>();

function SummaryTable({ statement, words }: { statement: BillingStatement; words: BillingWords }) {
  const { t } = words;
  const columns = [
    summaryColumn.accessor('key', {
      header: t('billing.statement.item'),
      cell: (c) => (c.getValue() === 'net' ? <strong>{t('billing.summary.net')}</strong> : t(`billing.summary.${c.getValue()}`)),
    }),
    summaryColumn.accessor('amountYen', {
      header: t('billing.statement.amount'),
      cell: (c) => (c.row.original.key === 'net' ? <strong>{words.yen(c.getValue())}</strong> : words.yen(c.getValue())),
    }),
  ];
  return (
    <DataTable
      caption={t('billing.statement.summaryCaption', { month: words.month(statement.month) })}
      data={statementSummary(statement)}
      columns={columns}
      rowKey={(l) => l.key}
      testId="statement-summary"
    />
  );
}

function CertificatesTable({ statement, words }: { statement: BillingStatement; words: BillingWords }) {
  const { t } = words;
  const columns = [
    typeColumn.accessor('certificateType', {
      header: t('billing.statement.certificateType'),
      cell: (c) => t(`certificateTypes.${c.getValue()}`),
    }),
    typeColumn.accessor('count', { header: t('billing.statement.count'), cell: (c) => yenlessCount(c.getValue()) }),
    typeColumn.accessor('feesYen', { header: t('billing.statement.fees'), cell: (c) => words.yen(c.getValue()) }),
  ];
  return (
    <DataTable
      caption={t('billing.statement.certificates')}
      data={statement.certificates}
      columns={columns}
      rowKey={(l) => l.certificateType}
      testId="statement-certificates"
    />
  );
}

const yenlessCount = (n: number) => n.toLocaleString('ja-JP');

function ChainsTable({ statement, words }: { statement: BillingStatement; words: BillingWords }) {
  const { t } = words;
  const columns = [
    chainColumn.display({
      id: 'chain',
      header: t('billing.statement.chain'),
      cell: (c) => chainLabel(c.row.original, t('billing.statement.noChain')),
    }),
    chainColumn.accessor('certificates', { header: t('billing.statement.chainCertificates'), cell: (c) => yenlessCount(c.getValue()) }),
    chainColumn.accessor('rates', {
      header: t('billing.statement.rates'),
      cell: (c) => (
        <ul>
          {c.getValue().map((rate) => (
            <li key={rate.unitYen}>
              {t('billing.statement.rateLine', {
                unit: yenlessCount(rate.unitYen),
                count: yenlessCount(rate.certificates),
                amount: yenlessCount(rate.amountYen),
              })}
            </li>
          ))}
        </ul>
      ),
    }),
    chainColumn.accessor('commissionYen', { header: t('billing.statement.commission'), cell: (c) => words.yen(c.getValue()) }),
    chainColumn.accessor('taxYen', { header: t('billing.statement.tax'), cell: (c) => words.yen(c.getValue()) }),
  ];
  return (
    <DataTable
      caption={t('billing.statement.chains')}
      data={statement.chains}
      columns={columns}
      rowKey={(l, i) => l.chainCode ?? `none-${i}`}
      testId="statement-chains"
    />
  );
}

export function AdjustmentsTable({
  adjustments,
  caption,
  words,
  testId,
}: {
  adjustments: z.infer<typeof StatementAdjustmentLine>[];
  caption: string;
  words: BillingWords;
  testId: string;
}) {
  const { t } = words;
  const columns = [
    adjustmentColumn.accessor('correctsMonth', { header: t('billing.statement.correctsMonth'), cell: (c) => words.month(c.getValue()) }),
    adjustmentColumn.accessor('adjusts', { header: t('billing.statement.adjusts'), cell: (c) => t(`billing.adjusts.${c.getValue()}`) }),
    adjustmentColumn.accessor('chainCode', {
      header: t('billing.statement.chain'),
      cell: (c) => c.getValue() ?? t('billing.statement.noChain'),
    }),
    adjustmentColumn.accessor('issuanceId', { header: t('billing.statement.issuance'), cell: (c) => c.getValue() ?? '—' }),
    adjustmentColumn.accessor('amountYen', { header: t('billing.statement.amount'), cell: (c) => words.yen(c.getValue()) }),
    adjustmentColumn.accessor('note', { header: t('billing.statement.note'), cell: (c) => c.getValue() ?? '' }),
  ];
  return <DataTable caption={caption} data={adjustments} columns={columns} rowKey={(a) => a.entryId} testId={testId} />;
}

/** `actions`: the file buttons, and the close for an operator. */
export function StatementView({ statement, actions }: { statement: BillingStatement; actions?: ReactNode }) {
  const words = useBillingWords();
  const { t } = words;
  return (
    <div className="statement" data-statement-month={statement.month} data-statement-state={statement.state}>
      <p>
        {t('billing.state')}: <strong data-testid="statement-state">{t(`billing.states.${statement.state}`)}</strong>
      </p>
      <p className="hint">
        {statement.state === 'closed' && statement.closedAt
          ? t('billing.statement.closedNote', { at: words.time(statement.closedAt) })
          : t('billing.statement.openNote')}
      </p>
      {actions}
      <SummaryTable statement={statement} words={words} />
      <p>{t(`billing.statement.${netDirection(statement.netYen)}`)}</p>
      <CertificatesTable statement={statement} words={words} />
      <ChainsTable statement={statement} words={words} />
      <AdjustmentsTable
        adjustments={statement.adjustments}
        caption={t('billing.statement.adjustments')}
        words={words}
        testId="statement-adjustments"
      />
    </div>
  );
}
