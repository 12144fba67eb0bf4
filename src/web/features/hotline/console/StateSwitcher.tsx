import { useState } from 'react';
import { Badge, Group, SegmentedControl, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { OperatorStateView } from '../../../../shared/schemas/operators.ts';
import { api } from '../../../api/client.ts';
import { consoleErrorText } from './errors.tsx';
import { STATE_KEY, useMyState } from './api.ts';
import { clock, hl, STATE_COLORS } from './labels.ts';
import { useNow } from './useNow.ts';

/** The operator's own state: available or break by choice; on contact and wrap-up follow from the contact. */
export function StateSwitcher() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const state = useMyState(true);
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const current = state.data?.state ?? null;
  const choose = async (value: string) => {
    if (value !== 'available' && value !== 'break') return;
    setBusy(true);
    try {
      const saved = await api('PUT', '/operator/state', { state: value }, OperatorStateView);
      qc.setQueryData(STATE_KEY, saved);
    } catch (e) {
      notifications.show({ color: 'red', message: consoleErrorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  const since = state.data?.since ? (now - new Date(state.data.since).getTime()) / 1000 : null;
  return (
    <Group gap="sm" wrap="wrap" data-testid="operator-state">
      <Text size="sm" fw={600}>{t('hotlineConsole.state.label')}</Text>
      <Badge color={current ? STATE_COLORS[current] : 'gray'} variant="filled" data-testid="operator-state-badge" data-state={current ?? 'none'}>
        {current ? hl(t, 'state', current) : t('hotlineConsole.state.none')}
      </Badge>
      {since !== null && <Text size="xs" c="dimmed">{t('hotlineConsole.state.for', { time: clock(since) })}</Text>}
      <SegmentedControl
        size="xs"
        disabled={busy || current === 'on_contact'}
        value={current === 'break' ? 'break' : current === 'available' ? 'available' : ''}
        onChange={(v) => void choose(v)}
        data={[
          { value: 'available', label: hl(t, 'state', 'available') },
          { value: 'break', label: hl(t, 'state', 'break') },
        ]}
        aria-label={t('hotlineConsole.state.choose')}
      />
    </Group>
  );
}
