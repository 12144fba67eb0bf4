import { useState, type FormEvent } from 'react';
import { Button, PasswordInput, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ChangePasswordBody } from '../../../shared/schemas/auth.ts';
import { api } from '../../api/client.ts';
import { checkForm, ErrorAlert, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';

const ChangePasswordForm_ = ChangePasswordBody.extend({ confirm: z.string() }).refine((v) => v.newPassword === v.confirm, { path: ['confirm'], message: 'mismatch' });

/** Current password, new one twice. Other sessions end on the server; this one stays. */
export function ChangePasswordForm({ onDone, submitLabel }: { onDone: () => void | Promise<void>; submitLabel?: string }) {
  const { t } = useTranslation();
  const [values, setValues] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof values) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [k]: value }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const checked = checkForm(t, ChangePasswordForm_, values);
    if (checked.errors) return setErrors(checked.errors);
    setErrors({});
    setBusy(true);
    try {
      const { confirm: _c, ...body } = checked.data;
      await api('POST', '/auth/password', body);
      setValues({ currentPassword: '', newPassword: '', confirm: '' });
      await onDone();
    } catch (err) {
      setError(err);
      setErrors(serverFieldErrors(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <ErrorAlert error={error} />
        <PasswordInput label={t('field.currentPassword')} autoComplete="current-password" value={values.currentPassword} onChange={set('currentPassword')} error={errors.currentPassword} required />
        <PasswordInput label={t('field.newPassword')} description={t('validation.minLength', { count: 12 })} autoComplete="new-password" value={values.newPassword} onChange={set('newPassword')} error={errors.newPassword} required />
        <PasswordInput label={t('field.confirmPassword')} autoComplete="new-password" value={values.confirm} onChange={set('confirm')} error={errors.confirm} required />
        <Button type="submit" loading={busy}>
          {submitLabel ?? t('account.changePassword')}
        </Button>
      </Stack>
    </form>
  );
}
