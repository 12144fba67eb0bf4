import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Button, FileButton, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Timeline, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ATTRIBUTIONS, IMPUNITY_STATUSES, INVOLVEMENT_DEGREES, MILESTONE_KINDS, PERPETRATOR_CATEGORIES, RELIABILITIES, SOURCE_KINDS, UNESCO_STATUSES } from '../../../shared/press.ts';
import { IncidentView } from '../../../shared/schemas/press.ts';
import { api } from '../../api/client.ts';
import { sourceFileUrl, uploadSourceFile } from '../../api/press.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, errorText, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { IMPUNITY_COLORS, pressLabel } from './labels.ts';
import { PRESS_KEY } from './PressIncidentsPage.tsx';
import { EditIncidentButton, LinksPanel, StateRequestsPanel } from './IncidentEditing.tsx';
import { useFormat } from '../../components/format.ts';

type Incident = IncidentView;

/** One incident for staff: everything recorded, the investigation's milestones, and publishing. */
export function PressIncidentPage() {
  const { t } = useTranslation();
  const f = useFormat();
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
  const change = async (path: string, body: object) => {
    try {
      await saved(await api('PATCH', path, body, IncidentView));
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    }
  };
  const yesNo = (v: boolean | null) => (v === null ? t('press.notIdentified') : v ? t('press.yes') : t('press.no'));

  if (!i) return <Page title={t('press.title')}><ErrorAlert error={q.error} /></Page>;
  return (
    <Page
      title={i.title}
      description={`${f.incident(i.occurred, i.disputed, 'long')}${i.city ? ` · ${i.city}` : ''}`}
      actions={
        (canEdit || can('incidents:publish')) && (
          <Group>
            {canEdit && <EditIncidentButton incident={i} onSaved={saved} />}
            {can('incidents:publish') && (!i.publishedAt || i.changedSincePublish) && <Button onClick={() => void act('publish')}>{i.publishedAt ? t('press.republish') : t('press.publish')}</Button>}
            {can('incidents:publish') && i.publishedAt && <Button variant="default" onClick={() => void act('unpublish')}>{t('press.unpublish')}</Button>}
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
        {i.override && <Text size="sm" c="dimmed">{t('press.overrideReason')}: {i.override.reason}</Text>}
        {can('incidents:override') && <OverrideForm incidentId={i.id} onSaved={saved} />}
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">{t('press.victims')}</Title>
          {i.acts.map((a) => (
            <Text key={a.id} size="sm">
              {a.person ? <Anchor component={Link} to={`/press/people/${a.person.id}`}>{a.person.name}</Anchor> : a.outlet?.name}: {pressLabel(t, 'act', a.actType)}{a.outcome ? ` — ${pressLabel(t, 'outcome', a.outcome)}` : ''}
            </Text>
          ))}
          {i.placeExact && <Text size="sm" mt="xs">{t('press.field.placeExact')}: {i.placeExact}</Text>}
          {i.narrative && <Text size="sm" mt="xs">{i.narrative}</Text>}
          <Title order={2} size="h5" my="xs">{t('press.field.perpetratorCategory')}</Title>
          {i.involvements.map((v) => (
            <Group key={v.id} gap="xs" data-testid="involvement">
              <Text size="sm">{v.label ? `${v.label}: ` : ''}{pressLabel(t, 'category', v.category)} · {t(`press.degree.${v.degree}`)}</Text>
              {canEdit ? (
                <NativeSelect
                  size="xs"
                  aria-label={t('press.field.attribution')}
                  data={ATTRIBUTIONS.map((a) => ({ value: a, label: t(`press.attribution.${a}`) }))}
                  value={v.attribution}
                  onChange={(e) => void change(`/press/incidents/${i.id}/involvements/${v.id}`, { attribution: e.currentTarget.value })}
                />
              ) : (
                <Badge variant="light">{t(`press.attribution.${v.attribution}`)}</Badge>
              )}
            </Group>
          ))}
          {canEdit && <InvolvementForm incidentId={i.id} onSaved={saved} />}
          <Title order={2} size="h5" my="xs">{t('press.sources')}</Title>
          {i.sources.map((s) => (
            <Group key={s.id} gap="xs" wrap="nowrap" align="baseline">
              <Text size="sm">{s.title}{s.publisher ? ` — ${s.publisher}` : ''}{s.confidential ? ` (${t('press.confidential')})` : ''}</Text>
              {s.file && (
                <Anchor size="sm" href={sourceFileUrl(s.id)} download={s.file.fileName}>
                  {s.file.fileName} ({fileSize(s.file.sizeBytes)})
                </Anchor>
              )}
              {canEdit && <AttachFile sourceId={s.id} replacing={s.file !== null} onUploaded={() => qc.invalidateQueries({ queryKey: key })} />}
            </Group>
          ))}
          {canEdit && <SourceForm incidentId={i.id} onSaved={saved} />}
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">{t('press.timeline')}</Title>
          {i.legalCases.length === 0 && <Text size="sm" c="dimmed">{t('press.noLegalCase')}</Text>}
          {i.legalCases.map((c) => (
            <Stack key={c.id} gap="xs" mb="md">
              <Text fw={600} size="sm">{c.authority}{c.qualification ? ` — ${c.qualification}` : ''}</Text>
              <Timeline bulletSize={14} lineWidth={2}>
                {c.milestones.map((m) => (
                  <Timeline.Item key={m.id} title={`${f.incident(m.occurred, null, 'long')} · ${pressLabel(t, 'milestone', m.kind)}`} color={m.investigative ? 'blue' : 'gray'}>
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
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <StateRequestsPanel incident={i} canEdit={canEdit} onSaved={saved} />
        <LinksPanel incident={i} canEdit={canEdit} onSaved={saved} />
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
      const v = await api('POST', path, body, IncidentView);
      // Cleared as soon as the server has it, so that what is typed next is not wiped by a late reset.
      reset();
      await onSaved(v);
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

function InvolvementForm({ incidentId, onSaved }: { incidentId: string; onSaved: (v: Incident) => Promise<void> }) {
  const { t } = useTranslation();
  const [f, setF] = useState({ label: '', category: 'unknown', degree: 'direct_perpetrator', attribution: 'alleged_by_victim' });
  const { errors, busy, run } = useSubmit(onSaved);
  const body = { ...f, label: f.label.trim() || null };
  return (
    <form onSubmit={(e) => void run(e, `/press/incidents/${incidentId}/involvements`, body, () => setF({ ...f, label: '' }))}>
      <Group align="flex-end" gap="xs" mt="xs">
        <TextInput label={t('press.field.label')} value={f.label} onChange={(e) => setF({ ...f, label: e.currentTarget.value })} error={errors.label} w={160} />
        <NativeSelect label={t('press.field.perpetratorCategory')} data={PERPETRATOR_CATEGORIES.map((c) => ({ value: c, label: pressLabel(t, 'category', c) }))} value={f.category} onChange={(e) => setF({ ...f, category: e.currentTarget.value })} w={170} />
        <NativeSelect label={t('press.field.degree')} data={INVOLVEMENT_DEGREES.map((d) => ({ value: d, label: t(`press.degree.${d}`) }))} value={f.degree} onChange={(e) => setF({ ...f, degree: e.currentTarget.value })} w={160} />
        <NativeSelect label={t('press.field.attribution')} data={ATTRIBUTIONS.map((a) => ({ value: a, label: t(`press.attribution.${a}`) }))} value={f.attribution} onChange={(e) => setF({ ...f, attribution: e.currentTarget.value })} w={160} />
        <Button type="submit" variant="light" loading={busy}>{t('press.addPerpetrator')}</Button>
      </Group>
    </form>
  );
}

const SOURCE_FILE_ACCEPT = 'application/pdf,image/png,image/jpeg,image/webp';

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Attaches a PDF or an image to a source (up to 10 MB); the server checks that it is what it says. */
function AttachFile({ sourceId, replacing, onUploaded }: { sourceId: string; replacing: boolean; onUploaded: () => Promise<void> }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const send = async (file: File | null) => {
    if (!file) return;
    setBusy(true);
    try {
      await uploadSourceFile(sourceId, file);
      await onUploaded();
      notifications.show({ color: 'green', message: t('press.fileAttached', { name: file.name }) });
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <FileButton onChange={(f) => void send(f)} accept={SOURCE_FILE_ACCEPT}>
      {(props) => (
        <Button {...props} size="compact-xs" variant="subtle" loading={busy} title={t('press.attachFileHint')}>
          {replacing ? t('press.replaceFile') : t('press.attachFile')}
        </Button>
      )}
    </FileButton>
  );
}

function SourceForm({ incidentId, onSaved }: { incidentId: string; onSaved: (v: Incident) => Promise<void> }) {
  const { t } = useTranslation();
  const empty = { title: '', url: '', kind: 'news_article', reliability: 'medium', confidential: 'false' };
  const [f, setF] = useState(empty);
  const { errors, busy, run } = useSubmit(onSaved);
  const body = { title: f.title, kind: f.kind, reliability: f.reliability, confidential: f.confidential === 'true', ...(f.url.trim() ? { url: f.url.trim() } : {}) };
  return (
    <form onSubmit={(e) => void run(e, `/press/incidents/${incidentId}/sources`, body, () => setF(empty))}>
      <Group align="flex-end" gap="xs" mt="xs">
        <TextInput label={t('press.field.sourceTitle')} value={f.title} onChange={(e) => setF({ ...f, title: e.currentTarget.value })} error={errors.title} required w={180} />
        <TextInput label={t('press.field.url')} value={f.url} onChange={(e) => setF({ ...f, url: e.currentTarget.value })} error={errors.url} w={160} />
        <NativeSelect label={t('press.field.sourceKind')} data={SOURCE_KINDS.map((k) => ({ value: k, label: t(`press.sourceKind.${k}`) }))} value={f.kind} onChange={(e) => setF({ ...f, kind: e.currentTarget.value })} w={150} />
        <NativeSelect label={t('press.field.reliability')} data={RELIABILITIES.map((r) => ({ value: r, label: t(`press.reliability.${r}`) }))} value={f.reliability} onChange={(e) => setF({ ...f, reliability: e.currentTarget.value })} w={110} />
        <NativeSelect label={t('press.confidential')} data={[{ value: 'false', label: t('press.no') }, { value: 'true', label: t('press.yes') }]} value={f.confidential} onChange={(e) => setF({ ...f, confidential: e.currentTarget.value })} w={90} />
        <Button type="submit" variant="light" loading={busy}>{t('press.addSource')}</Button>
      </Group>
    </form>
  );
}

function OverrideForm({ incidentId, onSaved }: { incidentId: string; onSaved: (v: Incident) => Promise<void> }) {
  const { t } = useTranslation();
  const [f, setF] = useState({ impunityStatus: '', unescoStatus: '', reason: '' });
  const { errors, busy, run } = useSubmit(onSaved);
  const body = { impunityStatus: f.impunityStatus || null, unescoStatus: f.unescoStatus || null, reason: f.reason };
  return (
    <form onSubmit={(e) => void run(e, `/press/incidents/${incidentId}/override`, body, () => setF({ ...f, reason: '' }))}>
      <Group align="flex-end" gap="xs" mt="sm">
        <NativeSelect label={t('press.field.impunityStatus')} data={[{ value: '', label: t('press.computed') }, ...IMPUNITY_STATUSES.map((k) => ({ value: k, label: pressLabel(t, 'impunity', k) }))]} value={f.impunityStatus} onChange={(e) => setF({ ...f, impunityStatus: e.currentTarget.value })} w={190} />
        <NativeSelect label={t('press.field.investigationStatus')} data={[{ value: '', label: t('press.computed') }, ...UNESCO_STATUSES.map((k) => ({ value: k, label: pressLabel(t, 'unesco', k) }))]} value={f.unescoStatus} onChange={(e) => setF({ ...f, unescoStatus: e.currentTarget.value })} w={210} />
        <TextInput label={t('press.overrideReason')} value={f.reason} onChange={(e) => setF({ ...f, reason: e.currentTarget.value })} error={errors.reason} required w={260} />
        <Button type="submit" variant="light" loading={busy}>{t('press.override')}</Button>
      </Group>
    </form>
  );
}
