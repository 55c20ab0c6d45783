/**
 * Participation charges of a fiscal year: the yen per population band (the FY2017 table unless the
 * year has its own) and each municipality's kind, population, band and charge as recorded for that
 * year; operators change the table and record a municipality's kind and population.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { z } from 'zod';
import {
  MunicipalityCode,
  MunicipalityKind,
  ParticipationChargeTable,
  PutBillingProfileRequest,
  populationBands,
  type BillingFiscalYear,
  type BillingProfile,
  type ParticipationChargeView,
  type PopulationBand,
} from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useMay } from '../api/session.js';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { ErrorMessage, QueryState, StatusMessage } from '../components/messages.js';
import { PlainSelect, SelectFormField, TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { billingKeys } from './billing-queries.js';
import { useBillingWords, type BillingWords } from './use-billing-words.js';

type View = z.infer<typeof ParticipationChargeView>;
type Profile = z.infer<typeof BillingProfile>;
type TableForm = z.input<typeof ParticipationChargeTable>;
const ProfileForm = PutBillingProfileRequest.extend({ municipalityCode: MunicipalityCode });
type ProfileForm = z.input<typeof ProfileForm>;
const bandColumn = createColumnHelper<{ band: PopulationBand; yen: number }>();
const profileColumn = createColumnHelper<Profile>();

function ChargeTableForm({ view, onSaved }: { view: View; onSaved: (next: View) => void }) {
  const { t, fiscalYear } = useBillingWords();
  const form = useForm<TableForm>({ resolver: zodResolver(ParticipationChargeTable), defaultValues: view.table });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setStatus(null);
    try {
      onSaved(await callConsole('putParticipationCharges', { params: { fiscalYear: view.fiscalYear }, body }));
      setStatus(t('billing.charges.saved'));
    } catch (error) {
      server.report(error);
    }
  });
  const title = t('billing.charges.edit', { year: fiscalYear(view.fiscalYear) });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form" aria-label={title}>
      {populationBands.map((band) => (
        <TextFormField key={band} control={form.control} name={band} label={t(`billing.bands.${band}`)} numeric />
      ))}
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('billing.charges.submit')}
      </Button>
    </Form>
  );
}

function ProfileRecordForm({ fiscalYear, onSaved }: { fiscalYear: BillingFiscalYear; onSaved: () => void }) {
  const { t } = useBillingWords();
  const municipalities = useQuery({ queryKey: ['municipalities'], queryFn: () => callConsole('municipalities') });
  const form = useForm<ProfileForm>({
    resolver: zodResolver(ProfileForm),
    defaultValues: { municipalityCode: '', kind: 'city', population: Number.NaN },
  });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async ({ municipalityCode, ...body }) => {
    server.clear();
    setStatus(null);
    try {
      await callConsole('putBillingProfile', { params: { municipalityCode, fiscalYear }, body });
      setStatus(t('billing.charges.profileSaved'));
      onSaved();
    } catch (error) {
      server.report(error);
    }
  });
  const municipalityOptions = (municipalities.data?.municipalities ?? []).map((m) => ({ id: m.code, label: `${m.name}（${m.code}）` }));
  const kindOptions = MunicipalityKind.options.map((kind) => ({ id: kind, label: t(`billing.kinds.${kind}`) }));
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form" aria-label={t('billing.charges.profileEdit')}>
      <SelectFormField control={form.control} name="municipalityCode" label={t('billing.municipality')} options={municipalityOptions} />
      <SelectFormField control={form.control} name="kind" label={t('billing.charges.kind')} options={kindOptions} />
      <TextFormField control={form.control} name="population" label={t('billing.charges.population')} numeric />
      {municipalities.error ? <ErrorMessage error={municipalities.error} /> : null}
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('billing.charges.profileSubmit')}
      </Button>
    </Form>
  );
}

/** Each municipality's (or, on its own page, one municipality's) kind, population, band and charge. */
export function ProfilesTable({ profiles, caption, words }: { profiles: Profile[]; caption: string; words: BillingWords }) {
  const { t } = words;
  const columns = [
    profileColumn.accessor('fiscalYear', { header: t('billing.fiscalYear'), cell: (c) => words.fiscalYear(c.getValue()) }),
    profileColumn.accessor('municipalityName', { header: t('billing.municipality') }),
    profileColumn.accessor('kind', { header: t('billing.charges.kind'), cell: (c) => t(`billing.kinds.${c.getValue()}`) }),
    profileColumn.accessor('population', { header: t('billing.charges.population'), cell: (c) => c.getValue().toLocaleString('ja-JP') }),
    profileColumn.accessor('band', { header: t('billing.charges.band'), cell: (c) => t(`billing.bands.${c.getValue()}`) }),
    profileColumn.accessor('annualChargeYen', { header: t('billing.charges.annual'), cell: (c) => words.yen(c.getValue()) }),
    profileColumn.accessor('recordedAt', { header: t('billing.charges.recordedAt'), cell: (c) => words.time(c.getValue()) }),
  ];
  return (
    <DataTable
      caption={caption}
      data={profiles}
      columns={columns}
      rowKey={(p) => `${p.municipalityCode}-${p.fiscalYear}`}
      testId="billing-profiles"
    />
  );
}

