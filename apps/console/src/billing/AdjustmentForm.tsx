/**
 * A correction of a closed month (operators): the closed month stays as it was, and the center
 * writes the amount as an adjustment in the first open month after it, which the form reports.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { BillingChainCode, RecordAdjustmentRequest, type BillingMonth, type LedgerEntry } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { ErrorMessage, StatusMessage } from '../components/messages.js';
import { SelectFormField, TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { billingKeys } from './billing-queries.js';
import { useBillingWords } from './use-billing-words.js';

/** The "no chain" choice: not a chain code (one starts with a letter or digit), sent as null. */
const NO_CHAIN = '-';
const AdjustmentFields = RecordAdjustmentRequest.omit({ correctsMonth: true, chainCode: true }).extend({
  chainCode: z.union([z.literal(NO_CHAIN), BillingChainCode]),
});
type AdjustmentForm = z.input<typeof AdjustmentFields>;

function AdjustmentFormFields({
  code,
  month,
  onRecorded,
}: {
  code: string;
  month: BillingMonth;
  onRecorded: (entry: LedgerEntry) => void;
}) {
  const { t } = useBillingWords();
  const chains = useQuery({ queryKey: billingKeys.commissions, queryFn: () => callConsole('storeCommissions') });
  const form = useForm<AdjustmentForm>({
    resolver: zodResolver(AdjustmentFields),
    defaultValues: { amountYen: Number.NaN, chainCode: NO_CHAIN, note: '' },
  });
  const server = useServerIssues(form.setError);
  const onSubmit = form.handleSubmit(async ({ amountYen, chainCode, note }) => {
    server.clear();
    try {
      const body = { correctsMonth: month, amountYen, note, chainCode: chainCode === NO_CHAIN ? null : chainCode };
      onRecorded(await callConsole('recordBillingAdjustment', { params: { municipalityCode: code }, body }));
    } catch (error) {
      server.report(error);
    }
  });
  const options = [
    { id: NO_CHAIN, label: t('billing.statement.noChain') },
    ...(chains.data?.chains ?? []).map((c) => ({ id: c.chainCode, label: `${c.name}（${c.chainCode}）` })),
  ];
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form" aria-label={t('billing.adjustment.title')}>
      <TextFormField control={form.control} name="amountYen" label={t('billing.adjustment.amount')} numeric />
      <SelectFormField control={form.control} name="chainCode" label={t('billing.adjustment.chain')} options={options} />
      <TextFormField control={form.control} name="note" label={t('billing.statement.note')} />
      {chains.error ? <ErrorMessage error={chains.error} /> : null}
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('billing.adjustment.submit')}
      </Button>
    </Form>
  );
}

export function AdjustmentForm({ code, month, onSaved }: { code: string; month: BillingMonth; onSaved: () => void }) {
  const words = useBillingWords();
  const { t } = words;
  const [status, setStatus] = useState<string | null>(null);
  // A new form after each entry, so one correction is never sent twice by a second press.
  const [round, setRound] = useState(0);
  return (
    <>
      <h3>{t('billing.adjustment.title')}</h3>
      <p className="hint">{t('billing.adjustment.intro', { month: words.month(month) })}</p>
      <AdjustmentFormFields
        key={round}
        code={code}
        month={month}
        onRecorded={(entry) => {
          setStatus(t('billing.adjustment.recorded', { month: words.month(entry.billingMonth), corrects: words.month(month) }));
          setRound((n) => n + 1);
          onSaved();
        }}
      />
      <StatusMessage text={status} />
    </>
  );
}
