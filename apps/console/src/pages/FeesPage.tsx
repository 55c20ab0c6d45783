/**
 * Fees per certificate type: the schedule (past, in force, scheduled), a change scheduled from a
 * date after today in whole yen (the shared schema catches a bad fee in the page; the center's
 * issues land on the same fields), and cancelling a change not yet in force.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { ScheduleFeeRequest, type MunicipalityOverview } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable } from '../components/DataTable.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, QueryState, StatusMessage } from '../components/messages.js';
import { DateFormField } from '../forms/date-fields.js';
import { SelectFormField, TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { useMunicipalityPage } from './municipality-page.js';

type Offering = MunicipalityOverview['offerings'][number];
type FeeRow = Offering['fees'][number];
type ScheduleForm = z.input<typeof ScheduleFeeRequest>;
const column = createColumnHelper<FeeRow>();

function FeeSchedule({
  offering,
  code,
  mayChange,
  onSaved,
}: {
  offering: Offering;
  code: string;
  mayChange: boolean;
  onSaved: (o: MunicipalityOverview) => void;
}) {
  const { t } = useTranslation();
  const type = t(`certificateTypes.${offering.certificateType}`);
  const columns = [
    column.accessor('effectiveFrom', { header: t('fees.effectiveFrom') }),
    column.accessor('feeYen', { header: t('fees.fee'), cell: (c) => t('common.yen', { amount: c.getValue().toLocaleString('ja-JP') }) }),
    column.accessor('state', { header: t('fees.state'), cell: (c) => t(`fees.states.${c.getValue()}`) }),
    column.display({
      id: 'actions',
      header: () => <span className="visually-hidden">{t('fees.cancel')}</span>,
      cell: ({ row }) =>
        row.original.state === 'scheduled' && mayChange ? (
          <ConfirmDialog
            triggerLabel={t('fees.cancel')}
            title={t('fees.cancelTitle')}
            body={t('fees.cancelBody', { type, date: row.original.effectiveFrom, fee: row.original.feeYen.toLocaleString('ja-JP') })}
            danger
            onConfirm={async () =>
              onSaved(
                await callConsole('cancelFee', {
                  params: { municipalityCode: code },
                  body: { certificateType: offering.certificateType, effectiveFrom: row.original.effectiveFrom },
                }),
              )
            }
          />
        ) : null,
    }),
  ];
  return (
    <div data-certificate-type={offering.certificateType}>
      <DataTable caption={type} data={offering.fees} columns={columns} rowKey={(f) => `${f.effectiveFrom}-${f.state}`} />
    </div>
  );
}

function ScheduleFeeForm({ overview, onSaved }: { overview: MunicipalityOverview; onSaved: (o: MunicipalityOverview) => void }) {
  const { t } = useTranslation();
  const form = useForm<ScheduleForm>({
    resolver: zodResolver(ScheduleFeeRequest),
    defaultValues: { certificateType: overview.offerings[0]?.certificateType ?? 'residenceRecord', effectiveFrom: '', feeYen: Number.NaN },
  });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setStatus(null);
    try {
      onSaved(await callConsole('scheduleFee', { params: { municipalityCode: overview.municipality.code }, body }));
      setStatus(t('common.saved'));
    } catch (error) {
      server.report(error);
    }
  });
  const options = overview.offerings.map((o) => ({ id: o.certificateType, label: t(`certificateTypes.${o.certificateType}`) }));
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form" aria-label={t('fees.scheduleTitle')}>
      <SelectFormField control={form.control} name="certificateType" label={t('fees.certificateType')} options={options} />
      <DateFormField control={form.control} name="effectiveFrom" label={t('fees.effectiveFrom')} />
      <TextFormField control={form.control} name="feeYen" label={t('fees.feeYen')} numeric />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('fees.submit')}
      </Button>
    </Form>
  );
}

export function FeesPage() {
  const { t } = useTranslation();
  const page = useMunicipalityPage();
  return (
    <Page name="fees" title={t('fees.title')} intro={t('fees.intro')}>
      <QueryState query={page.overview}>
        {(overview) => (
          <>
            <Section title={t('fees.schedule')}>
              {overview.offerings.map((offering) => (
                <FeeSchedule
                  key={offering.certificateType}
                  offering={offering}
                  code={page.code}
                  mayChange={page.mayChange}
                  onSaved={page.updated}
                />
              ))}
            </Section>
            {page.mayChange ? (
              <Section title={t('fees.scheduleTitle')}>
                <ScheduleFeeForm overview={overview} onSaved={page.updated} />
              </Section>
            ) : null}
          </>
        )}
      </QueryState>
    </Page>
  );
}
