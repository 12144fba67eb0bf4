import { useState } from 'react';
import { Anchor, Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { REPORT_PROGRESS, SubmitReportBody, type ActionItemView } from '../../../shared/schemas/action-plan.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { deadlineText, PLAN_KEY, REVIEW_COLOR, STATUS_COLOR, useMine, useReminders } from './api.ts';

/** A ministry's view of the action plan: what we owe (overdue first), what is late, our action items, our reports and reminders. */
export function MyActionPlanPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const q = useMine();
  const reminders = useReminders(true);
  const d = q.data;
  return (
    <Page title={t('actionPlan.mine.title')} description={d ? t('actionPlan.mine.intro', { agency: d.agency.name }) : undefined}>
      <ErrorAlert error={q.error} />
      {d && (
        <>
          <Title order={2} size="h4">{t('actionPlan.mine.owed')}</Title>
          <Table striped data-testid="owed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('actionPlan.fields.number')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.text')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.period')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.dueOn')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.owed.map((o) => (
                <Table.Tr key={`${o.measureId}-${o.period}`} data-testid={`owed-${o.number}-${o.period}`}>
                  <Table.Td>{o.number}</Table.Td>
                  <Table.Td>{o.text}<Text size="xs" c="dimmed">{o.planTitle}</Text></Table.Td>
                  <Table.Td>{String(o.period)}</Table.Td>
                  <Table.Td>{f.day(o.dueOn)}{o.overdue && <Badge ml="xs" color="red">{t('actionPlan.mine.overdue')}</Badge>}</Table.Td>
                  <Table.Td>
                    {o.returnedReportId ? (
                      <Anchor component={Link} to={`/action-plan/reports/${o.returnedReportId}`}>{t('actionPlan.mine.resubmit')}</Anchor>
                    ) : (
                      <Anchor component={Link} to={`/action-plan/measures/${o.measureId}?period=${o.period}`}>{t('actionPlan.mine.report')}</Anchor>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {d.owed.length === 0 && <Text c="dimmed">{t('actionPlan.mine.nothingOwed')}</Text>}

          <Title order={2} size="h4">{t('actionPlan.mine.late')}</Title>
          {d.lateMeasures.length === 0 ? (
            <Text c="dimmed">{t('actionPlan.mine.nothingLate')}</Text>
          ) : (
            <Table striped data-testid="late">
              <Table.Tbody>
                {d.lateMeasures.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td><Anchor component={Link} to={`/action-plan/measures/${m.id}`}>{m.number}</Anchor></Table.Td>
                    <Table.Td>{m.text}</Table.Td>
                    <Table.Td>{deadlineText(t, m.deadline, f.day)}</Table.Td>
                    <Table.Td><Badge color={STATUS_COLOR[m.status]}>{t(`actionPlan.status.${m.status}`)}</Badge></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}

          <Title order={2} size="h4">{t('actionPlan.mine.actionItems')}</Title>
          {d.actionItems.length === 0 ? <Text c="dimmed">{t('actionPlan.mine.noActionItems')}</Text> : d.actionItems.map((i) => <ActionItemRow key={i.id} item={i} />)}

          <Title order={2} size="h4">{t('actionPlan.mine.reports')}</Title>
          <Table striped data-testid="my-reports">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('actionPlan.fields.number')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.period')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.review')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.reports.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td><Anchor component={Link} to={`/action-plan/reports/${r.id}`}>{r.subjectNumber}</Anchor></Table.Td>
                  <Table.Td>{String(r.period)}</Table.Td>
                  <Table.Td><Badge color={REVIEW_COLOR[r.review]} variant="light">{t(`actionPlan.review.${r.review}`)}</Badge></Table.Td>
                  <Table.Td>{r.review === 'returned' ? r.returnReason : ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>

          <Title order={2} size="h4">{t('actionPlan.mine.reminders')}</Title>
          {(reminders.data?.items ?? []).length === 0 ? (
            <Text c="dimmed">{t('actionPlan.mine.noReminders')}</Text>
          ) : (
            <Stack gap={4}>
              {reminders.data!.items.map((r) => (
                <Text key={r.id} size="sm" fw={r.read ? 400 : 700}>{t(`actionPlan.reminder.${r.kind}`, { number: r.subjectNumber, period: String(r.period), date: f.day(r.dueOn) })}</Text>
              ))}
            </Stack>
          )}
        </>
      )}
    </Page>
  );
}

function ActionItemRow({ item }: { item: ActionItemView }) {
  const { t } = useTranslation();
  const f = useFormat();
  const qc = useQueryClient();
  const [progress, setProgress] = useState<string>('done');
  const [narrative, setNarrative] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();
  return (
    <Paper withBorder p="sm">
      <Group justify="space-between">
        <Text size="sm" fw={600}>{`${item.number}. ${item.decision}`}</Text>
        <Badge color={STATUS_COLOR[item.status]}>{t(`actionPlan.status.${item.status}`)}</Badge>
      </Group>
      <Text size="xs" c="dimmed">{t('actionPlan.mine.itemFrom', { meeting: item.meetingTitle, date: f.day(item.heldOn), due: f.day(item.dueOn) })}</Text>
      {item.report ? (
        <Group gap="xs" mt="xs">
          <Anchor component={Link} to={`/action-plan/reports/${item.report.id}`} size="sm">{t('actionPlan.mine.itemReport')}</Anchor>
          <Badge color={REVIEW_COLOR[item.report.review]} variant="light">{t(`actionPlan.review.${item.report.review}`)}</Badge>
        </Group>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit(SubmitReportBody, { actionItemId: item.id, progress, narrative, indicatorValues: [] }, async (data) => {
              await api('POST', '/action-plan/reports', data);
              await qc.invalidateQueries({ queryKey: PLAN_KEY });
            });
          }}
        >
          <Group align="flex-end" mt="xs">
            <NativeSelect label={t('actionPlan.fields.progress')} value={progress} onChange={(e) => setProgress(e.currentTarget.value)} data={REPORT_PROGRESS.map((p) => ({ value: p, label: t(`actionPlan.progress.${p}`) }))} />
            <Textarea label={t('actionPlan.fields.narrative')} value={narrative} onChange={(e) => setNarrative(e.currentTarget.value)} error={errors.narrative} autosize w={360} />
            <Button type="submit" variant="default" loading={busy}>{t('actionPlan.report.submit')}</Button>
          </Group>
          <ErrorAlert error={error} />
        </form>
      )}
    </Paper>
  );
}
