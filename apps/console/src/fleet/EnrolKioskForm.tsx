/**
 * Enrol a kiosk from its CSR (operators): the PEM pasted as the kiosk's setup wrote it, the store and
 * an existing chain. The answer is the client certificate to install, with the CA the kiosk pins,
 * shown once to copy (the center keeps only its fingerprint's row and the certificate itself).
 */
import { useState } from 'react';
import { useController, useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, FieldError, Form, Label, TextArea, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { EnrolKioskRequest, type EnrolKioskResponse, type StoreChain } from '@madoguchi/shared';
import { CopyText } from '../components/CopyText.js';
import { Section } from '../components/Page.js';
import { ErrorMessage } from '../components/messages.js';
import { SelectFormField, TextFormField, useFieldErrorText } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';

type EnrolForm = z.input<typeof EnrolKioskRequest>;

function CsrField({ form, label }: { form: ReturnType<typeof useForm<EnrolForm>>; label: string }) {
  const { field, fieldState } = useController({ control: form.control, name: 'csrPem' });
  const errorText = useFieldErrorText();
  return (
    <TextField
      className="field"
      value={field.value}
      onChange={field.onChange}
      onBlur={field.onBlur}
      isInvalid={fieldState.invalid}
      validationBehavior="aria"
    >
      <Label>{label}</Label>
      <TextArea ref={field.ref} rows={8} spellCheck={false} />
      <FieldError className="field-error">{errorText(fieldState.error)}</FieldError>
    </TextField>
  );
}

export function EnrolKioskForm({ chains, enrol }: { chains: StoreChain[]; enrol: (body: EnrolForm) => Promise<EnrolKioskResponse> }) {
  const { t } = useTranslation();
  const form = useForm<EnrolForm>({
    resolver: zodResolver(EnrolKioskRequest),
    defaultValues: { csrPem: '', terminalId: '', printerId: 'P01', storeCode: '', storeName: '', chainCode: chains[0]?.chainCode ?? '' },
  });
  const server = useServerIssues(form.setError);
  const [enrolled, setEnrolled] = useState<EnrolKioskResponse | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setEnrolled(null);
    try {
      setEnrolled(await enrol(body));
      form.reset({ ...body, csrPem: '', terminalId: '' });
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Section title={t('fleet.enrolTitle')}>
      <p>{t('fleet.enrolIntro')}</p>
      <Form onSubmit={(e) => void onSubmit(e)} className="form narrow">
        <CsrField form={form} label={t('fleet.csrPem')} />
        <TextFormField control={form.control} name="terminalId" label={t('fleet.terminalId')} autoComplete="off" />
        <TextFormField control={form.control} name="printerId" label={t('fleet.printerId')} autoComplete="off" />
        <TextFormField control={form.control} name="storeCode" label={t('fleet.storeCode')} autoComplete="off" />
        <TextFormField control={form.control} name="storeName" label={t('fleet.storeName')} autoComplete="off" />
        <SelectFormField
          control={form.control}
          name="chainCode"
          label={t('fleet.chainCode')}
          options={chains.map((c) => ({ id: c.chainCode, label: c.name }))}
        />
        {server.error ? <ErrorMessage error={server.error} /> : null}
        <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
          {t('fleet.enrol')}
        </Button>
      </Form>
      {enrolled ? (
        <div data-testid="enrolled-kiosk">
          <p role="status">{t('fleet.enrolled', { terminalId: enrolled.terminalId, notAfter: formatJapanTime(enrolled.notAfter) })}</p>
          <CopyText text={enrolled.certificatePem} label={t('fleet.certificate')} testId="kiosk-certificate" />
          <CopyText text={enrolled.kioskCaPem} label={t('fleet.caCertificate')} />
        </div>
      ) : null}
    </Section>
  );
}
