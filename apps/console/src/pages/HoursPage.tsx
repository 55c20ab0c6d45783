/** Service hours per certificate type and for 本籍地 registration, and outages (outages-panel.tsx). */
import { useState } from 'react';
import { useController, useFieldArray, useForm, type Control, type FieldError as FormError } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Checkbox, CheckboxGroup, FieldError, Form, Label } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { PutHoursRequest, certificateTypes, type MunicipalityOverview } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, QueryState, StatusMessage } from '../components/messages.js';
import { CheckMark, CheckboxFormField, PlainSelect, TextFormField, useFieldErrorText } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { useMunicipalityPage } from './municipality-page.js';
import { OutagesPanel } from './outages-panel.js';

type HoursForm = z.input<typeof PutHoursRequest>;
type Target = HoursForm['target'];
const weekdays = [1, 2, 3, 4, 5, 6, 0];

function currentHours(overview: MunicipalityOverview, target: Target) {
  if (target === 'domicileRegistration') return overview.domicileRegistrationHours;
  return overview.offerings.find((o) => o.certificateType === target)?.hours ?? [];
}

function WeekdaysField({ control, index, isDisabled }: { control: Control<HoursForm>; index: number; isDisabled: boolean }) {
  const { t } = useTranslation();
  const { field, fieldState } = useController({ control, name: `hours.${index}.weekdays` });
  const errorText = useFieldErrorText();
  return (
    <CheckboxGroup
      className="weekdays"
      value={(field.value ?? []).map(String)}
      onChange={(values) => field.onChange(values.map(Number).sort())}
      isDisabled={isDisabled}
      isInvalid={fieldState.invalid}
      validationBehavior="aria"
    >
      <Label>{t('hours.weekdays')}</Label>
      <div className="weekday-boxes">
        {weekdays.map((day) => (
          <Checkbox key={day} value={String(day)} className="checkbox">
            <CheckMark />
            {t(`weekdays.d${day}`)}
          </Checkbox>
        ))}
      </div>
      <FieldError className="field-error">{errorText(fieldState.error)}</FieldError>
    </CheckboxGroup>
  );
}

/** Remounted with the saved hours after a save; the confirmation lives in HoursSection, which stays. */
function HoursEditor({
  overview,
  target,
  mayChange,
  onSaved,
}: {
  overview: MunicipalityOverview;
  target: Target;
  mayChange: boolean;
  onSaved: (o: MunicipalityOverview) => void;
}) {
  const { t } = useTranslation();
  const form = useForm<HoursForm>({
    resolver: zodResolver(PutHoursRequest),
    defaultValues: { target, hours: currentHours(overview, target) },
  });
  const rows = useFieldArray({ control: form.control, name: 'hours' });
  const errorText = useFieldErrorText();
  const server = useServerIssues(form.setError);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    try {
      onSaved(await callConsole('putHours', { params: { municipalityCode: overview.municipality.code }, body }));
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form">
      {rows.fields.length === 0 ? <p>{t('hours.noHours')}</p> : null}
      {rows.fields.map((row, index) => (
        <fieldset key={row.id} className="hours-row">
          <legend>{t('hours.row', { n: index + 1 })}</legend>
          {/* The center names a whole row (an overlap) as hours[n]: shown on that row. */}
          {form.formState.errors.hours?.[index]?.message ? (
            <p className="field-error row-error">{errorText(form.formState.errors.hours[index] as FormError)}</p>
          ) : null}
          <WeekdaysField control={form.control} index={index} isDisabled={!mayChange} />
          <TextFormField control={form.control} name={`hours.${index}.from`} label={t('hours.from')} isDisabled={!mayChange} />
          <TextFormField control={form.control} name={`hours.${index}.to`} label={t('hours.to')} isDisabled={!mayChange} />
          <CheckboxFormField
            control={form.control}
            name={`hours.${index}.closedOnHolidays`}
            label={t('hours.closedOnHolidays')}
            isDisabled={!mayChange}
          />
          {mayChange ? (
            <Button className="button secondary" onPress={() => rows.remove(index)}>
              {t('hours.removeRow')}
            </Button>
          ) : null}
        </fieldset>
      ))}
      {server.error ? <ErrorMessage error={server.error} /> : null}
      {mayChange ? (
        <div className="actions">
          <Button
            className="button secondary"
            onPress={() => rows.append({ weekdays: [1, 2, 3, 4, 5], from: '06:30', to: '23:00', closedOnHolidays: false })}
          >
            {t('hours.addRow')}
          </Button>
          <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
            {t('hours.saveHours')}
          </Button>
        </div>
      ) : null}
    </Form>
  );
}

function HoursSection({
  overview,
  mayChange,
  onSaved,
}: {
  overview: MunicipalityOverview;
  mayChange: boolean;
  onSaved: (o: MunicipalityOverview) => void;
}) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<Target>('residenceRecord');
  const [status, setStatus] = useState<string | null>(null);
  const targets = [...certificateTypes, 'domicileRegistration' as const].map((id) => ({ id, label: t(`certificateTypes.${id}`) }));
  return (
    <Section title={t('hours.hoursTitle')}>
      <PlainSelect
        label={t('hours.target')}
        options={targets}
        value={target}
        onChange={(value) => {
          setTarget(value as Target);
          setStatus(null);
        }}
      />
      <HoursEditor
        key={`${target}-${JSON.stringify(currentHours(overview, target))}`}
        overview={overview}
        target={target}
        mayChange={mayChange}
        onSaved={(next) => {
          onSaved(next);
          setStatus(t('common.saved'));
        }}
      />
      <StatusMessage text={status} />
    </Section>
  );
}

export function HoursPage() {
  const { t } = useTranslation();
  const page = useMunicipalityPage();
  return (
    <Page name="hours" title={t('hours.title')}>
      <QueryState query={page.overview}>
        {(overview) => (
          <>
            <HoursSection overview={overview} mayChange={page.mayChange} onSaved={page.updated} />
            <OutagesPanel overview={overview} mayChange={page.mayChange} onChanged={page.invalidate} />
          </>
        )}
      </QueryState>
    </Page>
  );
}
