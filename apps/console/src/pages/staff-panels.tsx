/**
 * Staff accounts: the list, adding one (answered with its one-time enrolment link to copy), and
 * for a municipality's accounts disabling one or changing its role. Roles offered are those the
 * shared rule lets this staff member give (assignableRoles).
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { CreateStaffRequest, type StaffRole, type StaffSummary } from '@madoguchi/shared';
import type { z } from 'zod';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { CopyText } from '../components/CopyText.js';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { ErrorMessage } from '../components/messages.js';
import { PlainSelect, SelectFormField, TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';

export type Staff = z.infer<typeof StaffSummary>;
const column = createColumnHelper<Staff>();

export interface StaffActions {
  disable: (staff: Staff) => Promise<unknown>;
  changeRole: (staff: Staff, role: StaffRole) => Promise<unknown>;
}

function RoleChanger({ staff, roles, actions }: { staff: Staff; roles: readonly StaffRole[]; actions: StaffActions }) {
  const { t } = useTranslation();
  const [role, setRole] = useState<StaffRole>(staff.role);
  return (
    <div className="inline-form">
      <PlainSelect
        label={t('staff.newRole', { loginId: staff.loginId })}
        options={roles.map((id) => ({ id, label: t(`roles.${id}`) }))}
        value={role}
        onChange={(v) => setRole(v as StaffRole)}
      />
      <ConfirmDialog
        triggerLabel={t('staff.changeRole')}
        title={t('staff.changeRole')}
        isDisabled={role === staff.role}
        onConfirm={() => actions.changeRole(staff, role)}
      />
    </div>
  );
}

export function StaffTable({ staff, roles, actions }: { staff: Staff[]; roles: readonly StaffRole[]; actions: StaffActions | null }) {
  const { t } = useTranslation();
  const columns = [
    column.accessor('loginId', { header: t('staff.loginId') }),
    column.accessor('staffId', { header: t('staff.staffId'), cell: (c) => <code>{c.getValue()}</code> }),
    column.accessor('role', { header: t('staff.role'), cell: (c) => t(`roles.${c.getValue()}`) }),
    column.accessor('status', { header: t('staff.status'), cell: (c) => t(`staff.statuses.${c.getValue()}`) }),
    column.accessor('lastSignInAt', { header: t('staff.lastSignInAt'), cell: (c) => (c.getValue() ? formatJapanTime(c.getValue()!) : '') }),
  ];
  const manage = actions
    ? [
        column.display({
          id: 'manage',
          header: () => <span className="visually-hidden">{t('staff.changeRole')}</span>,
          cell: ({ row }) =>
            row.original.status === 'disabled' ? null : (
              <div className="actions">
                <RoleChanger staff={row.original} roles={roles} actions={actions} />
                <ConfirmDialog
                  triggerLabel={t('staff.disable')}
                  title={t('staff.disableTitle')}
                  body={t('staff.disableBody', { loginId: row.original.loginId })}
                  danger
                  onConfirm={() => actions.disable(row.original)}
                />
              </div>
            ),
        }),
      ]
    : [];
  return <DataTable caption={t('staff.list')} data={staff} columns={[...columns, ...manage]} rowKey={(s) => s.staffId} testId="staff" />;
}

type CreateForm = z.input<typeof CreateStaffRequest>;

export function CreateStaffForm({
  roles,
  create,
}: {
  roles: readonly StaffRole[];
  create: (body: CreateForm) => Promise<{ enrolmentPath: string; expiresAt: string }>;
}) {
  const { t } = useTranslation();
  const form = useForm<CreateForm>({
    resolver: zodResolver(CreateStaffRequest),
    defaultValues: { loginId: '', role: roles[roles.length - 1] },
  });
  const server = useServerIssues(form.setError);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setLink(null);
    try {
      const created = await create(body);
      setLink({ url: new URL(created.enrolmentPath, window.location.origin).href, expiresAt: formatJapanTime(created.expiresAt) });
      form.reset({ loginId: '', role: body.role });
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Section title={t('staff.createTitle')}>
      <Form onSubmit={(e) => void onSubmit(e)} className="form narrow">
        <TextFormField control={form.control} name="loginId" label={t('staff.loginId')} autoComplete="off" />
        <SelectFormField
          control={form.control}
          name="role"
          label={t('staff.role')}
          options={roles.map((id) => ({ id, label: t(`roles.${id}`) }))}
        />
        {server.error ? <ErrorMessage error={server.error} /> : null}
        <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
          {t('staff.create')}
        </Button>
      </Form>
      {link ? <CopyText text={link.url} label={t('staff.enrolmentLink', { expiresAt: link.expiresAt })} testId="enrolment-link" /> : null}
    </Section>
  );
}
