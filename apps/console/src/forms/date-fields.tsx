/**
 * Dates and date-times with react-aria's date picker (typed segment by segment, or chosen on its
 * calendar). The form holds the contract's strings: `YYYY-MM-DD`, or an instant with the +09:00
 * offset for the Japan wall-clock time chosen (time/japan-time.ts).
 */
import { useController, type Control, type FieldPath, type FieldValues } from 'react-hook-form';
import {
  Button,
  Calendar,
  CalendarCell,
  CalendarGrid,
  DateInput,
  DatePicker,
  DateSegment,
  Dialog,
  FieldError,
  Group,
  Heading,
  Label,
  Popover,
} from 'react-aria-components';
import { parseDate, parseDateTime, type CalendarDate, type CalendarDateTime } from '@internationalized/date';
import { useTranslation } from 'react-i18next';
import { formatJapanTime, japanInstant } from '../time/japan-time.js';
import { useFieldErrorText } from './fields.js';

function parseOrNull<T>(parse: (text: string) => T, text: unknown): T | null {
  if (typeof text !== 'string' || text === '') return null;
  try {
    return parse(text);
  } catch {
    return null;
  }
}

function PickerCalendar() {
  return (
    <Popover className="popover">
      <Dialog className="calendar-dialog">
        <Calendar className="calendar">
          <header>
            <Button slot="previous" className="button secondary">
              ◀
            </Button>
            <Heading />
            <Button slot="next" className="button secondary">
              ▶
            </Button>
          </header>
          <CalendarGrid>{(date) => <CalendarCell date={date} className="calendar-cell" />}</CalendarGrid>
        </Calendar>
      </Dialog>
    </Popover>
  );
}

interface DateFieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  withTime?: boolean;
  isDisabled?: boolean;
}

export function DateFormField<T extends FieldValues>({ control, name, label, withTime, isDisabled }: DateFieldProps<T>) {
  const { i18n } = useTranslation();
  const { field, fieldState } = useController({ control, name });
  const errorText = useFieldErrorText();
  const value = withTime
    ? parseOrNull(parseDateTime, typeof field.value === 'string' && field.value ? formatJapanTime(field.value).replace(' ', 'T') : '')
    : parseOrNull(parseDate, field.value);
  return (
    <DatePicker<CalendarDate | CalendarDateTime>
      className="field date-field"
      value={value}
      granularity={withTime ? 'minute' : 'day'}
      hourCycle={24}
      isDisabled={isDisabled}
      isInvalid={fieldState.invalid}
      validationBehavior="aria"
      onChange={(date) => field.onChange(date ? (withTime ? japanInstant(date.toString()) : date.toString()) : '')}
      onBlur={field.onBlur}
    >
      <Label>{label}</Label>
      <Group className="date-group" lang={i18n.language}>
        <DateInput className="date-input">{(segment) => <DateSegment segment={segment} className="date-segment" />}</DateInput>
        <Button className="button secondary calendar-button">▼</Button>
      </Group>
      <FieldError className="field-error">{errorText(fieldState.error)}</FieldError>
      <PickerCalendar />
    </DatePicker>
  );
}
