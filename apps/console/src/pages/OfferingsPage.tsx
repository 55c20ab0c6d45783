/** Which certificate types are issued at stores, with which options, copies and tax years. */
import { useState } from 'react';
import { useController, useFieldArray, useForm, type Control } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, FieldError, Form, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { PutOfferingsRequest, type CertificateType, type MunicipalityOverview } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { Page } from '../components/Page.js';
import { ErrorMessage, QueryState, StatusMessage } from '../components/messages.js';
import { CheckboxFormField, TextFormField, useFieldErrorText } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { useMunicipalityPage } from './municipality-page.js';

type OfferingsForm = z.input<typeof PutOfferingsRequest>;

/** Tax years typed as "2025, 2026": the form holds the numbers (NaN for a word that is not one). */
function TaxYearsField({ control, index, isDisabled }: { control: Control<OfferingsForm>; index: number; isDisabled: boolean }) {
  const { t } = useTranslation();
  const { field, fieldState } = useController({ control, name: `offerings.${index}.taxYears` });
  const errorText = useFieldErrorText();
  const [text, setText] = useState((field.value ?? []).join(', '));
  const error = fieldState.error ?? (fieldState as { error?: { [k: number]: typeof fieldState.error } }).error?.[0];
  return (
    <TextField
      className="field"
      value={text}
      isDisabled={isDisabled}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      onChange={(value) => {
        setText(value);
        const words = value.split(/[,、\s]+/).filter(Boolean);
        field.onChange(words.map(Number));
      }}
    >
      <Label>{t('offerings.taxYears')}</Label>
      <Input ref={field.ref} inputMode="numeric" />
      <FieldError className="field-error">{errorText(error)}</FieldError>
    </TextField>
  );
}

function OfferingFieldset(props: { control: Control<OfferingsForm>; index: number; certificateType: CertificateType; mayChange: boolean }) {
  const { t } = useTranslation();
  const { control, index, certificateType, mayChange } = props;
  return (
    <fieldset className="offering" data-certificate-type={certificateType}>
      <legend>{t(`certificateTypes.${certificateType}`)}</legend>
      <CheckboxFormField control={control} name={`offerings.${index}.enabled`} label={t('offerings.enabled')} isDisabled={!mayChange} />
      {certificateType === 'residenceRecord' ? (
        <>
          <CheckboxFormField
            control={control}
            name={`offerings.${index}.allowMyNumber`}
            label={t('offerings.allowMyNumber')}
            isDisabled={!mayChange}
          />
          <CheckboxFormField
            control={control}
            name={`offerings.${index}.allowDomicile`}
            label={t('offerings.allowDomicile')}
            isDisabled={!mayChange}
          />
        </>
      ) : null}
      <TextFormField
        control={control}
        name={`offerings.${index}.maxCopies`}
        label={t('offerings.maxCopies')}
        numeric
        isDisabled={!mayChange}
      />
      {certificateType === 'taxCertificate' ? <TaxYearsField control={control} index={index} isDisabled={!mayChange} /> : null}
    </fieldset>
  );
}

function OfferingsForm({
  overview,
  mayChange,
  onSaved,
}: {
  overview: MunicipalityOverview;
  mayChange: boolean;
  onSaved: (o: MunicipalityOverview) => void;
}) {
  const { t } = useTranslation();
  const form = useForm<OfferingsForm>({
    resolver: zodResolver(PutOfferingsRequest),
    defaultValues: {
      offerings: overview.offerings.map(({ certificateType, enabled, allowMyNumber, allowDomicile, maxCopies, taxYears }) => ({
        certificateType,
        enabled,
        allowMyNumber,
        allowDomicile,
        maxCopies,
        taxYears,
      })),
    },
  });
  const rows = useFieldArray({ control: form.control, name: 'offerings' });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setStatus(null);
    try {
      onSaved(await callConsole('putOfferings', { params: { municipalityCode: overview.municipality.code }, body }));
      setStatus(t('common.saved'));
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form">
      {rows.fields.map((row, index) => (
        <OfferingFieldset key={row.id} control={form.control} index={index} certificateType={row.certificateType} mayChange={mayChange} />
      ))}
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      {mayChange ? (
        <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
          {t('common.save')}
        </Button>
      ) : null}
    </Form>
  );
}

export function OfferingsPage() {
  const { t } = useTranslation();
  const page = useMunicipalityPage();
  return (
    <Page name="offerings" title={t('offerings.title')} intro={t('offerings.intro')}>
      <QueryState query={page.overview}>
        {(o) => <OfferingsForm overview={o} mayChange={page.mayChange} onSaved={page.updated} />}
      </QueryState>
    </Page>
  );
}
