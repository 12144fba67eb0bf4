import { useState } from 'react';
import { Badge, Button, Card, Group, NativeSelect, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../../components/documentTitle.ts';
import type { QueueItem, SupervisorOverview } from '../../../../shared/schemas/operators.ts';
import { api } from '../../../api/client.ts';
import { ConsoleErrorAlert, consoleErrorText } from '../console/errors.tsx';
import { useFormatDateTime } from '../../../components/format.ts';
import { OVERVIEW_KEY, useLiveStream, useOverview } from '../console/api.ts';
import { EscalationAlerts } from '../console/EscalationAlerts.tsx';
import { clock, hl, STATE_COLORS, URGENCY_COLORS } from '../console/labels.ts';
import { useNow } from '../console/useNow.ts';
import { SimulateContact } from '../../channels/SimulateContact.tsx';

/** The shift supervisor's view: today's numbers, operators' states, the queue, abandoned contacts, escalations; live. */
export function SupervisorPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('hotlineConsole.supervisor.title'));
  useLiveStream((name, data) => {
    if (name === 'escalation' && !data.acknowledgedAt) notifications.show({ color: 'red', title: t('hotlineConsole.alerts.title'), message: t('hotlineConsole.alerts.toast') });
  });
  const o = useOverview();
  const now = useNow();
  const data = o.data;
  return (
    <Stack gap="md" maw={1400} mx="auto">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">{t('hotlineConsole.supervisor.title')}</Title>
          <Text c="dimmed" size="sm">{t('hotlineConsole.supervisor.intro')}</Text>
        </div>
        <SimulateContact />
      </Group>
      <ConsoleErrorAlert error={o.error} />
      {data && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm" data-testid="today-numbers">
            {(['received', 'answered', 'abandoned', 'waitingNow', 'escalationsOpen'] as const).map((k) => (
              <Card key={k} withBorder padding="sm" data-testid={`today-${k}`}>
                <Text size="xs" c="dimmed">{t(`hotlineConsole.supervisor.today.${k}`)}</Text>
                <Text size="xl" fw={700} c={k === 'escalationsOpen' && data.today[k] > 0 ? 'red' : undefined}>{data.today[k]}</Text>
              </Card>
            ))}
          </SimpleGrid>
          <EscalationAlerts items={data.escalations} />
          <Operators data={data} now={now} />
          <QueueTable title={t('hotlineConsole.supervisor.waiting')} items={data.waiting} data={data} now={now} testId="sup-waiting" />
          <QueueTable title={t('hotlineConsole.supervisor.active')} items={data.active} data={data} now={now} reassign testId="sup-active" />
          <QueueTable title={t('hotlineConsole.supervisor.abandoned')} items={data.abandoned} data={data} now={now} testId="sup-abandoned" />
        </>
      )}
    </Stack>
  );
}

function Operators({ data, now }: { data: SupervisorOverview; now: number }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm">
      <Title order={2} size="h4" mb="xs">{t('hotlineConsole.supervisor.operators')}</Title>
      <Table fz="sm" data-testid="sup-operators">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('hotlineConsole.supervisor.name')}</Table.Th>
            <Table.Th>{t('hotlineConsole.supervisor.state')}</Table.Th>
            <Table.Th>{t('hotlineConsole.supervisor.since')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.operators.map((op) => (
            <Table.Tr key={op.userId} data-testid="sup-operator" data-user-id={op.userId} data-state={op.state ?? 'none'}>
              <Table.Td>{op.name}</Table.Td>
              <Table.Td><Badge color={op.state ? STATE_COLORS[op.state] : 'gray'} variant={op.state ? 'filled' : 'outline'}>{op.state ? hl(t, 'state', op.state) : t('hotlineConsole.state.none')}</Badge></Table.Td>
              <Table.Td>{op.since ? clock((now - new Date(op.since).getTime()) / 1000) : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function QueueTable({ title, items, data, now, reassign = false, testId }: { title: string; items: QueueItem[]; data: SupervisorOverview; now: number; reassign?: boolean; testId: string }) {
  const { t } = useTranslation();
  const fmt = useFormatDateTime();
  const name = (id: string | null) => (id ? (data.operators.find((o) => o.userId === id)?.name ?? '—') : '—');
  return (
    <Card withBorder padding="sm">
      <Title order={2} size="h4" mb="xs">{title} <Badge variant="light">{items.length}</Badge></Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">{t('hotlineConsole.supervisor.none')}</Text>
      ) : (
        <Table fz="sm" data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('hotlineConsole.field.channel')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th>{t('hotlineConsole.supervisor.received')}</Table.Th>
              <Table.Th>{t('hotlineConsole.supervisor.wait')}</Table.Th>
              <Table.Th>{t('hotlineConsole.field.region')}</Table.Th>
              <Table.Th>{t('hotlineConsole.supervisor.operator')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => {
              const live = c.status === 'new' || c.status === 'ringing';
              const wait = live ? (now - new Date(c.receivedAt).getTime()) / 1000 : c.waitSeconds;
              return (
                <Table.Tr key={c.id} data-contact-id={c.id}>
                  <Table.Td>
                    {hl(t, 'channel', c.channel)}
                    {c.urgency !== 'normal' && <Badge ml={4} size="xs" color={URGENCY_COLORS[c.urgency]}>{hl(t, 'urgency', c.urgency)}</Badge>}
                  </Table.Td>
                  <Table.Td>{hl(t, 'status', c.status)}</Table.Td>
                  <Table.Td>{fmt(c.receivedAt)}</Table.Td>
                  <Table.Td>{clock(wait)}</Table.Td>
                  <Table.Td>{c.region ?? '—'}</Table.Td>
                  <Table.Td>{reassign ? <Reassign c={c} data={data} /> : name(c.assignedUserId)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function Reassign({ c, data }: { c: QueueItem; data: SupervisorOverview }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [to, setTo] = useState(c.assignedUserId ?? '');
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    try {
      await api('POST', `/contacts/${c.id}/reassign`, { userId: to });
      await qc.invalidateQueries({ queryKey: OVERVIEW_KEY });
      notifications.show({ color: 'teal', message: t('hotlineConsole.supervisor.reassigned') });
    } catch (e) {
      notifications.show({ color: 'red', message: consoleErrorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Group gap={4} wrap="nowrap">
      <NativeSelect size="xs" aria-label={t('hotlineConsole.supervisor.reassignTo')} value={to} onChange={(e) => setTo(e.currentTarget.value)} data={data.operators.map((o) => ({ value: o.userId, label: `${o.name}${o.state ? ` (${hl(t, 'state', o.state)})` : ''}` }))} />
      <Button size="xs" variant="light" disabled={!to || to === c.assignedUserId} loading={busy} onClick={() => void send()}>{t('hotlineConsole.supervisor.reassign')}</Button>
    </Group>
  );
}
