/**
 * Form fields: react-aria-components widgets (labelled, with their error tied to the input by
 * aria-describedby) driven by react-hook-form. A field's error is the shared schema's message in
 * the page's language, or the center's issue for that field after a refused save.
 */
import { useState, type ReactNode } from 'react';
import { useController, type Control, type FieldError as FormError, type FieldPath, type FieldValues } from 'react-hook-form';
import {
  Button,
  Checkbox,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  Text,
  TextField,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { isEmptyTextMessage, messageInLanguage, zodBound } from './field-messages.js';

export function useFieldErrorText(): (error: FormError | undefined) => string | undefined {
  const { t, i18n } = useTranslation();
  return (error) => {
    if (!error) return undefined;
    const message = error.message ?? '';
    const localized = messageInLanguage(message, i18n.language === 'en' ? 'en' : 'ja');
    if (localized) return localized;
    if (isEmptyTextMessage(message)) return t('common.required');
    const bound = zodBound(message);
    if (bound) return t(`validation.${bound.side}.${bound.of}`, { n: bound.n });
    if (error.type === 'server' || error.type === 'page') return message;
    return t(`validation.${error.type}`, { defaultValue: t('validation.other') });
  };
}

interface FieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  description?: string;
  isDisabled?: boolean;
}

export interface TextFormFieldProps<T extends FieldValues> extends FieldProps<T> {
  type?: 'text' | 'password';
  autoComplete?: string;
  inputMode?: 'numeric' | 'text';
  /** The form value is a number: the text as typed is kept, the form gets Number(text) (NaN when empty). */
  numeric?: boolean;
  /** An empty box is `undefined` (an optional field left out), not ''. */
  emptyAsUndefined?: boolean;
}

function toFormValue(text: string, numeric?: boolean, emptyAsUndefined?: boolean): unknown {
  if (numeric) return text.trim() === '' ? Number.NaN : Number(text);
  if (emptyAsUndefined && text === '') return undefined;
  return text;
}

export function TextFormField<T extends FieldValues>(props: TextFormFieldProps<T>) {
  const { control, name, label, description, type = 'text', autoComplete, inputMode, numeric, emptyAsUndefined, isDisabled } = props;
  const { field, fieldState } = useController({ control, name });
  const errorText = useFieldErrorText();
  const initial = field.value === undefined || (typeof field.value === 'number' && Number.isNaN(field.value)) ? '' : String(field.value);
  const [text, setText] = useState(initial);
  const shown = numeric ? text : ((field.value as string | undefined) ?? '');
  return (
    <TextField
      className="field"
      name={field.name}
      type={type}
      value={shown}
      autoComplete={autoComplete}
      inputMode={inputMode ?? (numeric ? 'numeric' : undefined)}
      isDisabled={isDisabled}
      isInvalid={fieldState.invalid}
      validationBehavior="aria"
      onChange={(value) => {
        setText(value);
        field.onChange(toFormValue(value, numeric, emptyAsUndefined));
      }}
      onBlur={field.onBlur}
    >
      <Label>{label}</Label>
      <Input ref={field.ref} />
      {description ? <Text slot="description">{description}</Text> : null}
      <FieldError className="field-error">{errorText(fieldState.error)}</FieldError>
    </TextField>
  );
}

export function CheckboxFormField<T extends FieldValues>({ control, name, label, isDisabled }: FieldProps<T>) {
  const { field } = useController({ control, name });
  return (
    <Checkbox
      className="checkbox"
      name={field.name}
      isSelected={Boolean(field.value)}
      onChange={field.onChange}
      onBlur={field.onBlur}
      isDisabled={isDisabled}
    >
      <CheckMark />
      {label}
    </Checkbox>
  );
}

export function CheckMark() {
  return (
    <span className="checkbox-box" aria-hidden="true">
      <svg viewBox="0 0 18 18">
        <polyline points="2 9 7 14 16 4" />
      </svg>
    </span>
  );
}

export interface SelectOption {
  id: string;
  label: string;
}

export function SelectFormField<T extends FieldValues>({
  control,
  name,
  label,
  options,
  isDisabled,
}: FieldProps<T> & { options: SelectOption[] }) {
  const { field, fieldState } = useController({ control, name });
  const errorText = useFieldErrorText();
  return (
    <PlainSelect
      label={label}
      options={options}
      value={(field.value as string | undefined) ?? null}
      onChange={field.onChange}
      isDisabled={isDisabled}
      error={errorText(fieldState.error)}
    />
  );
}

export function PlainSelect(props: {
  label: string;
  options: SelectOption[];
  value: string | null;
  onChange: (value: string) => void;
  isDisabled?: boolean;
  error?: string;
}): ReactNode {
  return (
    <Select
      className="field select"
      selectedKey={props.value}
      onSelectionChange={(key) => props.onChange(String(key))}
      isDisabled={props.isDisabled}
      isInvalid={Boolean(props.error)}
      validationBehavior="aria"
    >
      <Label>{props.label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <FieldError className="field-error">{props.error}</FieldError>
      <Popover className="popover">
        <ListBox className="listbox" items={props.options}>
          {(option) => (
            <ListBoxItem id={option.id} className="listbox-item">
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
