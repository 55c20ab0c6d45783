/** Store chains (コンビニ事業者): the list (operators and auditors) and adding one (operators). */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { CreateStoreChainRequest, type StoreChain } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { ErrorMessage, StatusMessage } from '../components/messages.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';

type ChainForm = z.input<typeof CreateStoreChainRequest>;
const column = createColumnHelper<StoreChain>();

function AddChainForm({ add }: { add: (body: ChainForm) => Promise<StoreChain> }) {
  const { t } = useTranslation();
  const form = useForm<ChainForm>({ resolver: zodResolver(CreateStoreChainRequest), defaultValues: { chainCode: '', name: '' } });
  const server = useServerIssues(form.setError);
  const [added, setAdded] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setAdded(null);
    try {
      const chain = await add(body);
      setAdded(t('fleet.chainAdded', { chainCode: chain.chainCode }));
      form.reset({ chainCode: '', name: '' });
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form narrow" aria-label={t('fleet.addChain')}>
      <TextFormField control={form.control} name="chainCode" label={t('fleet.newChainCode')} autoComplete="off" />
      <TextFormField control={form.control} name="name" label={t('fleet.newChainName')} autoComplete="off" />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('fleet.addChain')}
      </Button>
      <StatusMessage text={added} />
    </Form>
  );
}

export function StoreChainsPanel({ chains, add }: { chains: StoreChain[]; add: ((body: ChainForm) => Promise<StoreChain>) | null }) {
  const { t } = useTranslation();
  const columns = [
    column.accessor('chainCode', { header: t('fleet.newChainCode'), cell: (c) => <code>{c.getValue()}</code> }),
    column.accessor('name', { header: t('fleet.chainName') }),
    column.accessor('createdAt', { header: t('fleet.chainCreatedAt'), cell: (c) => formatJapanTime(c.getValue()) }),
  ];
  return (
    <Section title={t('fleet.chainsTitle')}>
      <DataTable caption={t('fleet.chainsList')} data={chains} columns={columns} rowKey={(c) => c.chainCode} testId="store-chains" />
      {add ? <AddChainForm add={add} /> : null}
    </Section>
  );
}
