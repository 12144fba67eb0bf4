import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../../components/documentTitle.ts';
import type { EscalationAlert } from '../../../../shared/schemas/operators.ts';
import { api } from '../../../api/client.ts';
import { ConsoleErrorAlert, consoleErrorText } from './errors.tsx';
import { useFormatDateTime } from '../../../components/format.ts';
import { ESCALATIONS_KEY, OVERVIEW_KEY, useEscalations, useLiveStream } from './api.ts';
import { clock, hl } from './labels.ts';
import { useNow } from './useNow.ts';

/** Immediate-danger alerts to the user's agency, live, each with its acknowledge button and time to acknowledgement. */
export function EscalationAlerts({ items: given, hideWhenEmpty = false }: { items?: EscalationAlert[]; hideWhenEmpty?: boolean }) {
  const { t } = useTranslation();
  const own = useEscalations();
  const items = given ?? own.data?.items ?? [];
  const open = items.filter((e) => !e.acknowledgedAt);
  if (hideWhenEmpty && items.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="escalation-alerts">
      <Group gap="xs">
        <Title order={2} size="h4">{t('hotlineConsole.alerts.title')}</Title>
        {open.length > 0 && <Badge color="red" variant="filled">{t('hotlineConsole.alerts.open', { count: open.length })}</Badge>}
      </Group>
      {!given && <ConsoleErrorAlert error={own.error} />}
      {items.length === 0 && <Text size="sm" c="dimmed">{t('hotlineConsole.alerts.none')}</Text>}
      {items.map((e) => <AlertCard key={e.id} e={e} />)}
    </Stack>
  );
}

function AlertCard({ e }: { e: EscalationAlert }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fmt = useFormatDateTime();
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const acknowledge = async () => {
    setBusy(true);
    try {
      await api('POST', `/contacts/${e.contactId}/escalations/${e.id}/acknowledge`);
      await Promise.all([qc.invalidateQueries({ queryKey: ESCALATIONS_KEY }), qc.invalidateQueries({ queryKey: OVERVIEW_KEY })]);
    } catch (err) {
      notifications.show({ color: 'red', message: consoleErrorText(t, err) });
    } finally {
      setBusy(false);
    }
  };
  const since = e.alertedAt ?? e.createdAt;
  return (
    <Card withBorder padding="sm" bg={e.acknowledgedAt ? 'white' : 'red.0'} data-testid="escalation-alert" data-acknowledged={e.acknowledgedAt ? 'true' : 'false'}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Badge color="red" variant={e.acknowledgedAt ? 'light' : 'filled'}>{hl(t, 'urgency', 'immediate_danger')}</Badge>
            <Text size="sm" fw={600}>{e.region ?? t('hotlineConsole.alerts.noRegion')}</Text>
            <Text size="xs" c="dimmed">{hl(t, 'channel', e.channel)} · {fmt(e.createdAt)} · {e.createdByName}</Text>
          </Group>
          <Text size="sm" data-testid="escalation-reason">{e.reason}</Text>
          {e.acknowledgedAt ? (
            <Text size="xs" c="teal.8" data-testid="escalation-acknowledged">
              {t('hotlineConsole.alerts.acknowledged', { name: e.acknowledgedByName ?? '—', time: clock(e.secondsToAcknowledge ?? 0) })}
            </Text>
          ) : (
            <Text size="xs" c="red.8" fw={600}>{t('hotlineConsole.alerts.waiting', { time: clock((now - new Date(since).getTime()) / 1000) })}</Text>
          )}
        </Stack>
        {!e.acknowledgedAt && (
          <Button color="red" size="xs" loading={busy} onClick={() => void acknowledge()}>{t('hotlineConsole.alerts.acknowledge')}</Button>
        )}
      </Group>
    </Card>
  );
}

/** A page of its own for those who are alerted but do not work contacts (the region's police). */
export function AlertsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('hotlineConsole.alerts.pageTitle'));
  return (
    <Stack maw={900} mx="auto" gap="md">
      <Title order={1} size="h2">{t('hotlineConsole.alerts.pageTitle')}</Title>
      <Alert variant="light">{t('hotlineConsole.alerts.pageIntro')}</Alert>
      <LiveAlerts />
    </Stack>
  );
}

function LiveAlerts() {
  const { t } = useTranslation();
  useLiveStream((name, data) => {
    if (name === 'escalation' && !data.acknowledgedAt) notifications.show({ color: 'red', title: t('hotlineConsole.alerts.title'), message: t('hotlineConsole.alerts.toast') });
  });
  return <EscalationAlerts />;
}
