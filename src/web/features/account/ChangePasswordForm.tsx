import { useState, type FormEvent } from 'react';
import { Button, PasswordInput, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ChangePasswordBody } from '../../../shared/schemas/auth.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';

const ChangePasswordForm_ = ChangePasswordBody.extend({ confirm: z.string() }).refine((v) => v.newPassword === v.confirm, { path: ['confirm'], message: 'mismatch' });

/** Current password, new one twice. Other sessions end on the server; this one stays. */
export function ChangePasswordForm({ onDone, submitLabel }: { onDone: () => void | Promise<void>; submitLabel?: string }) {
  const { t } = useTranslation();
  const [values, setValues] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const { errors, error, busy, submit: send } = useFormSubmit();
  const set = (k: keyof typeof values) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [k]: value }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(ChangePasswordForm_, values, async ({ confirm: _c, ...body }) => {
      await api('POST', '/auth/password', body);
      setValues({ currentPassword: '', newPassword: '', confirm: '' });
      await onDone();
    });
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
