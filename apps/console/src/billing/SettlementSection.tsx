/** A store chain's settlement for the chosen month: what it remits to each municipality, with its files. */
import { useQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import type { z } from 'zod';
import type { BillingMonth, SettlementLine } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { PlainSelect } from '../forms/fields.js';
import { BillingFileButtons } from './BillingFileButtons.js';
import { billingKeys } from './billing-queries.js';
import { settlementLinesInOrder } from './billing-statement.js';
import { useBillingWords, type BillingWords } from './use-billing-words.js';

type Line = z.infer<typeof SettlementLine>;
const column = createColumnHelper<Line>();

function settlementColumns(words: BillingWords) {
  const { t } = words;
  const yen = (key: keyof Line, header: string) => column.accessor(key, { header, cell: (c) => words.yen(c.getValue() as number) });
  return [
    column.accessor('municipalityName', { header: t('billing.municipality') }),
    column.accessor('municipalityCode', { header: t('home.code') }),
    column.accessor('state', { header: t('billing.state'), cell: (c) => t(`billing.states.${c.getValue()}`) }),
    column.accessor('certificates', { header: t('billing.settlement.certificates'), cell: (c) => c.getValue().toLocaleString('ja-JP') }),
    yen('feesCollectedYen', t('billing.summary.feesCollected')),
    yen('refundsYen', t('billing.summary.refunds')),
    yen('storeCommissionYen', t('billing.summary.storeCommission')),
    yen('commissionTaxYen', t('billing.summary.commissionTax')),
    yen('adjustmentsYen', t('billing.summary.adjustments')),
    yen('remitYen', t('billing.settlement.remit')),
  ];
}

function Settlement({ chainCode, month }: { chainCode: string; month: BillingMonth }) {
  const words = useBillingWords();
  const { t } = words;
  const params = { chainCode, month };
  const settlement = useQuery({
    queryKey: billingKeys.settlement(chainCode, month),
    queryFn: () => callConsole('chainSettlement', { params }),
  });
  return (
    <QueryState query={settlement}>
      {(data) => (
        <>
          <BillingFileButtons
            load={(format) => callConsole('chainSettlementFile', { params, query: { format } })}
            labels={{ pdf: t('billing.files.settlementPdf'), csv: t('billing.files.settlementCsv') }}
            fallbackName={`settlement-${chainCode}-${month}`}
          />
          <DataTable
            caption={t('billing.settlement.caption', { chain: data.chainName ?? data.chainCode, month: words.month(month) })}
            data={settlementLinesInOrder(data)}
            columns={settlementColumns(words)}
            rowKey={(l) => l.municipalityCode}
            testId="billing-settlement"
          />
          <p>
            <strong>{t('billing.settlement.total', { amount: words.yen(data.remitYen) })}</strong>
          </p>
        </>
      )}
    </QueryState>
  );
}

export function SettlementSection({
  month,
  chainCode,
  onChain,
}: {
  month: BillingMonth;
  chainCode: string | null;
  onChain: (code: string) => void;
}) {
  const words = useBillingWords();
  const { t } = words;
  const chains = useQuery({ queryKey: billingKeys.commissions, queryFn: () => callConsole('storeCommissions') });
  return (
    <Section title={t('billing.settlement.title')} id="billing-settlement">
      <p className="intro">{t('billing.settlement.intro')}</p>
      <QueryState query={chains}>
        {(data) => {
          if (data.chains.length === 0) return <p>{t('billing.settlement.noChains')}</p>;
          const chosen = chainCode && data.chains.some((c) => c.chainCode === chainCode) ? chainCode : data.chains[0]!.chainCode;
          return (
            <>
              <PlainSelect
                label={t('billing.settlement.chain')}
                options={data.chains.map((c) => ({ id: c.chainCode, label: `${c.name}（${c.chainCode}）` }))}
                value={chosen}
                onChange={onChain}
              />
              <Settlement key={`${chosen}-${month}`} chainCode={chosen} month={month} />
            </>
          );
        }}
      </QueryState>
    </Section>
  );
}
