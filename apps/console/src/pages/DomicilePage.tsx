/**
 * 本籍地 registrations: the queue waiting for a decision (approve, or reject with a reason), and
 * the decided ones. An approval puts the resident's 戸籍 certificates on their kiosk menu.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Dialog, DialogTrigger, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { RejectRequest, type DomicileRegistrationView } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable } from '../components/DataTable.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, QueryState } from '../components/messages.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';
import { useMunicipalityPage } from './municipality-page.js';

type Registration = z.infer<typeof DomicileRegistrationView>;
type Status = Registration['status'];
const column = createColumnHelper<Registration>();

function RejectDialog({ registration, code, onDone }: { registration: Registration; code: string; onDone: () => void }) {
  const { t } = useTranslation();
  const form = useForm<z.input<typeof RejectRequest>>({ resolver: zodResolver(RejectRequest), defaultValues: { reason: '' } });
  const server = useServerIssues(form.setError);
  return (
    <DialogTrigger onOpenChange={() => server.clear()}>
      <Button className="button danger">{t('domicile.reject')}</Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <Form
                className="form"
                onSubmit={(e) =>
                  void form.handleSubmit(async (body) => {
                    try {
                      await callConsole('rejectDomicileRegistration', {
                        params: { municipalityCode: code, registrationId: registration.registrationId },
                        body,
                      });
                      close();
                      onDone();
                    } catch (error) {
                      server.report(error);
                    }
                  })(e)
                }
              >
                <Heading slot="title">{t('domicile.rejectTitle')}</Heading>
                <p>{registration.applicant.name}</p>
                <TextFormField control={form.control} name="reason" label={t('domicile.rejectReason')} />
                {server.error ? <ErrorMessage error={server.error} /> : null}
                <div className="actions">
                  <Button className="button secondary" onPress={close}>
                    {t('common.cancel')}
                  </Button>
                  <Button type="submit" className="button danger">
                    {t('domicile.reject')}
                  </Button>
                </div>
              </Form>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function useRegistrationColumns(status: Status, code: string, mayApprove: boolean, onDone: () => void) {
  const { t } = useTranslation();
  const common = [
    column.accessor('appliedAt', { header: t('domicile.appliedAt'), cell: (c) => formatJapanTime(c.getValue()) }),
    column.accessor((r) => r.applicant.name, { id: 'name', header: t('domicile.applicant') }),
    column.accessor((r) => r.applicant.birthDate ?? '', { id: 'birthDate', header: t('domicile.birthDate') }),
    column.accessor((r) => r.applicant.address ?? '', { id: 'address', header: t('domicile.address') }),
    column.accessor('channel', { header: t('domicile.channel') }),
  ];
  if (status !== 'pending') {
    return [
      ...common,
      column.accessor('decidedAt', { header: t('domicile.decidedAt'), cell: (c) => (c.getValue() ? formatJapanTime(c.getValue()!) : '') }),
      column.accessor('decidedBy', { header: t('domicile.decidedBy') }),
      column.accessor('reason', { header: t('domicile.reason') }),
    ];
  }
  if (!mayApprove) return common;
  const approve = (r: Registration) => () =>
    callConsole('approveDomicileRegistration', { params: { municipalityCode: code, registrationId: r.registrationId }, body: {} }).then(
      onDone,
    );
  return [
    ...common,
    column.display({
      id: 'decide',
      header: () => <span className="visually-hidden">{t('domicile.approve')}</span>,
      cell: ({ row }) => (
        <div className="actions">
          <ConfirmDialog
            triggerLabel={t('domicile.approve')}
            title={t('domicile.approveTitle')}
            body={t('domicile.approveBody', { name: row.original.applicant.name })}
            onConfirm={approve(row.original)}
          />
          <RejectDialog registration={row.original} code={code} onDone={onDone} />
        </div>
      ),
    }),
  ];
}

function RegistrationList({ code, status, mayApprove }: { code: string; status: Status; mayApprove: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['domicile', code, status],
    queryFn: () => callConsole('domicileRegistrations', { params: { municipalityCode: code }, query: { status } }),
  });
  const onDone = () => {
    void client.invalidateQueries({ queryKey: ['domicile', code] });
    void client.invalidateQueries({ queryKey: ['overview', code] });
  };
  const columns = useRegistrationColumns(status, code, mayApprove, onDone);
  return (
    <Section title={t(`domicile.${status}`)} id={`domicile-${status}`}>
      <QueryState query={list}>
        {(data) => (
          <DataTable
            caption={t(`domicile.${status}`)}
            data={data.registrations}
            columns={columns}
            rowKey={(r) => r.registrationId}
            testId={`domicile-${status}`}
          />
        )}
      </QueryState>
    </Section>
  );
}

export function DomicilePage() {
  const { t } = useTranslation();
  const page = useMunicipalityPage('approve');
  const [decided, setDecided] = useState<'approved' | 'rejected'>('approved');
  return (
    <Page name="domicile-registrations" title={t('domicile.title')}>
      <RegistrationList code={page.code} status="pending" mayApprove={page.mayChange} />
      <div className="actions" role="group" aria-label={t('domicile.title')}>
        {(['approved', 'rejected'] as const).map((s) => (
          <Button
            key={s}
            className={decided === s ? 'button' : 'button secondary'}
            aria-pressed={decided === s}
            onPress={() => setDecided(s)}
          >
            {t(`domicile.${s}`)}
          </Button>
        ))}
      </div>
      <RegistrationList key={decided} code={page.code} status={decided} mayApprove={false} />
    </Page>
  );
}
