/**
 * "Show personal data" on an issuance's page: a dialog asks for the reason (the shared schema's
 * bounds), the center writes the reason and the staff id to the hash-chained history and answers
 * the name and address, which are kept in this component's state only — shown until the page is
 * left, never cached by the query client, never in the URL.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Dialog, DialogTrigger, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { RevealPersonalDataRequest, type RevealedPersonalData } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { useMay } from '../api/session.js';
import { Section } from '../components/Page.js';
import { ErrorMessage } from '../components/messages.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';

function RevealDialog({ issuanceId, onRevealed }: { issuanceId: string; onRevealed: (data: RevealedPersonalData) => void }) {
  const { t } = useTranslation();
  const form = useForm<z.input<typeof RevealPersonalDataRequest>>({
    resolver: zodResolver(RevealPersonalDataRequest),
    defaultValues: { reason: '' },
  });
  const server = useServerIssues(form.setError);
  return (
    <DialogTrigger onOpenChange={() => server.clear()}>
      <Button className="button">{t('issuanceLog.reveal')}</Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <Form
                className="form"
                onSubmit={(e) =>
                  void form.handleSubmit(async (body) => {
                    try {
                      onRevealed(await callConsole('revealPersonalData', { params: { issuanceId }, body }));
                      close();
                    } catch (error) {
                      server.report(error);
                    }
                  })(e)
                }
              >
                <Heading slot="title">{t('issuanceLog.revealTitle')}</Heading>
                <p>{t('issuanceLog.revealBody')}</p>
                <TextFormField control={form.control} name="reason" label={t('issuanceLog.revealReason')} />
                {server.error ? <ErrorMessage error={server.error} /> : null}
                <div className="actions">
                  <Button className="button secondary" onPress={close}>
                    {t('common.cancel')}
                  </Button>
                  <Button type="submit" className="button">
                    {t('issuanceLog.revealConfirm')}
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

export function PersonalDataSection({ issuanceId }: { issuanceId: string }) {
  const { t } = useTranslation();
  const may = useMay();
  const [revealed, setRevealed] = useState<RevealedPersonalData | null>(null);
  return (
    <Section title={t('issuanceLog.personalData')} id="personal-data">
      {revealed ? (
        <div data-testid="personal-data">
          <p role="status" className="notice">
            {t('issuanceLog.revealed', { at: formatJapanTime(revealed.revealedAt) })}
          </p>
          <dl className="facts">
            <dt>{t('issuanceLog.name')}</dt>
            <dd>{`${revealed.name.family} ${revealed.name.given}`}</dd>
            {revealed.name.familyKana || revealed.name.givenKana ? (
              <>
                <dt>{t('issuanceLog.kana')}</dt>
                <dd>{`${revealed.name.familyKana ?? ''} ${revealed.name.givenKana ?? ''}`}</dd>
              </>
            ) : null}
            {revealed.formerSurname ? (
              <>
                <dt>{t('issuanceLog.formerSurname')}</dt>
                <dd>{revealed.formerSurname}</dd>
              </>
            ) : null}
            <dt>{t('issuanceLog.address')}</dt>
            <dd>{revealed.address ?? ''}</dd>
            <dt>{t('issuanceLog.residentId')}</dt>
            <dd>
              <code>{revealed.residentId}</code>
            </dd>
          </dl>
        </div>
      ) : (
        <>
          <p>{t('issuanceLog.personalDataHidden')}</p>
          {may('reveal', null) ? <RevealDialog issuanceId={issuanceId} onRevealed={setRevealed} /> : null}
        </>
      )}
    </Section>
  );
}
