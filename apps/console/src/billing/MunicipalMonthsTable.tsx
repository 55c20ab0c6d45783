/** A municipality's months, newest first, each linking to its statement on the same page (?month=). */
import { Link } from 'react-router';
import { createColumnHelper } from '@tanstack/react-table';
import type { z } from 'zod';
import type { BillingMonth, BillingMonthSummary } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { newestFirst } from './billing-format.js';
import type { BillingWords } from './use-billing-words.js';

type Summary = z.infer<typeof BillingMonthSummary>;
const column = createColumnHelper<Summary>();

/** A month's state and totals, in statement order: the columns both month tables show. */
export function monthTotalColumns(words: BillingWords) {
  const { t } = words;
  const yen = (key: keyof Summary, header: string) => column.accessor(key, { header, cell: (c) => words.yen(c.getValue() as number) });
  return [
    column.accessor('state', { header: t('billing.state'), cell: (c) => t(`billing.states.${c.getValue()}`) }),
    yen('feesCollectedYen', t('billing.summary.feesCollected')),
    yen('refundsYen', t('billing.summary.refunds')),
    yen('storeCommissionYen', t('billing.summary.storeCommission')),
    yen('commissionTaxYen', t('billing.summary.commissionTax')),
    yen('participationChargeYen', t('billing.summary.participationCharge')),
    yen('adjustmentsYen', t('billing.summary.adjustments')),
    yen('netYen', t('billing.summary.net')),
  ];
}

export function MunicipalMonthsTable({
  months,
  selected,
  words,
}: {
  months: Summary[];
  selected: BillingMonth | null;
  words: BillingWords;
}) {
  const { t } = words;
  const columns = [
    column.accessor('month', {
      header: t('billing.month'),
      cell: (c) => (
        <Link to={`?month=${c.getValue()}`} aria-current={c.getValue() === selected ? 'true' : undefined}>
          {words.month(c.getValue())}
        </Link>
      ),
    }),
    ...monthTotalColumns(words),
  ];
  return (
    <DataTable
      caption={t('billing.municipal.monthsCaption')}
      data={newestFirst(months)}
      columns={columns}
      rowKey={(m) => m.month}
      testId="municipal-billing-months"
    />
  );
}
