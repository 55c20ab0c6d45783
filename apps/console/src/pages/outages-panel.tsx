/**
 * Outages on a month calendar (a day with an outage is marked; choosing it lists that day's) and
 * in a list; declaring one (from, until, which types, reason) and ending one. An outage in
 * progress stops the kiosks at once: the center is the one that applies it.
 */
import { useState } from 'react';
import { useController, useForm, type Control } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Button,
  Calendar,
  CalendarCell,
  CalendarGrid,
  Checkbox,
  CheckboxGroup,
  FieldError,
  Form,
  Heading,
  Label,
} from 'react-aria-components';
import { parseDate, type CalendarDate } from '@internationalized/date';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import { DeclareOutageRequest, certificateTypes, type MunicipalityOverview } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable } from '../components/DataTable.js';
import { Section } from '../components/Page.js';
import { ErrorMessage, StatusMessage } from '../components/messages.js';
import { DateFormField } from '../forms/date-fields.js';
import { CheckMark, TextFormField, useFieldErrorText } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { coversJapanDate, formatJapanTime } from '../time/japan-time.js';

type Outage = MunicipalityOverview['outages'][number];
type DeclareForm = z.input<typeof DeclareOutageRequest>;
const column = createColumnHelper<Outage>();

function OutageCalendar({
  outages,
  today,
  day,
  onDay,
}: {
  outages: Outage[];
  today: string;
  day: CalendarDate | null;
  onDay: (d: CalendarDate) => void;
}) {
  const { t, i18n } = useTranslation();
  const marked = (date: CalendarDate) => outages.some((o) => o.state !== 'ended' && coversJapanDate(o.from, o.until, date.toString()));
  return (
    <Calendar
      aria-label={t('outages.calendar')}
      className="calendar month"
      value={day}
      onChange={onDay}
      defaultFocusedValue={parseDate(today)}
    >
      <header>
        <Button slot="previous" className="button secondary">
          ◀
        </Button>
        <Heading lang={i18n.language} />
        <Button slot="next" className="button secondary">
          ▶
        </Button>
      </header>
      <CalendarGrid>
        {(date) => (
          <CalendarCell date={date} className={marked(date) ? 'calendar-cell has-outage' : 'calendar-cell'}>
            {({ formattedDate }) => (
              <>
                {formattedDate}
                {marked(date) ? <span className="outage-mark">{t('outages.hasOutage')}</span> : null}
              </>
            )}
          </CalendarCell>
        )}
      </CalendarGrid>
    </Calendar>
  );
}

function OutageTypesField({ control }: { control: Control<DeclareForm> }) {
  const { t } = useTranslation();
  const { field, fieldState } = useController({ control, name: 'certificateTypes' });
  const errorText = useFieldErrorText();
  return (
    <CheckboxGroup
      className="types"
      value={field.value ?? []}
      onChange={(values) => field.onChange(values.length === 0 ? null : values)}
      isInvalid={fieldState.invalid}
      validationBehavior="aria"
    >
      <Label>{t('outages.types')}</Label>
      <p className="hint">{t('outages.allTypes')}</p>
      {certificateTypes.map((type) => (
        <Checkbox key={type} value={type} className="checkbox">
          <CheckMark />
          {t(`certificateTypes.${type}`)}
        </Checkbox>
      ))}
      <FieldError className="field-error">{errorText(fieldState.error)}</FieldError>
    </CheckboxGroup>
  );
}

function DeclareOutageForm({ code, onChanged }: { code: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const form = useForm<DeclareForm>({
    resolver: zodResolver(DeclareOutageRequest),
    defaultValues: { from: '', until: '', certificateTypes: null, reason: '' },
  });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setStatus(null);
    try {
      await callConsole('declareOutage', { params: { municipalityCode: code }, body });
      setStatus(t('common.saved'));
      onChanged();
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form" aria-label={t('outages.declareTitle')}>
      <DateFormField control={form.control} name="from" label={t('outages.from')} withTime />
      <DateFormField control={form.control} name="until" label={t('outages.until')} withTime />
      <OutageTypesField control={form.control} />
      <TextFormField control={form.control} name="reason" label={t('outages.reason')} />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('outages.declare')}
      </Button>
    </Form>
  );
}

function useOutageColumns(code: string, mayChange: boolean, onChanged: () => void) {
  const { t } = useTranslation();
  return [
    column.accessor('from', { header: t('outages.from'), cell: (c) => formatJapanTime(c.getValue()) }),
    column.accessor('until', { header: t('outages.until'), cell: (c) => formatJapanTime(c.getValue()) }),
    column.accessor('certificateTypes', {
      header: t('outages.types'),
      cell: (c) =>
        c
          .getValue()
          ?.map((type) => t(`certificateTypes.${type}`))
          .join('、') ?? t('outages.allTypes'),
    }),
    column.accessor('reason', { header: t('outages.reason') }),
    column.accessor('state', { header: t('outages.state'), cell: (c) => t(`outages.states.${c.getValue()}`) }),
    column.display({
      id: 'actions',
      header: () => <span className="visually-hidden">{t('outages.end')}</span>,
      cell: ({ row }) =>
        mayChange && row.original.state !== 'ended' ? (
          <ConfirmDialog
            triggerLabel={t('outages.end')}
            title={t('outages.endTitle')}
            body={t('outages.endBody', { from: formatJapanTime(row.original.from), until: formatJapanTime(row.original.until) })}
            onConfirm={async () => {
              await callConsole('endOutage', { params: { municipalityCode: code, outageId: row.original.outageId }, body: {} });
              onChanged();
            }}
          />
        ) : null,
    }),
  ];
}

export function OutagesPanel({
  overview,
  mayChange,
  onChanged,
}: {
  overview: MunicipalityOverview;
  mayChange: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [day, setDay] = useState<CalendarDate | null>(null);
  const code = overview.municipality.code;
  const columns = useOutageColumns(code, mayChange, onChanged);
  const shown = day ? overview.outages.filter((o) => coversJapanDate(o.from, o.until, day.toString())) : overview.outages;
  return (
    <Section title={t('outages.title')}>
      <OutageCalendar outages={overview.outages} today={overview.today} day={day} onDay={setDay} />
      <DataTable
        caption={day ? t('outages.onDay', { date: day.toString() }) : t('outages.list')}
        data={shown}
        columns={columns}
        rowKey={(o) => o.outageId}
      />
      {day ? (
        <Button className="link-button" onPress={() => setDay(null)}>
          {t('outages.list')}
        </Button>
      ) : null}
      {mayChange ? (
        <Section title={t('outages.declareTitle')}>
          <DeclareOutageForm code={code} onChanged={onChanged} />
        </Section>
      ) : null}
    </Section>
  );
}
