import { useState } from 'react';
import { Anchor, Badge, Button, Checkbox, Group, MultiSelect, NativeSelect, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { MeetingBody } from '../../../shared/schemas/action-plan.ts';
import { api } from '../../api/client.ts';
import { useCan, useUser } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { DEFAULT_TIME_ZONE, localToday, useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { PLAN_KEY, REVIEW_COLOR, STATUS_COLOR, useAgencyOptions, useMeeting, useMeetings } from './api.ts';

/** Coordination meetings, newest first; the coordinator's office records one with its decisions as action items. */
export function MeetingsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const q = useMeetings();
  return (
    <Page title={t('actionPlan.meetings.title')} description={t('actionPlan.meetings.intro')}>
      <ErrorAlert error={q.error} />
      <Table striped data-testid="meetings">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('actionPlan.fields.heldOn')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.title')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.quorum')}</Table.Th>
            <Table.Th>{t('actionPlan.meetings.items')}</Table.Th>
            <Table.Th>{t('actionPlan.status.late')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(q.data?.items ?? []).map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>{f.day(m.heldOn)}</Table.Td>
              <Table.Td><Anchor component={Link} to={`/action-plan/meetings/${m.id}`}>{m.title}</Anchor></Table.Td>
              <Table.Td>{m.quorumMet ? t('actionPlan.yes') : t('actionPlan.no')}</Table.Td>
              <Table.Td>{f.number(m.actionItems)}</Table.Td>
              <Table.Td>{f.number(m.lateItems)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {q.data?.items.length === 0 && <Text c="dimmed">{t('actionPlan.meetings.none')}</Text>}
      {can('action_plan:manage') && <NewMeetingForm />}
    </Page>
  );
}

type ItemRow = { number: string; decision: string; agencyId: string; dueOn: string };

function NewMeetingForm() {
  const { t } = useTranslation();
  const user = useUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const agencies = useAgencyOptions();
  const [heldOn, setHeldOn] = useState(localToday(user.timeZone || DEFAULT_TIME_ZONE));
  const [title, setTitle] = useState('');
  const [minutes, setMinutes] = useState('');
  const [quorumMet, setQuorumMet] = useState(true);
  const [participants, setParticipants] = useState<string[]>([]);
  const [items, setItems] = useState<ItemRow[]>([]);
  const { errors, error, busy, submit } = useFormSubmit();
  const values = { heldOn, title, minutes: minutes || null, quorumMet, agencies: participants.map((agencyId) => ({ agencyId, attended: true })), actionItems: items };
  const setItem = (i: number, patch: Partial<ItemRow>) => setItems(items.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">{t('actionPlan.meetings.new')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(MeetingBody, values, async (data) => {
            const created = (await api('POST', '/action-plan/meetings', data)) as { id: string };
            await qc.invalidateQueries({ queryKey: PLAN_KEY });
            await navigate(`/action-plan/meetings/${created.id}`);
          });
        }}
      >
        <Stack>
          <Group grow>
            <TextInput type="date" label={t('actionPlan.fields.heldOn')} value={heldOn} onChange={(e) => setHeldOn(e.currentTarget.value)} error={errors.heldOn} required />
            <TextInput label={t('actionPlan.fields.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.title} required />
          </Group>
          <MultiSelect label={t('actionPlan.meetings.participants')} value={participants} onChange={setParticipants} data={agencies.data ?? []} searchable />
          <Checkbox label={t('actionPlan.fields.quorum')} checked={quorumMet} onChange={(e) => setQuorumMet(e.currentTarget.checked)} />
          <Textarea label={t('actionPlan.fields.minutes')} value={minutes} onChange={(e) => setMinutes(e.currentTarget.value)} autosize minRows={3} />
          <Title order={3} size="h5">{t('actionPlan.meetings.decisions')}</Title>
          {items.map((it, i) => (
            <Group key={i} align="flex-end" wrap="wrap">
              <TextInput label={t('actionPlan.fields.number')} value={it.number} onChange={(e) => setItem(i, { number: e.currentTarget.value })} w={80} error={errors[`actionItems.${i}.number`]} />
              <TextInput label={t('actionPlan.fields.decision')} value={it.decision} onChange={(e) => setItem(i, { decision: e.currentTarget.value })} w={320} error={errors[`actionItems.${i}.decision`]} />
              <NativeSelect label={t('actionPlan.fields.agency')} value={it.agencyId} onChange={(e) => setItem(i, { agencyId: e.currentTarget.value })} data={[{ value: '', label: '—' }, ...(agencies.data ?? [])]} error={errors[`actionItems.${i}.agencyId`]} />
              <TextInput type="date" label={t('actionPlan.fields.dueOn')} value={it.dueOn} onChange={(e) => setItem(i, { dueOn: e.currentTarget.value })} error={errors[`actionItems.${i}.dueOn`]} />
            </Group>
          ))}
          <Group>
            <Button variant="default" onClick={() => setItems([...items, { number: String(items.length + 1), decision: '', agencyId: '', dueOn: heldOn }])}>{t('actionPlan.meetings.addDecision')}</Button>
          </Group>
          <ErrorAlert error={error} />
          <Group><Button type="submit" loading={busy}>{t('actionPlan.meetings.save')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** A meeting: minutes, who took part, and its action items with their derived status. */
export function MeetingPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const q = useMeeting(id);
  const m = q.data;
  return (
    <Page title={m?.title ?? t('actionPlan.meetings.title')} description={m ? f.longDay(m.heldOn) : undefined}>
      <ErrorAlert error={q.error} />
      {m && (
        <>
          <Paper withBorder p="md">
            <Stack gap="xs">
              <Text size="sm">{t('actionPlan.fields.quorum')}: {m.quorumMet ? t('actionPlan.yes') : t('actionPlan.no')}</Text>
              <Text size="sm">{t('actionPlan.meetings.participants')}: {m.agencies.map((a) => a.name).join(', ') || '—'}</Text>
              {m.minutes && <Text style={{ whiteSpace: 'pre-wrap' }}>{m.minutes}</Text>}
            </Stack>
          </Paper>
          <Table striped data-testid="action-items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('actionPlan.fields.number')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.decision')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.agency')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.dueOn')}</Table.Th>
                <Table.Th>{t('actionPlan.fields.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {m.actionItems.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>{i.number}</Table.Td>
                  <Table.Td>{i.decision}</Table.Td>
                  <Table.Td>{i.agency.name}</Table.Td>
                  <Table.Td>{f.day(i.dueOn)}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[i.status]} variant="light">{t(`actionPlan.status.${i.status}`)}</Badge>
                    {i.report && (
                      <Anchor component={Link} to={`/action-plan/reports/${i.report.id}`} ml="xs" size="sm">
                        <Badge color={REVIEW_COLOR[i.report.review]} variant="outline">{t(`actionPlan.review.${i.report.review}`)}</Badge>
                      </Anchor>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Page>
  );
}
