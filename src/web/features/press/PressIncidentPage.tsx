import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Timeline, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { MILESTONE_KINDS } from '../../../shared/press.ts';
import { IncidentView } from '../../../shared/schemas/press.ts';
import { api } from '../../api/client.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, errorText, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { IMPUNITY_COLORS, pressLabel } from './labels.ts';
import { PRESS_KEY } from './PressIncidentsPage.tsx';

type Incident = IncidentView;

/** One incident for staff: everything recorded, the investigation's milestones, and publishing. */
export function PressIncidentPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const qc = useQueryClient();
  const key = [...PRESS_KEY, id];
  const q = useQuery({ queryKey: key, queryFn: () => api('GET', `/press/incidents/${id}`, undefined, IncidentView) });
  const i = q.data;
  const can = (p: string) => user.permissions.includes(p);
  const canEdit = user.permissions.some((p) => p.startsWith('incident:update:'));
  const saved = async (v: Incident) => {
    qc.setQueryData(key, v);
    await qc.invalidateQueries({ queryKey: PRESS_KEY });
  };
  const act = async (path: string) => {
    try {
      await saved(await api('POST', `/press/incidents/${id}/${path}`, undefined, IncidentView));
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    }
  };
  const yesNo = (v: boolean | null) => (v === null ? t('press.notIdentified') : v ? t('press.yes') : t('press.no'));

  if (!i) return <Page title={t('press.title')}><ErrorAlert error={q.error} /></Page>;
  return (
    <Page
      title={i.title}
      description={`${i.occurred.display}${i.city ? ` · ${i.city}` : ''}`}
      actions={
        can('incidents:publish') && (
          <Group>
            {(!i.publishedAt || i.changedSincePublish) && <Button onClick={() => void act('publish')}>{i.publishedAt ? t('press.republish') : t('press.publish')}</Button>}
            {i.publishedAt && <Button variant="default" onClick={() => void act('unpublish')}>{t('press.unpublish')}</Button>}
          </Group>
        )
      }
    >
      <Group>
        <Anchor component={Link} to="/press">← {t('press.back')}</Anchor>
        <Badge variant="light" data-testid="publication-status">{i.publishedAt ? (i.changedSincePublish ? t('press.changed') : t('press.published')) : t('press.unpublished')}</Badge>
        {i.publishedAt && <Anchor component={Link} to={`/public/press/${i.id}`}>{t('press.nav.publicPage')}</Anchor>}
      </Group>
      <Paper withBorder p="md" data-testid="derived">
        <Title order={2} size="h5" mb="xs">{t('press.derived')}</Title>
        <Group gap="xs">
          <Badge size="lg" color={IMPUNITY_COLORS[i.derived.impunityStatus]}>{pressLabel(t, 'impunity', i.derived.impunityStatus)}</Badge>
          <Badge size="lg" variant="outline">{pressLabel(t, 'unesco', i.derived.unescoStatus)}</Badge>
          {i.derived.overridden && <Badge variant="light" color="gray">{t('press.overridden')}</Badge>}
        </Group>
        <Text size="sm" mt="xs">{t('press.perpetratorConvicted')}: {yesNo(i.derived.perpetratorConvicted)} · {t('press.mastermindConvicted')}: {yesNo(i.derived.mastermindConvicted)}</Text>
        <Text size="sm" data-testid="days-since">{t('press.daysSince')}: {i.derived.daysSinceLastInvestigativeAct ?? t('press.never')}</Text>
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">{t('press.victims')}</Title>
          {i.acts.map((a) => (
            <Text key={a.id} size="sm">{a.person?.name ?? a.outlet?.name}: {pressLabel(t, 'act', a.actType)}{a.outcome ? ` — ${pressLabel(t, 'outcome', a.outcome)}` : ''}</Text>
          ))}
          {i.placeExact && <Text size="sm" mt="xs">{t('press.field.placeExact')}: {i.placeExact}</Text>}
          {i.narrative && <Text size="sm" mt="xs">{i.narrative}</Text>}
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">{t('press.timeline')}</Title>
          {i.legalCases.length === 0 && <Text size="sm" c="dimmed">{t('press.noLegalCase')}</Text>}
          {i.legalCases.map((c) => (
            <Stack key={c.id} gap="xs" mb="md">
              <Text fw={600} size="sm">{c.authority}{c.qualification ? ` — ${c.qualification}` : ''}</Text>
              <Timeline bulletSize={14} lineWidth={2}>
                {c.milestones.map((m) => (
                  <Timeline.Item key={m.id} title={`${m.occurred.display} · ${pressLabel(t, 'milestone', m.kind)}`} color={m.investigative ? 'blue' : 'gray'}>
                    {m.note && <Text size="sm">{m.note}</Text>}
                  </Timeline.Item>
                ))}
              </Timeline>
              {canEdit && <MilestoneForm incidentId={i.id} caseId={c.id} onSaved={saved} />}
            </Stack>
          ))}
          {canEdit && <LegalCaseForm incidentId={i.id} onSaved={saved} />}
        </Paper>
      </SimpleGrid>
    </Page>
  );
}

function useSubmit(onSaved: (v: Incident) => Promise<void>) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const run = async (e: FormEvent, path: string, body: object, reset: () => void) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await onSaved(await api('POST', path, body, IncidentView));
      reset();
    } catch (err) {
      setErrors(serverFieldErrors(t, err));
      notifications.show({ color: 'red', message: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, run };
}

function LegalCaseForm({ incidentId, onSaved }: { incidentId: string; onSaved: (v: Incident) => Promise<void> }) {
  const { t } = useTranslation();
  const [authority, setAuthority] = useState('');
  const { errors, busy, run } = useSubmit(onSaved);
  return (
    <form onSubmit={(e) => void run(e, `/press/incidents/${incidentId}/legal-cases`, { authority }, () => setAuthority(''))}>
      <Group align="flex-end">
        <TextInput label={t('press.field.authority')} value={authority} onChange={(e) => setAuthority(e.currentTarget.value)} error={errors.authority} required />
        <Button type="submit" variant="light" loading={busy}>{t('press.addLegalCase')}</Button>
      </Group>
    </form>
  );
}

function MilestoneForm({ incidentId, caseId, onSaved }: { incidentId: string; caseId: string; onSaved: (v: Incident) => Promise<void> }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<string>('case_opened');
  const [occurred, setOccurred] = useState('');
  const [note, setNote] = useState('');
  const { errors, busy, run } = useSubmit(onSaved);
  return (
    <form
      onSubmit={(e) =>
        void run(e, `/press/incidents/${incidentId}/legal-cases/${caseId}/milestones`, { kind, occurred: occurred.trim(), ...(note.trim() ? { note: note.trim() } : {}) }, () => {
          setOccurred('');
          setNote('');
        })
      }
    >
      <Group align="flex-end" gap="xs">
        <NativeSelect label={t('press.field.kind')} data={MILESTONE_KINDS.map((k) => ({ value: k, label: pressLabel(t, 'milestone', k) }))} value={kind} onChange={(e) => setKind(e.currentTarget.value)} w={200} />
        <TextInput label={t('press.field.date')} value={occurred} onChange={(e) => setOccurred(e.currentTarget.value)} error={errors.occurred} required w={170} />
        <TextInput label={t('press.field.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} w={180} />
        <Button type="submit" variant="light" loading={busy}>{t('press.addMilestone')}</Button>
      </Group>
    </form>
  );
}
