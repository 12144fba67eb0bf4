import { useState } from 'react';
import { Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type AdminUserView, ResetPasswordResponse } from '../../../shared/schemas/admin.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { ShowOnce } from '../../components/ShowOnce.tsx';

export function ResetPasswordModal({ user, onClose }: { user: AdminUserView; onClose: () => void }) {
  const { t } = useTranslation();
  const [resetTotp, setResetTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [password, setPassword] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await api('POST', `/users/${user.id}/reset-password`, { resetTotp }, ResetPasswordResponse);
      setPassword(res.temporaryPassword);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('users.resetPasswordFor', { name: user.name })} size="lg">
      {password ? (
        <Stack>
          <ShowOnce label={t('users.temporaryPassword')} value={password} testId="temporary-password" />
          <Text size="sm">{t('users.temporaryPasswordHelp')}</Text>
          <Group justify="flex-end"><Button onClick={onClose}>{t('common.done')}</Button></Group>
        </Stack>
      ) : (
        <Stack>
          <ErrorAlert error={error} />
          <Text size="sm">{t('users.resetPasswordText')}</Text>
          {user.totpEnabled && <Checkbox label={t('users.resetTotp')} checked={resetTotp} onChange={(e) => setResetTotp(e.currentTarget.checked)} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button color="red" loading={busy} onClick={() => void submit()}>{t('users.resetPassword')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
