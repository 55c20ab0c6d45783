/** A municipality's staff accounts and its import API tokens (administrators and operators manage them). */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { CreateApiTokenRequest, assignableRoles, municipalRoles, type ApiTokenSummary } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { useSession } from '../api/session.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { CopyText } from '../components/CopyText.js';
import { DataTable } from '../components/DataTable.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, QueryState } from '../components/messages.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';
import { useMunicipalityPage } from './municipality-page.js';
import { CreateStaffForm, StaffTable } from './staff-panels.js';

type Token = z.infer<typeof ApiTokenSummary>;
const column = createColumnHelper<Token>();
const when = (value: string | null) => (value ? formatJapanTime(value) : '');

function CreateTokenForm({ code, onCreated }: { code: string; onCreated: () => void }) {
  const { t } = useTranslation();
  const form = useForm<z.input<typeof CreateApiTokenRequest>>({
    resolver: zodResolver(CreateApiTokenRequest),
    defaultValues: { label: '' },
  });
  const server = useServerIssues(form.setError);
  const [token, setToken] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    try {
      setToken((await callConsole('createApiToken', { params: { municipalityCode: code }, body })).token);
      form.reset({ label: '' });
      onCreated();
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <>
      <Form onSubmit={(e) => void onSubmit(e)} className="form narrow" aria-label={t('staff.createToken')}>
        <TextFormField control={form.control} name="label" label={t('staff.tokenLabel')} autoComplete="off" />
        {server.error ? <ErrorMessage error={server.error} /> : null}
        <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
          {t('staff.createToken')}
        </Button>
      </Form>
      {token ? <CopyText text={token} label={t('staff.tokenShown')} testId="api-token" /> : null}
    </>
  );
}

function TokensSection({ code }: { code: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens', code], queryFn: () => callConsole('apiTokens', { params: { municipalityCode: code } }) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['tokens', code] });
  const columns = [
    column.accessor('label', { header: t('staff.label') }),
    column.accessor('tokenId', { header: t('staff.tokenId'), cell: (c) => <code>{c.getValue()}</code> }),
    column.accessor('createdBy', { header: t('staff.createdBy'), cell: (c) => <code>{c.getValue()}</code> }),
    column.accessor('createdAt', { header: t('staff.createdAt'), cell: (c) => when(c.getValue()) }),
    column.accessor('lastUsedAt', { header: t('staff.lastUsedAt'), cell: (c) => when(c.getValue()) }),
    column.accessor('revokedAt', { header: t('staff.revokedAt'), cell: (c) => when(c.getValue()) }),
    column.display({
      id: 'revoke',
      header: () => <span className="visually-hidden">{t('staff.revoke')}</span>,
      cell: ({ row }) =>
        row.original.revokedAt ? null : (
          <ConfirmDialog
            triggerLabel={t('staff.revoke')}
            title={t('staff.revokeTitle')}
            body={t('staff.revokeBody', { label: row.original.label })}
            danger
            onConfirm={() =>
              callConsole('revokeApiToken', { params: { municipalityCode: code, tokenId: row.original.tokenId }, body: {} }).then(refresh)
            }
          />
        ),
    }),
  ];
  return (
    <Section title={t('staff.tokens')}>
      <QueryState query={tokens}>
        {(data) => <DataTable caption={t('staff.tokens')} data={data.tokens} columns={columns} rowKey={(x) => x.tokenId} testId="tokens" />}
      </QueryState>
      <CreateTokenForm code={code} onCreated={refresh} />
    </Section>
  );
}

export function StaffPage() {
  const { t } = useTranslation();
  const me = useSession();
  const { code, mayChange } = useMunicipalityPage('users');
  const client = useQueryClient();
  const staff = useQuery({ queryKey: ['staff', code], queryFn: () => callConsole('staff', { params: { municipalityCode: code } }) });
  const refresh = () => client.invalidateQueries({ queryKey: ['staff', code] });
  const roles = assignableRoles(me.role).filter((role) => municipalRoles.includes(role));
  const actions = mayChange
    ? {
        disable: (s: { staffId: string }) =>
          callConsole('disableStaff', { params: { municipalityCode: code, staffId: s.staffId }, body: {} }).then(refresh),
        changeRole: (s: { staffId: string }, role: (typeof roles)[number]) =>
          callConsole('changeRole', { params: { municipalityCode: code, staffId: s.staffId }, body: { role } }).then(refresh),
      }
    : null;
  return (
    <Page name="staff" title={t('staff.title')}>
      <Section title={t('staff.list')}>
        <QueryState query={staff}>{(data) => <StaffTable staff={data.staff} roles={roles} actions={actions} />}</QueryState>
      </Section>
      {mayChange ? (
        <CreateStaffForm
          roles={roles}
          create={async (body) => {
            const created = await callConsole('createStaff', { params: { municipalityCode: code }, body });
            await refresh();
            return created;
          }}
        />
      ) : null}
      {mayChange ? <TokensSection code={code} /> : null}
    </Page>
  );
}
