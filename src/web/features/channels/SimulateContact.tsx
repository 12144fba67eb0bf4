import { useState } from 'react';
import { Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { SimulateContactAnswer } from '../../../shared/schemas/channels.ts';
import { api } from '../../api/client.ts';
import { useMe } from '../../api/session.ts';
import { errorText } from '../../components/errors.tsx';

/**
 * Demo mode only: "simulate an incoming call / SMS" makes a made-up contact arrive through the
 * intake path, so the live queue can be seen moving. Hidden outside demo mode (the server answers 404 there).
 */
export function SimulateContact() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [busy, setBusy] = useState<'call' | 'sms' | null>(null);
  if (!me?.demo) return null;
  const simulate = async (kind: 'call' | 'sms') => {
    setBusy(kind);
    try {
      await api('POST', '/demo/simulate-contact', { kind }, SimulateContactAnswer);
      notifications.show({ color: 'orange', message: t(kind === 'call' ? 'channels.simulate.callSent' : 'channels.simulate.smsSent') });
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <Group gap="xs" data-testid="simulate-contact">
      <Button size="xs" color="orange" variant="light" loading={busy === 'call'} onClick={() => void simulate('call')}>{t('channels.simulate.call')}</Button>
      <Button size="xs" color="orange" variant="light" loading={busy === 'sms'} onClick={() => void simulate('sms')}>{t('channels.simulate.sms')}</Button>
    </Group>
  );
}
