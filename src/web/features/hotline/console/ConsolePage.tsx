import { useState } from 'react';
import { Badge, Button, Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../../components/documentTitle.ts';
import { Link, useNavigate, useParams } from 'react-router';
import { ContactView } from '../../../../shared/schemas/contacts.ts';
import { api } from '../../../api/client.ts';
import { useUser } from '../../../api/session.ts';
import { ConsoleErrorAlert, consoleErrorText } from './errors.tsx';
import { QUEUE_KEY, useLiveStream, useQueue } from './api.ts';
import { ContactWorkspace } from './ContactWorkspace.tsx';
import { EscalationAlerts } from './EscalationAlerts.tsx';
import { clock, hl, URGENCY_COLORS } from './labels.ts';
import { NewContactModal } from './NewContactModal.tsx';
import { StateSwitcher } from './StateSwitcher.tsx';
import { useNow } from './useNow.ts';
import { SimulateContact } from '../../channels/SimulateContact.tsx';

/** The operator console: the live queue on the left, the contact being worked on the right. */
export function ConsolePage() {
  const { t } = useTranslation();
  const user = useUser();
  const { id } = useParams();
  const navigate = useNavigate();
  const supervises = user.permissions.includes('contacts:supervise');
  useLiveStream((name, data) => {
    if (name === 'escalation' && !data.acknowledgedAt && supervises) notifications.show({ color: 'red', title: t('hotlineConsole.alerts.title'), message: t('hotlineConsole.alerts.toast') });
  });
  const [entering, setEntering] = useState(false);
  useDocumentTitle(t('hotlineConsole.title'));
  return (
    <Stack gap="md" maw={1400} mx="auto">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">{t('hotlineConsole.title')}</Title>
          <Text c="dimmed" size="sm">{t('hotlineConsole.intro')}</Text>
        </div>
        <Group gap="md">
          <SimulateContact />
          <StateSwitcher />
          <Button variant="default" onClick={() => setEntering(true)}>{t('hotlineConsole.enter.open')}</Button>
        </Group>
      </Group>
      {supervises && <EscalationAlerts hideWhenEmpty />}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Queue selected={id} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {id ? (
            <ContactWorkspace key={id} id={id} onClosed={() => void navigate('/hotline/console')} />
          ) : (
            <Card withBorder padding="xl"><Text c="dimmed">{t('hotlineConsole.pickOne')}</Text></Card>
          )}
        </Grid.Col>
      </Grid>
      {entering && <NewContactModal onClose={() => setEntering(false)} onCreated={(c) => void navigate(`/hotline/console/${c}`)} />}
    </Stack>
  );
}

function Queue({ selected }: { selected: string | undefined }) {
  const { t } = useTranslation();
  const user = useUser();
  const queue = useQueue();
  const now = useNow();
  const items = queue.data?.items ?? [];
  const waiting = items.filter((c) => c.status === 'new' || c.status === 'ringing').sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const mine = items.filter((c) => (c.status === 'in_progress' || c.status === 'wrap_up') && c.assignedUserId === user.id);
  const others = items.filter((c) => (c.status === 'in_progress' || c.status === 'wrap_up') && c.assignedUserId !== user.id);
  return (
    <Stack gap="sm">
      <ConsoleErrorAlert error={queue.error} />
      <Group gap="xs">
        <Title order={2} size="h4">{t('hotlineConsole.queue.waiting')}</Title>
        <Badge variant="light" data-testid="waiting-count">{waiting.length}</Badge>
      </Group>
      <Stack gap={6} data-testid="queue-waiting" aria-live="polite">
        {waiting.length === 0 && <Text size="sm" c="dimmed">{t('hotlineConsole.queue.empty')}</Text>}
        {waiting.map((c) => <QueueCard key={c.id} c={c} now={now} waiting />)}
      </Stack>
      <Title order={2} size="h4" mt="sm">{t('hotlineConsole.queue.mine')}</Title>
      <Stack gap={6} data-testid="queue-mine">
        {mine.length === 0 && <Text size="sm" c="dimmed">{t('hotlineConsole.queue.noneMine')}</Text>}
        {mine.map((c) => <QueueCard key={c.id} c={c} now={now} selected={c.id === selected} />)}
      </Stack>
      {others.length > 0 && <Text size="xs" c="dimmed">{t('hotlineConsole.queue.others', { count: others.length })}</Text>}
    </Stack>
  );
}

function QueueCard({ c, now, waiting = false, selected = false }: { c: ContactView; now: number; waiting?: boolean; selected?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const accept = async () => {
    setBusy(true);
    try {
      await api('POST', `/contacts/${c.id}/accept`, undefined, ContactView);
      await qc.invalidateQueries({ queryKey: QUEUE_KEY });
      await navigate(`/hotline/console/${c.id}`);
    } catch (e) {
      notifications.show({ color: 'red', message: consoleErrorText(t, e) });
      await qc.invalidateQueries({ queryKey: QUEUE_KEY });
    } finally {
      setBusy(false);
    }
  };
  const waited = (now - new Date(c.receivedAt).getTime()) / 1000;
  return (
    <Card withBorder padding="xs" bg={selected ? 'blue.0' : 'white'} data-testid="queue-item" data-contact-id={c.id}>
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={2}>
          <Group gap={6}>
            <Badge size="sm" variant="light">{hl(t, 'channel', c.channel)}</Badge>
            {c.isTest && <Badge size="sm" color="orange" data-testid="test-badge">{t('channels.testBadge')}</Badge>}
            {c.urgency !== 'normal' && <Badge size="sm" color={URGENCY_COLORS[c.urgency]}>{hl(t, 'urgency', c.urgency)}</Badge>}
            {c.repeatContacts > 0 && <Badge size="sm" color="grape" variant="light">{t('hotlineConsole.queue.repeat', { count: c.repeatContacts })}</Badge>}
          </Group>
          <Text size="xs" c="dimmed">
            {hl(t, 'status', c.status)}
            {c.contactorLast3 ? ` · …${c.contactorLast3}` : ''}
            {c.region ? ` · ${c.region}` : ''}
            {waiting ? ` · ${t('hotlineConsole.queue.waited', { time: clock(waited) })}` : ''}
          </Text>
        </Stack>
        {waiting ? (
          <Button size="xs" loading={busy} onClick={() => void accept()}>{t('hotlineConsole.queue.accept')}</Button>
        ) : (
          <Button size="xs" variant="light" component={Link} to={`/hotline/console/${c.id}`}>{t('hotlineConsole.queue.open')}</Button>
        )}
      </Group>
    </Card>
  );
}
