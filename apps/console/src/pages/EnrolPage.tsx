/**
 * A one-time enrolment link: the account, the TOTP secret as a QR code and as text, a password and
 * the first code; then the ten recovery codes, shown once, until the person says they saved them.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Checkbox, Form } from 'react-aria-components';
import { useNavigate, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CompleteEnrolmentRequest } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, QueryState } from '../components/messages.js';
import { QrCanvas } from '../components/canvases.js';
import { CheckMark, TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';

/** The enrolment request and a second entry of the password, which must match it. */
const EnrolForm = CompleteEnrolmentRequest.extend({ passwordConfirm: CompleteEnrolmentRequest.shape.password }).refine(
  (form) => form.password === form.passwordConfirm,
  { path: ['passwordConfirm'], message: '確認用のパスワードが一致しません (the passwords do not match)' },
);
type EnrolFormValues = z.input<typeof EnrolForm>;

function RecoveryCodesShown({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  return (
    <Section title={t('enrol.codesTitle')}>
      <p>{t('enrol.codesIntro')}</p>
      <ol aria-label={t('enrol.codesListLabel')} className="recovery-codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <Checkbox className="checkbox" isSelected={saved} onChange={setSaved}>
        <CheckMark />
        {t('enrol.saved')}
      </Checkbox>
      <Button className="button" isDisabled={!saved} onPress={() => void navigate('/sign-in', { replace: true })}>
        {t('enrol.toSignIn')}
      </Button>
    </Section>
  );
}

function EnrolmentForm({ token, onDone }: { token: string; onDone: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const form = useForm<EnrolFormValues>({
    resolver: zodResolver(EnrolForm),
    defaultValues: { password: '', passwordConfirm: '', totpCode: '' },
  });
  const server = useServerIssues(form.setError);
  const onSubmit = form.handleSubmit(async ({ password, totpCode }) => {
    server.clear();
    try {
      const answer = await callConsole('completeEnrolment', { params: { token }, body: { password, totpCode } });
      onDone(answer.recoveryCodes);
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form narrow">
      <TextFormField control={form.control} name="password" label={t('enrol.password')} type="password" autoComplete="new-password" />
      <TextFormField
        control={form.control}
        name="passwordConfirm"
        label={t('enrol.passwordConfirm')}
        type="password"
        autoComplete="new-password"
      />
      <TextFormField control={form.control} name="totpCode" label={t('enrol.totpCode')} inputMode="numeric" autoComplete="one-time-code" />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('enrol.submit')}
      </Button>
    </Form>
  );
}

export function EnrolPage() {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const [codes, setCodes] = useState<string[] | null>(null);
  const enrolment = useQuery({
    queryKey: ['enrolment', token],
    queryFn: () => callConsole('enrolment', { params: { token } }),
    retry: false,
    enabled: codes === null,
  });
  return (
    <Page name="enrol" title={t('enrol.title')}>
      {codes ? (
        <RecoveryCodesShown codes={codes} />
      ) : (
        <QueryState query={enrolment}>
          {(info) => (
            <>
              <Section title={t('enrol.account')}>
                <dl className="facts">
                  <dt>{t('enrol.loginId')}</dt>
                  <dd>{info.loginId}</dd>
                  <dt>{t('enrol.role')}</dt>
                  <dd>{t(`roles.${info.role}`)}</dd>
                  {info.municipalityCode ? (
                    <>
                      <dt>{t('enrol.municipality')}</dt>
                      <dd>{info.municipalityCode}</dd>
                    </>
                  ) : null}
                  <dt>{t('enrol.expiresAt')}</dt>
                  <dd>{formatJapanTime(info.expiresAt)}</dd>
                </dl>
              </Section>
              <Section title={t('enrol.step1')}>
                <QrCanvas text={info.otpauthUri} label={t('enrol.qrLabel')} />
                <p>{t('enrol.secret')}</p>
                <code className="secret" data-testid="totp-secret">
                  {info.totpSecret}
                </code>
              </Section>
              <Section title={t('enrol.step2')}>
                <EnrolmentForm token={token} onDone={setCodes} />
              </Section>
            </>
          )}
        </QueryState>
      )}
    </Page>
  );
}
