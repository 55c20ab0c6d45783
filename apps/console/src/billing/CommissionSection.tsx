/**
 * Store commission per chain: the rate in force today and every rate by its effective date, and
 * (operators) a new rate from a date after today — like a fee, it never rewrites a past month.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import type { z } from 'zod';
import { ScheduleStoreCommissionRequest, type StoreCommissionChain, type StoreCommissionList } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useMay } from '../api/session.js';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { ErrorMessage, QueryState, StatusMessage } from '../components/messages.js';
import { DateFormField } from '../forms/date-fields.js';
import { SelectFormField, TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { billingKeys } from './billing-queries.js';
import { useBillingWords } from './use-billing-words.js';

type Chain = z.infer<typeof StoreCommissionChain>;
type List = z.infer<typeof StoreCommissionList>;
type ScheduleForm = z.input<typeof ScheduleStoreCommissionRequest>;
const column = createColumnHelper<Chain>();

function ScheduleRateForm({ list, onSaved }: { list: List; onSaved: (next: List) => void }) {
  const { t } = useBillingWords();
  const form = useForm<ScheduleForm>({
    resolver: zodResolver(ScheduleStoreCommissionRequest),
    defaultValues: { chainCode: list.chains[0]?.chainCode ?? '', effectiveFrom: '', rateYen: Number.NaN },
  });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setStatus(null);
    try {
      onSaved(await callConsole('scheduleStoreCommission', { body }));
      setStatus(t('billing.commission.scheduled'));
    } catch (error) {
      server.report(error);
    }
  });
  const options = list.chains.map((c) => ({ id: c.chainCode, label: `${c.name}（${c.chainCode}）` }));
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form" aria-label={t('billing.commission.schedule')}>
      <SelectFormField control={form.control} name="chainCode" label={t('billing.commission.chain')} options={options} />
      <DateFormField control={form.control} name="effectiveFrom" label={t('billing.commission.effectiveFrom')} />
      <TextFormField control={form.control} name="rateYen" label={t('billing.commission.rateYen')} numeric />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('billing.commission.submit')}
      </Button>
    </Form>
  );
}

export function CommissionSection() {
  const words = useBillingWords();
  const { t } = words;
  const may = useMay();
  const client = useQueryClient();
  const list = useQuery({ queryKey: billingKeys.commissions, queryFn: () => callConsole('storeCommissions') });
  const columns = [
    column.accessor('name', { header: t('billing.commission.chain') }),
    column.accessor('chainCode', { header: t('billing.commission.code') }),
    column.accessor('rateTodayYen', { header: t('billing.commission.rateToday'), cell: (c) => words.yen(c.getValue()) }),
    column.accessor('rates', {
      header: t('billing.commission.rates'),
      cell: (c) =>
        c.getValue().length === 0 ? (
          t('billing.commission.defaultRate')
        ) : (
          <ul>
            {c.getValue().map((r) => (
              <li key={r.effectiveFrom}>
                {t('billing.commission.rateLine', { date: r.effectiveFrom, rate: r.rateYen.toLocaleString('ja-JP') })}
              </li>
            ))}
          </ul>
        ),
    }),
  ];
  return (
    <Section title={t('billing.commission.title')} id="billing-commission">
      <QueryState query={list}>
        {(data) => (
          <>
            <p className="intro">{t('billing.commission.intro', { rate: data.defaultRateYen.toLocaleString('ja-JP') })}</p>
            <DataTable
              caption={t('billing.commission.caption')}
              data={data.chains}
              columns={columns}
              rowKey={(c) => c.chainCode}
              testId="billing-commission"
            />
            {may('operate', null) && data.chains.length > 0 ? (
              <>
                <h3>{t('billing.commission.schedule')}</h3>
                <ScheduleRateForm list={data} onSaved={(next) => client.setQueryData(billingKeys.commissions, next)} />
              </>
            ) : null}
          </>
        )}
      </QueryState>
    </Section>
  );
}
