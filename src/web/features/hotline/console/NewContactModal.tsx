import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, NativeSelect, Stack, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CONTACT_CHANNELS } from '../../../../shared/hotline.ts';
import { ContactView, CreateContactBody } from '../../../../shared/schemas/contacts.ts';
import { api } from '../../../api/client.ts';
import { useFormSubmit } from '../../../components/errors.tsx';
import { ConsoleErrorAlert } from './errors.tsx';
import { QUEUE_KEY } from './api.ts';
import { hl } from './labels.ts';

const ENTERED_CHANNELS = ['walk_in', 'email', 'call', ...CONTACT_CHANNELS.filter((c) => !['walk_in', 'email', 'call'].includes(c))];

/** A contact the operator enters: a walk-in, an e-mail, a call logged afterwards. It is theirs and in progress. */
export function NewContactModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const f = useFormSubmit();
  const [channel, setChannel] = useState('walk_in');
  const [receivedAt, setReceivedAt] = useState('');
  const [kind, setKind] = useState<'' | 'phone' | 'email' | 'telegram'>('');
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      channel,
      ...(receivedAt ? { receivedAt: new Date(receivedAt).toISOString() } : {}),
      ...(kind && value.trim() ? { contactor: { kind, value: value.trim() } } : {}),
    };
    void f.submit(CreateContactBody, body, async (data) => {
      const c = await api('POST', '/contacts', data, ContactView);
      await qc.invalidateQueries({ queryKey: QUEUE_KEY });
      onClose();
      onCreated(c.id);
    });
  };
  return (
    <Modal opened onClose={onClose} title={t('hotlineConsole.enter.title')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <ConsoleErrorAlert error={f.error} />
          <NativeSelect label={t('hotlineConsole.field.channel')} value={channel} onChange={(e) => setChannel(e.currentTarget.value)} data={ENTERED_CHANNELS.map((c) => ({ value: c, label: hl(t, 'channel', c) }))} error={f.errors.channel} />
          <TextInput type="datetime-local" label={t('hotlineConsole.enter.receivedAt')} description={t('hotlineConsole.enter.receivedAtHint')} value={receivedAt} onChange={(e) => setReceivedAt(e.currentTarget.value)} error={f.errors.receivedAt} />
          <NativeSelect
            label={t('hotlineConsole.enter.contactorKind')}
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as typeof kind)}
            data={[{ value: '', label: t('hotlineConsole.enter.noContactor') }, { value: 'phone', label: t('hotlineConsole.enter.phone') }, { value: 'email', label: t('hotlineConsole.enter.email') }, { value: 'telegram', label: t('hotlineConsole.enter.telegram') }]}
          />
          {kind && <TextInput label={t('hotlineConsole.enter.contactorValue')} description={t('hotlineConsole.enter.hashed')} value={value} onChange={(e) => setValue(e.currentTarget.value)} error={f.errors['contactor.value']} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={f.busy}>{t('hotlineConsole.enter.submit')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
