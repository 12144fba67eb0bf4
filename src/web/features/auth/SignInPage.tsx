import { useState, type FormEvent } from 'react';
import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoginBody, LoginResponse, TotpCodeBody } from '../../../shared/schemas/auth.ts';
import { api, isApiError } from '../../api/client.ts';
import { useSignedIn } from '../../api/session.ts';
import { checkForm, ErrorAlert, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { applyLanguage, chosenLanguage, forgetChosenLanguage } from '../../i18n/index.ts';
import { SsoButtons, SsoOutcomeAlert } from '../sso/SsoSignIn.tsx';

/**
 * E-mail and password; when the account has a second factor, a second step asks for the code. A single
 * sign-on of a user with Pathway TOTP comes back to `/login?sso=totp` and is asked for the code only.
 */
export function SignInPage() {
  const { t } = useTranslation();
  const [ssoTotp, setSsoTotp] = useState(() => new URLSearchParams(window.location.search).get('sso') === 'totp');
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>(ssoTotp ? 'totp' : 'password');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (ssoTotp) return submitSsoTotp();
    const checked = checkForm(t, LoginBody, { email, password, ...(step === 'totp' ? { totp } : {}) });
    if (checked.errors) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    try {
      // A language picked on this page becomes the account's; otherwise the account's applies.
      const language = chosenLanguage();
      const res = await api('POST', '/auth/login', { ...checked.data, ...(language ? { language } : {}) }, LoginResponse);
      forgetChosenLanguage();
      await applyLanguage(res.user.language);
      signedIn(res.user, res.csrfToken);
    } catch (err) {
      if (isApiError(err, 'totp_required')) {
        setStep('totp');
      } else {
        setError(err);
        setErrors(serverFieldErrors(t, err));
        if (isApiError(err, 'invalid_credentials')) setStep('password');
      }
    } finally {
      setBusy(false);
    }
  };

  const submitSsoTotp = async () => {
    const checked = checkForm(t, TotpCodeBody, { code: totp });
    if (checked.errors) return setErrors({ totp: checked.errors.code ?? '' });
    setErrors({});
    setBusy(true);
    try {
      const res = await api('POST', '/auth/sso/totp', checked.data, LoginResponse);
      await applyLanguage(res.user.language);
      signedIn(res.user, res.csrfToken);
    } catch (err) {
      setError(err);
      const fields = serverFieldErrors(t, err);
      setErrors(fields.code ? { totp: fields.code } : fields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicLayout title={step === 'password' ? t('signIn.title') : t('signIn.totpTitle')}>
      <SsoOutcomeAlert />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          {step === 'password' ? (
            <>
              <TextInput label={t('field.email')} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} required autoFocus />
              <PasswordInput label={t('field.password')} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} required />
            </>
          ) : (
            <>
              <Text size="sm">{t('signIn.totpHelp')}</Text>
              <TextInput
                label={t('field.totpCode')}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                value={totp}
                onChange={(e) => setTotp(e.currentTarget.value.replace(/\D/g, ''))}
                error={errors.totp}
                required
                autoFocus
              />
            </>
          )}
          <Button type="submit" loading={busy} fullWidth>
            {t('signIn.submit')}
          </Button>
          {step === 'totp' && (
            <Anchor component="button" type="button" size="sm" onClick={() => { setStep('password'); setSsoTotp(false); setTotp(''); setError(null); }}>
              {t('common.back')}
            </Anchor>
          )}
        </Stack>
      </form>
      {step === 'password' && <SsoButtons />}
    </PublicLayout>
  );
}
