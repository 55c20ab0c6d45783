/** Sign-in: login id, password and the authenticator's 6-digit code (or a recovery code). */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SignInRequest } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { useSignedIn } from '../api/session.js';
import { Page } from '../components/Page.js';
import { ErrorMessage } from '../components/messages.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';

type SignInForm = z.input<typeof SignInRequest>;

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as { ended?: boolean; from?: string } | null;
  const signedIn = useSignedIn();
  const [useRecovery, setUseRecovery] = useState(false);
  const form = useForm<SignInForm>({ resolver: zodResolver(SignInRequest), defaultValues: { loginId: '', password: '' } });
  const server = useServerIssues(form.setError);
  const onSubmit = form.handleSubmit(async (values) => {
    server.clear();
    try {
      const me = await callConsole('signIn', { body: values });
      signedIn(me);
      void navigate(state?.from && state.from !== '/sign-in' ? state.from : '/', { replace: true });
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Page name="sign-in" title={t('signIn.title')}>
      {state?.ended ? (
        <p className="notice" role="status">
          {t('signIn.sessionEnded')}
        </p>
      ) : null}
      <Form onSubmit={(e) => void onSubmit(e)} className="form narrow">
        <TextFormField control={form.control} name="loginId" label={t('signIn.loginId')} autoComplete="username" />
        <TextFormField
          control={form.control}
          name="password"
          label={t('signIn.password')}
          type="password"
          autoComplete="current-password"
        />
        {useRecovery ? (
          <TextFormField
            key="recovery"
            control={form.control}
            name="recoveryCode"
            label={t('signIn.recoveryCode')}
            description={t('signIn.recoveryHint')}
            autoComplete="off"
            emptyAsUndefined
          />
        ) : (
          <TextFormField
            key="totp"
            control={form.control}
            name="totpCode"
            label={t('signIn.totpCode')}
            description={t('signIn.totpHint')}
            autoComplete="one-time-code"
            inputMode="numeric"
            emptyAsUndefined
          />
        )}
        <Button
          className="link-button"
          onPress={() => {
            form.setValue(useRecovery ? 'recoveryCode' : 'totpCode', undefined);
            form.clearErrors();
            setUseRecovery(!useRecovery);
          }}
        >
          {useRecovery ? t('signIn.useTotpCode') : t('signIn.useRecoveryCode')}
        </Button>
        {server.error ? <ErrorMessage error={server.error} showIssues={false} /> : null}
        <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
          {t('signIn.submit')}
        </Button>
      </Form>
    </Page>
  );
}
