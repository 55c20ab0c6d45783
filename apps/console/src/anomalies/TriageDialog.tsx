/**
 * Acknowledge or resolve an incident, with a note (required to resolve). The center's
 * compare-and-set answers CONFLICT when another operator got there first: the dialog shows the
 * catalog's message and the list is read again.
 */
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Form,
  Heading,
  Label,
  Modal,
  ModalOverlay,
  TextArea,
  TextField,
} from 'react-aria-components';
import { useController } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { AcknowledgeIncidentRequest, ResolveIncidentRequest, type IncidentView } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { ErrorMessage } from '../components/messages.js';
import { useFieldErrorText } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';

type NoteForm = { note?: string };

function NoteField({ form, label }: { form: ReturnType<typeof useForm<NoteForm>>; label: string }) {
  const { field, fieldState } = useController({ control: form.control, name: 'note' });
  const errorText = useFieldErrorText();
  return (
    <TextField
      className="field"
      value={field.value ?? ''}
      onChange={(value) => field.onChange(value === '' ? undefined : value)}
      onBlur={field.onBlur}
      isInvalid={fieldState.invalid}
      validationBehavior="aria"
    >
      <Label>{label}</Label>
      <TextArea ref={field.ref} rows={4} />
      <FieldError className="field-error">{errorText(fieldState.error)}</FieldError>
    </TextField>
  );
}

export function TriageDialog({
  incident,
  action,
  onDone,
}: {
  incident: IncidentView;
  action: 'acknowledge' | 'resolve';
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const schema = action === 'resolve' ? ResolveIncidentRequest : AcknowledgeIncidentRequest;
  const form = useForm<NoteForm>({ resolver: zodResolver(schema as z.ZodType<NoteForm, NoteForm>), defaultValues: {} });
  const server = useServerIssues(form.setError);
  return (
    <DialogTrigger
      onOpenChange={() => {
        server.clear();
        form.reset({});
      }}
    >
      <Button className={action === 'resolve' ? 'button' : 'button secondary'}>{t(`anomalies.${action}`)}</Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <Form
                className="form"
                onSubmit={(e) =>
                  void form.handleSubmit(async (values) => {
                    const params = { incidentId: incident.incidentId };
                    try {
                      if (action === 'resolve') await callConsole('resolveIncident', { params, body: { note: values.note ?? '' } });
                      else await callConsole('acknowledgeIncident', { params, body: values.note ? { note: values.note } : {} });
                      close();
                      onDone();
                    } catch (error) {
                      server.report(error);
                      onDone();
                    }
                  })(e)
                }
              >
                <Heading slot="title">{t(`anomalies.${action}Title`)}</Heading>
                <p>
                  {t(`anomalies.kinds.${incident.kind}`)} — <code>{incident.issuanceId ?? incident.terminalId ?? incident.incidentId}</code>
                </p>
                <NoteField form={form} label={action === 'resolve' ? t('anomalies.noteRequired') : t('anomalies.note')} />
                {server.error ? <ErrorMessage error={server.error} /> : null}
                <div className="actions">
                  <Button className="button secondary" onPress={close}>
                    {t('common.cancel')}
                  </Button>
                  <Button type="submit" className="button">
                    {t(`anomalies.${action}`)}
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
