import { Anchor, Badge, Group, List, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { usePublicIncident } from '../../api/press.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { IMPUNITY_COLORS, pressLabel } from './labels.ts';
import { PublicChrome } from './PublicChrome.tsx';
import { usePublicFormat } from '../../components/format.ts';

/** One published incident: what happened, the derived figures, and the investigation's timeline. */
export function PublicIncidentPage() {
  const { t } = useTranslation();
  const f = usePublicFormat();
  const { id = '' } = useParams();
  const q = usePublicIncident(id);
  const i = q.data;
  const yesNo = (v: boolean | null) => (v === null ? t('press.notIdentified') : v ? t('press.yes') : t('press.no'));
  return (
    <PublicChrome screen={i?.title}>
      <Anchor component={Link} to="/public/press" data-print="hide">← {t('press.back')}</Anchor>
      <ErrorAlert error={q.error} />
      {i && (
        <Stack gap="md">
          <div>
            <Title order={1} size="h2">{i.title}</Title>
            <Text c="dimmed">{f.incident(i.occurred, i.disputed, 'long')}{i.city ? ` · ${i.city}` : ''}{i.dateNote ? ` — ${i.dateNote}` : ''}</Text>
            {i.isSynthetic && <Badge color="grape" variant="light">{t('press.synthetic')}</Badge>}
          </div>
          <Paper withBorder p="md" data-testid="derived">
            <Title order={2} size="h5" mb="xs">{t('press.derived')}</Title>
            <Group gap="xs">
              {i.derived.impunityTooEarly
                ? <Badge size="lg" color="gray" data-testid="impunity-status">{t('pressPublic.tooEarly')}</Badge>
                : <Badge size="lg" color={IMPUNITY_COLORS[i.derived.impunityStatus]} data-testid="impunity-status">{pressLabel(t, 'impunity', i.derived.impunityStatus)}</Badge>}
              <Badge size="lg" variant="outline">{pressLabel(t, 'unesco', i.derived.unescoStatus)}</Badge>
              {i.derived.overridden && <Badge variant="light" color="gray">{t('press.overridden')}</Badge>}
            </Group>
            <Text size="sm" mt="xs">{t('press.perpetratorConvicted')}: {yesNo(i.derived.perpetratorConvicted)} · {t('press.mastermindConvicted')}: {yesNo(i.derived.mastermindConvicted)}</Text>
            {i.derived.impunityTooEarly && summaryMinDays(i.derived.impunityLabelledFrom, i.occurred.on) !== null && (
              <Text size="sm" c="dimmed" data-testid="too-early">{t('pressPublic.tooEarlyExplain', { count: summaryMinDays(i.derived.impunityLabelledFrom, i.occurred.on)!, date: f.longDay(i.derived.impunityLabelledFrom) })}</Text>
            )}
            <Text size="sm" data-testid="days-since">
              {i.derived.daysSinceLastInvestigativeAct === null
                ? t('pressPublic.noAct')
                : `${t('press.daysSince')}: ${i.derived.daysSinceLastInvestigativeAct}${i.derived.lastInvestigativeActOn ? ` (${f.longDay(i.derived.lastInvestigativeActOn)})` : ''}`}
            </Text>
          </Paper>
          {i.narrative && <Text>{i.narrative}</Text>}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">{t('press.victims')}</Title>
              <List size="sm">{i.victims.map((v) => <List.Item key={v.name}>{v.name}{v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}{v.outlets.length ? ` — ${v.outlets.join(', ')}` : ''}</List.Item>)}</List>
              <Title order={2} size="h5" my="xs">{t('press.acts')}</Title>
              <List size="sm">{i.acts.map((a, n) => <List.Item key={n}>{pressLabel(t, 'act', a.actType)}{a.outcome ? ` — ${pressLabel(t, 'outcome', a.outcome)}` : ''}</List.Item>)}</List>
              <Title order={2} size="h5" my="xs">{t('press.field.perpetratorCategory')}</Title>
              <List size="sm">{i.perpetrators.map((p, n) => <List.Item key={n}>{p.label ? `${p.label}: ` : ''}{pressLabel(t, 'category', p.category)}</List.Item>)}</List>
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">{t('press.timeline')}</Title>
              {i.legalCases.every((c) => c.milestones.length === 0) && <Text size="sm" c="dimmed">{t('press.noMilestones')}</Text>}
              {i.legalCases.map((c, n) => (
                <Stack key={n} gap={4} mb="sm">
                  <Text size="sm" fw={600}>{c.authority}{c.qualification ? ` — ${c.qualification}` : ''}</Text>
                  <Timeline bulletSize={14} lineWidth={2} data-testid="timeline">
                    {c.milestones.map((m, k) => (
                      <Timeline.Item key={k} title={`${f.incident(m.occurred, null, 'long')} · ${pressLabel(t, 'milestone', m.kind)}`} color={m.investigative ? 'blue' : 'gray'}>
                        {m.note && <Text size="sm">{m.note}</Text>}
                        {m.source && <Text size="xs" c="dimmed">{m.source.publisher ? `${m.source.publisher}: ` : ''}{m.source.title}</Text>}
                      </Timeline.Item>
                    ))}
                  </Timeline>
                </Stack>
              ))}
            </Paper>
          </SimpleGrid>
          {i.sources.length > 0 && (
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">{t('press.sources')}</Title>
              <List size="sm">{i.sources.map((s, n) => <List.Item key={n}>{s.url ? <Anchor href={s.url} rel="noopener noreferrer">{s.title}</Anchor> : s.title}{s.publisher ? ` — ${s.publisher}` : ''}{s.claim ? `: ${s.claim}` : ''}</List.Item>)}</List>
            </Paper>
          )}
          {i.related.length > 0 && (
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="xs">{t('press.related')}</Title>
              <List size="sm">{i.related.map((r) => <List.Item key={r.id}><Anchor component={Link} to={`/public/press/${r.id}`}>{r.title}</Anchor></List.Item>)}</List>
            </Paper>
          )}
        </Stack>
      )}
    </PublicChrome>
  );
}

/** The minimum time in days the labels follow, from the day they apply and the attack's date. */
function summaryMinDays(labelledFrom: string | undefined, occurredOn: string): number | null {
  if (!labelledFrom) return null;
  return Math.round((Date.parse(`${labelledFrom}T00:00:00Z`) - Date.parse(`${occurredOn}T00:00:00Z`)) / 86_400_000);
}
