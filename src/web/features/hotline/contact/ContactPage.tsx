import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ContactDetail } from '../../../../shared/schemas/contacts.ts';
import { api } from '../../../api/client.ts';
import { ErrorAlert } from '../../../components/errors.tsx';
import { useFormatDateTime } from '../../../components/format.ts';
import { Page } from '../../../components/Page.tsx';
import { ConversationPanel } from '../conversation/ConversationPanel.tsx';
import { channelLabel, statusLabel, urgencyLabel } from '../labels.ts';

/** One contact: its basics and its conversation (the console's workspace mounts the same panel). */
export function ContactPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const fmt = useFormatDateTime();
  const q = useQuery({ queryKey: ['hotline', 'contact', id], queryFn: () => api('GET', `/contacts/${id}`, undefined, ContactDetail) });
  const c = q.data;
  if (!c) return <Page title={t('hotlinePublic.contact.title')}><ErrorAlert error={q.error} /></Page>;
  const none = t('hotlinePublic.contact.none');
  const facts: [string, string, string][] = [
    ['channel', t('hotlinePublic.contact.channel'), channelLabel(t, c.channel)],
    ['status', t('hotlinePublic.contact.status'), statusLabel(t, c.status)],
    ['received', t('hotlinePublic.contact.received'), fmt(c.receivedAt)],
    ['language', t('hotlinePublic.contact.language'), c.language ? t(`hotlineConsole.language.${c.language}`, { defaultValue: c.language }) : none],
    ['urgency', t('hotlinePublic.contact.urgency'), urgencyLabel(t, c.urgency)],
    ['number', t('hotlinePublic.contact.number'), c.contactorLast3 ? `…${c.contactorLast3}` : none],
    ['repeat', t('hotlinePublic.contact.repeat'), String(c.repeatContacts)],
  ];
  return (
    <Page title={`${t('hotlinePublic.contact.title')} · ${channelLabel(t, c.channel)}`} description={fmt(c.receivedAt)}>
      <Stack gap="lg">
        <Paper withBorder p="md" radius="md">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="md">
            {facts.map(([k, label, value]) => (
              <div key={k}>
                <Text size="xs" c="dimmed">{label}</Text>
                <Text data-testid={`contact-${k}`}>{value}</Text>
              </div>
            ))}
          </SimpleGrid>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <ConversationPanel contactId={c.id} />
        </Paper>
      </Stack>
    </Page>
  );
}