function ChargeView({ view, words }: { view: View; words: BillingWords }) {
  const { t } = words;
  const may = useMay();
  const client = useQueryClient();
  const year = words.fiscalYear(view.fiscalYear);
  const bandRows = populationBands.map((band) => ({ band, yen: view.table[band] }));
  const bandColumns = [
    bandColumn.accessor('band', { header: t('billing.charges.band'), cell: (c) => t(`billing.bands.${c.getValue()}`) }),
    bandColumn.accessor('yen', { header: t('billing.charges.annual'), cell: (c) => words.yen(c.getValue()) }),
  ];
  const refresh = () => void client.invalidateQueries({ queryKey: billingKeys.all });
  return (
    <>
      <p>{t('billing.charges.sourceLabel', { source: t(`billing.charges.source.${view.source}`) })}</p>
      <DataTable
        caption={t('billing.charges.caption', { year })}
        data={bandRows}
        columns={bandColumns}
        rowKey={(r) => r.band}
        testId="billing-bands"
      />
      {may('operate', null) ? (
        <>
          <h3>{t('billing.charges.edit', { year })}</h3>
          <ChargeTableForm
            key={`${view.fiscalYear}-${JSON.stringify(view.table)}`}
            view={view}
            onSaved={(next) => {
              client.setQueryData(billingKeys.charges(view.fiscalYear), next);
              refresh();
            }}
          />
        </>
      ) : null}
      <h3>{t('billing.charges.profiles')}</h3>
      <ProfilesTable profiles={view.profiles} caption={t('billing.charges.profilesCaption', { year })} words={words} />
      {may('operate', null) ? (
        <>
          <h3>{t('billing.charges.profileEdit')}</h3>
          <ProfileRecordForm key={view.fiscalYear} fiscalYear={view.fiscalYear} onSaved={refresh} />
        </>
      ) : null}
    </>
  );
}

export function ChargesSection({
  fiscalYear,
  fiscalYears,
  onFiscalYear,
}: {
  fiscalYear: BillingFiscalYear;
  fiscalYears: BillingFiscalYear[];
  onFiscalYear: (year: BillingFiscalYear) => void;
}) {
  const words = useBillingWords();
  const { t } = words;
  const view = useQuery({
    queryKey: billingKeys.charges(fiscalYear),
    queryFn: () => callConsole('participationCharges', { params: { fiscalYear } }),
  });
  return (
    <Section title={t('billing.charges.title')} id="billing-charges">
      <p className="intro">{t('billing.charges.intro')}</p>
      <PlainSelect
        label={t('billing.fiscalYear')}
        options={fiscalYears.map((y) => ({ id: String(y), label: words.fiscalYear(y) }))}
        value={String(fiscalYear)}
        onChange={(value) => onFiscalYear(Number(value))}
      />
      <QueryState query={view}>{(data) => <ChargeView view={data} words={words} />}</QueryState>
    </Section>
  );
}
