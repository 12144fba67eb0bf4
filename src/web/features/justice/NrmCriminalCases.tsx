import { Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { LinkedCriminalCase } from '../../../shared/schemas/justice-corrections.ts';
import { api } from '../../api/client.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { JUSTICE_KEY } from './api.ts';

/**
 * On an NRM case's page: the criminal cases about it that the user may read, and for those who may
 * open criminal cases, "Open a criminal case" with this NRM case linked (its victims come along).
 * Nothing for users who work on no criminal case.
 */
export function NrmCriminalCases({ nrmCaseId }: { nrmCaseId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const reads = user.permissions.some((p) => p.startsWith('investigation:read:'));
  const opens = user.permissions.some((p) => p.startsWith('investigation:create:'));
  const list = useQuery({
    queryKey: [...JUSTICE_KEY, 'nrm', nrmCaseId],
    queryFn: () => api('GET', `/cases/${nrmCaseId}/criminal-cases`, undefined, z.object({ items: z.array(LinkedCriminalCase) })),
    enabled: reads,
  });
  if (!reads && !opens) return null;
  return (
    <Paper withBorder p="md" data-testid="case-criminal-cases">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">{t('justice.nrm.title')}</Title>
          {opens && <Button component={Link} to={`/justice/new?nrmCase=${nrmCaseId}`} variant="light" data-testid="open-criminal-case">{t('justice.nrm.open')}</Button>}
        </Group>
        <Text size="sm" c="dimmed">{t('justice.nrm.intro')}</Text>
        <ErrorAlert error={list.error} />
        {(list.data?.items ?? []).map((c) => (
          <Group key={c.id} gap="xs">
            <Anchor component={Link} to={`/justice/${c.id}`}>{c.caseNumber}</Anchor>
            <Text size="sm">{c.ownerAgencyName} · {f.day(c.openedOn)}</Text>
            <Badge variant="light">{t(`justice.status.${c.status}`)}</Badge>
          </Group>
        ))}
        {list.data?.items.length === 0 && <Text size="sm">{t('justice.nrm.none')}</Text>}
      </Stack>
    </Paper>
  );
}
