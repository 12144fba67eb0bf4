import { useState, type FormEvent } from 'react';
import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { z } from 'zod';
import { LoginResponse, SetupBody, SetupStatus } from '../../../shared/schemas/auth.ts';
import { api } from '../../api/client.ts';
import { useSignedIn } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { applyLanguage, forgetChosenLanguage, isLanguage } from '../../i18n/index.ts';

const SetupForm = SetupBody.extend({ confirm: z.string() }).refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'mismatch' });

function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
}

/** First run: the one-time link printed by the server creates the first administrator. */
export function SetupPage() {
  const { t, i18n } = useTranslation();
  const signedIn = useSignedIn();
  const status = useQuery({ queryKey: ['setup'], queryFn: () => api('GET', '/setup', undefined, SetupStatus) });
  const [token] = useState(tokenFromHash);
  const [values, setValues] = useState({ name: '', email: '', agencyName: '', password: '', confirm: '' });
  const { errors, error, busy, submit: send } = useFormSubmit();
  const [done, setDone] = useState(false);
  const set = (k: keyof typeof values) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [k]: value }));
  };

  if (done) return <Navigate to="/" replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The administrator keeps the language they set up in: it is saved with the account.
    const language = isLanguage(i18n.language) ? i18n.language : 'az';
    await send(SetupForm, { ...values, token, language, agencyName: values.agencyName.trim() || undefined }, async ({ confirm: _c, ...body }) => {
      const res = await api('POST', '/setup', body, LoginResponse);
      forgetChosenLanguage();
      await applyLanguage(res.user.language);
      history.replaceState(null, '', '/');
      signedIn(res.user, res.csrfToken);
      setDone(true);
    });
  };

  if (status.data && !status.data.needsSetup) {
    return (
      <PublicLayout title={t('setup.title')}>
        <Stack>
          <Alert color="blue">{t('setup.alreadyDone')}</Alert>
          <Button component="a" href="/">{t('signIn.title')}</Button>
        </Stack>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout title={t('setup.title')}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Text size="sm">{t('setup.intro')}</Text>
          {!token && <Alert color="red" role="alert">{t('setup.noToken')}</Alert>}
          <ErrorAlert error={error} />
          <TextInput label={t('field.name')} autoComplete="name" value={values.name} onChange={set('name')} error={errors.name} required />
          <TextInput label={t('field.email')} type="email" autoComplete="username" value={values.email} onChange={set('email')} error={errors.email} required />
          <TextInput label={t('setup.agencyName')} description={t('setup.agencyNameHelp')} value={values.agencyName} onChange={set('agencyName')} error={errors.agencyName} />
          <PasswordInput label={t('field.newPassword')} description={t('validation.minLength', { count: 12 })} autoComplete="new-password" value={values.password} onChange={set('password')} error={errors.password} required />
          <PasswordInput label={t('field.confirmPassword')} autoComplete="new-password" value={values.confirm} onChange={set('confirm')} error={errors.confirm} required />
          <Button type="submit" loading={busy} disabled={!token} fullWidth>
            {t('setup.submit')}
          </Button>
        </Stack>
      </form>
    </PublicLayout>
  );
}
