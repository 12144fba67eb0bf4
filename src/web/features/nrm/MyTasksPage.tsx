import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { ReminderView, TaskView } from '../../../shared/schemas/tasks.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useFormatDateTime } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { taskTitle } from './task-title.ts';
import { SortHeader } from '../../components/SortHeader.tsx';
import { useState } from 'react';

const Tasks = z.object({ items: z.array(TaskView) });
const Reminders = z.object({ items: z.array(ReminderView) });

/** The signed-in user's open tasks (also those a supervisor gave them) and their reminders. */
export function MyTasksPage() {
  const { t } = useTranslation();
  const fmt = useFormatDateTime();
  const qc = useQueryClient();
  const [sort, setSort] = useState('due');
  const tasks = useQuery({ queryKey: ['nrm', 'my-tasks', sort], queryFn: () => api('GET', `/tasks?sort=${sort}`, undefined, Tasks) });
  const reminders = useQuery({ queryKey: ['nrm', 'reminders'], queryFn: () => api('GET', '/reminders', undefined, Reminders) });
  const read = async (id: string) => {
    await api('POST', `/reminders/${id}/read`);
    await qc.invalidateQueries({ queryKey: ['nrm', 'reminders'] });
  };
  return (
    <Page title={t('nrmOversight.myTasks.title')} description={t('nrmOversight.myTasks.intro')}>
      <ErrorAlert error={tasks.error ?? reminders.error} />
      <Stack gap="xs">
        <Title order={2} size="h4">{t('nrmOversight.myTasks.tasks')}</Title>
        <Table striped bg="white">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('nrmOversight.myTasks.task')}</Table.Th>
              <Table.Th>{t('nrmOversight.myTasks.case')}</Table.Th>
              <SortHeader label={t('nrmOversight.myTasks.due')} sortKey="due" value={sort} onChange={setSort} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(tasks.data?.items ?? []).map((k) => (
              <Table.Tr key={k.id} data-testid="my-task">
                <Table.Td>{taskTitle(t, k)}</Table.Td>
                <Table.Td><Anchor component={Link} to={`/cases/${k.caseId}`}>{k.caseNumber}</Anchor></Table.Td>
                <Table.Td><Group gap="xs">{fmt(k.dueAt)}{k.overdue && <Badge color="red">{t('nrm.overdue')}</Badge>}</Group></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {tasks.data?.items.length === 0 && <Text>{t('nrmOversight.myTasks.none')}</Text>}
      </Stack>
      <Stack gap="xs">
        <Title order={2} size="h4">{t('nrmOversight.myTasks.reminders')}</Title>
        {(reminders.data?.items ?? []).map((m) => (
          <Group key={m.id} data-testid="my-reminder" gap="sm">
            <Badge variant="light" color={m.readAt ? 'gray' : 'blue'}>{t(`nrmOversight.reminderKind.${m.kind}`)}</Badge>
            <Anchor component={Link} to={m.criminalCaseId ? `/justice/${m.criminalCaseId}` : `/cases/${m.caseId}`}>{m.caseNumber}</Anchor>
            <Text size="sm" c="dimmed">{fmt(m.dueAt)}</Text>
            {!m.readAt && <Button size="xs" variant="subtle" onClick={() => void read(m.id)}>{t('nrmOversight.myTasks.markRead')}</Button>}
          </Group>
        ))}
        {reminders.data?.items.length === 0 && <Text>{t('nrmOversight.myTasks.noReminders')}</Text>}
      </Stack>
    </Page>
  );
}
