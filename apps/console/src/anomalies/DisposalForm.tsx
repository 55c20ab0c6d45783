/**
 * Record a disposal (処分) of a wrongly printed document by its issue number. Municipal staff record
 * only their own municipality's documents (the route is under its path); an operator names the
 * municipality. An issue number of another municipality is "not found", as the center answers.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { DisposalRequest, MunicipalityCode } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useSession } from '../api/session.js';
import { Section } from '../components/Page.js';
import { ErrorMessage, StatusMessage } from '../components/messages.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';

const DisposalForm = DisposalRequest.extend({ municipalityCode: MunicipalityCode });
type DisposalValues = z.input<typeof DisposalForm>;

export function DisposalSection({ issueNumber }: { issueNumber?: string }) {
  const { t } = useTranslation();
  const me = useSession();
  const ownCode = me.municipalityCode;
  const form = useForm<DisposalValues>({
    resolver: zodResolver(DisposalForm),
    defaultValues: { municipalityCode: ownCode ?? '', issueNumber: issueNumber ?? '', reason: '' },
  });
  const server = useServerIssues(form.setError);
  const [done, setDone] = useState<string | null>(null);
  return (
    <Section title={t('anomalies.disposal')} id="disposal">
      <p>{t('anomalies.disposalIntro')}</p>
      <Form
        className="form"
        data-testid="disposal-form"
        onSubmit={(e) =>
          void form.handleSubmit(async ({ municipalityCode, ...body }) => {
            server.clear();
            setDone(null);
            try {
              const recorded = await callConsole('recordDisposal', { params: { municipalityCode }, body });
              setDone(t('anomalies.disposalRecorded', { sequence: recorded.sequence }));
              form.reset({ municipalityCode, issueNumber: '', reason: '' });
            } catch (error) {
              server.report(error);
            }
          })(e)
        }
      >
        {ownCode ? null : <TextFormField control={form.control} name="municipalityCode" label={t('anomalies.disposalMunicipality')} />}
        <TextFormField control={form.control} name="issueNumber" label={t('anomalies.issueNumber')} />
        <TextFormField control={form.control} name="reason" label={t('anomalies.reason')} />
        {server.error ? <ErrorMessage error={server.error} /> : null}
        <StatusMessage text={done} />
        <div className="actions">
          <Button type="submit" className="button danger">
            {t('anomalies.recordDisposal')}
          </Button>
        </div>
      </Form>
    </Section>
  );
}
