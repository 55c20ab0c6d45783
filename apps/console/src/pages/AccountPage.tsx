/** The own account: who and what role, changing the password (the other sessions end), signing out (header). */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ChangePasswordRequest } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { useSession } from '../api/session.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, StatusMessage } from '../components/messages.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { formatJapanTime } from '../time/japan-time.js';

/** The request and a second entry of the new password, which must match it. */
const PasswordForm = ChangePasswordRequest.extend({ newPasswordConfirm: ChangePasswordRequest.shape.newPassword }).refine(
  (form) => form.newPassword === form.newPasswordConfirm,
  { path: ['newPasswordConfirm'], message: '確認用のパスワードが一致しません (the passwords do not match)' },
);

function ChangePasswordForm() {
  const { t } = useTranslation();
  const form = useForm<z.input<typeof PasswordForm>>({
    resolver: zodResolver(PasswordForm),
    defaultValues: { currentPassword: '', newPassword: '', newPasswordConfirm: '' },
  });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    server.clear();
    setStatus(null);
    try {
      await callConsole('changePassword', { body: { currentPassword, newPassword } });
      form.reset();
      setStatus(t('account.passwordChanged'));
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form narrow">
      <TextFormField
        control={form.control}
        name="currentPassword"
        label={t('account.currentPassword')}
        type="password"
        autoComplete="current-password"
      />
      <TextFormField
        control={form.control}
        name="newPassword"
        label={t('account.newPassword')}
        type="password"
        autoComplete="new-password"
      />
      <TextFormField
        control={form.control}
        name="newPasswordConfirm"
        label={t('account.newPasswordConfirm')}
        type="password"
        autoComplete="new-password"
      />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
        {t('account.changePassword')}
      </Button>
    </Form>
  );
}

export function AccountPage() {
  const { t } = useTranslation();
  const me = useSession();
  return (
    <Page name="account" title={t('account.title')}>
      <dl className="facts">
        <dt>{t('account.loginId')}</dt>
        <dd>{me.loginId}</dd>
        <dt>{t('account.staffId')}</dt>
        <dd>
          <code>{me.staffId}</code>
        </dd>
        <dt>{t('account.role')}</dt>
        <dd>{t(`roles.${me.role}`)}</dd>
        {me.municipalityCode ? (
          <>
            <dt>{t('account.municipality')}</dt>
            <dd>{me.municipalityCode}</dd>
          </>
        ) : null}
        <dt>{t('account.expiresAt')}</dt>
        <dd>{formatJapanTime(me.expiresAt)}</dd>
      </dl>
      <Section title={t('account.passwordTitle')}>
        <ChangePasswordForm />
      </Section>
    </Page>
  );
}
