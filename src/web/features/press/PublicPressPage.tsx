import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ACT_OUTCOMES, ACT_TYPES, IMPUNITY_STATUSES, PERPETRATOR_CATEGORIES, UNESCO_STATUSES, type ImpunityStatus } from '../../../shared/press.ts';
import type { PublicListItem } from '../../../shared/schemas/press.ts';
import { usePublicList, usePublicSummary, type PublicFilters } from '../../api/press.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { CHART_COLORS, IMPUNITY_COLORS, pressLabel } from './labels.ts';
import { PublicChrome } from './PublicChrome.tsx';
import { usePublicFormat } from '../../components/format.ts';

const PAGE = 10;

/** The public page: filters, charts, and solved, partly solved and unsolved incidents side by side. */
export function PublicPressPage() {
  const { t } = useTranslation();
  const f = usePublicFormat();
  const summary = usePublicSummary();
  const [filters, setFilters] = useState<PublicFilters>({});
  const set = (k: string) => (e: React.ChangeEvent<HTMLSelectElement>) => setFilters((f) => ({ ...f, [k]: e.currentTarget.value || undefined }));
  const options = (values: readonly string[], group: Parameters<typeof pressLabel>[1]) => [{ value: '', label: t('press.any') }, ...values.map((v) => ({ value: v, label: pressLabel(t, group, v) }))];
  const years = (summary.data?.byYear ?? []).map((y) => String(y.year)).reverse();
  const s = summary.data;

  return (
    <PublicChrome>
      <div>
        <Title order={1} size="h2">{t('press.publicTitle')}</Title>
        <Text c="dimmed">{t('press.publicIntro')}</Text>
      </div>
      <ErrorAlert error={summary.error} />
      {s && (
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <Paper withBorder p="md">
            <Title order={2} size="h5" mb="sm">{t('press.charts.perYear')}</Title>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={s.byYear}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="year" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {IMPUNITY_STATUSES.map((k) => <Bar key={k} dataKey={k} name={pressLabel(t, 'impunity', k)} stackId="a" fill={CHART_COLORS[k]} isAnimationActive={false} />)}
                <Bar dataKey="too_early" name={t('pressPublic.tooEarlyColumn')} stackId="a" fill="#adb5bd" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Paper>
          <Paper withBorder p="md">
            <Title order={2} size="h5" mb="sm">{t('press.charts.justice')}</Title>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={[...IMPUNITY_STATUSES.map((k) => ({ name: pressLabel(t, 'impunity', k), count: s.justice[k], fill: CHART_COLORS[k] })), { name: t('pressPublic.tooEarlyColumn'), count: s.justice.too_early, fill: '#adb5bd' }]}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip />
                <Bar dataKey="count" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
            <Text size="sm">{t('press.perpetratorConvicted')}: {s.justice.perpetratorConvicted} · {t('press.mastermindConvicted')}: {s.justice.mastermindConvicted}</Text>
            {s.impunityIndex && (
              <Text size="sm" mt="xs" data-testid="impunity-index">
                <b>{t('press.charts.index')}:</b>{' '}
                {s.impunityIndex.value === null
                  ? t('press.charts.indexNone', { min: s.impunityIndex.minCases, from: s.impunityIndex.fromYear, to: s.impunityIndex.endYear })
                  : t('press.charts.indexText', { value: f.number(s.impunityIndex.value, { maximumFractionDigits: 3 }), from: s.impunityIndex.fromYear, to: s.impunityIndex.endYear, source: s.impunityIndex.populationSource, year: s.impunityIndex.populationYear })}
              </Text>
            )}
          </Paper>
          <Paper withBorder p="md">
            <Title order={2} size="h5" mb="sm">{t('press.charts.sinceLastAct')}</Title>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={s.sinceLastInvestigativeAct.map((b) => ({ name: pressLabel(t, 'bucket', b.bucket), count: b.count }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" fontSize={10} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip />
                <Bar dataKey="count" fill="#495057" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Paper>
        </SimpleGrid>
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h5" mb="sm">{t('press.filters')}</Title>
        <Group align="flex-end">
          <NativeSelect label={t('press.field.year')} data={[{ value: '', label: t('press.any') }, ...years]} value={filters.year ?? ''} onChange={set('year')} w={120} />
          <NativeSelect label={t('press.field.actType')} data={options(ACT_TYPES, 'act')} value={filters.actType ?? ''} onChange={set('actType')} w={220} />
          <NativeSelect label={t('press.field.outcome')} data={options(ACT_OUTCOMES, 'outcome')} value={filters.outcome ?? ''} onChange={set('outcome')} w={200} />
          <NativeSelect label={t('press.field.perpetratorCategory')} data={options(PERPETRATOR_CATEGORIES, 'category')} value={filters.perpetratorCategory ?? ''} onChange={set('perpetratorCategory')} w={240} />
          <NativeSelect label={t('press.field.investigationStatus')} data={options(UNESCO_STATUSES, 'unesco')} value={filters.investigationStatus ?? ''} onChange={set('investigationStatus')} w={240} />
        </Group>
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="justice-columns">
        {IMPUNITY_STATUSES.map((status) => <JusticeColumn key={status} status={status} filters={filters} total={s?.justice[status]} />)}
        <JusticeColumn status="too_early" filters={filters} total={s?.justice.too_early} minDays={s?.impunityMinDays} />
      </SimpleGrid>
    </PublicChrome>
  );
}

/** One column: the same size, style and page length for each status, so none is more prominent. */
function JusticeColumn({ status, filters, total, minDays }: { status: ImpunityStatus | 'too_early'; filters: PublicFilters; total: number | undefined; minDays?: number | undefined }) {
  const { t } = useTranslation();
  const [limit, setLimit] = useState(PAGE);
  const list = usePublicList({ ...filters, impunityStatus: status }, limit);
  return (
    <Stack gap="xs" data-testid={`column-${status}`}>
      <Group justify="space-between">
        <Title order={2} size="h4">{status === 'too_early' ? t('pressPublic.tooEarlyColumn') : pressLabel(t, 'impunity', status)}</Title>
        {total !== undefined && <Badge color={IMPUNITY_COLORS[status] ?? 'gray'} variant="light">{total}</Badge>}
      </Group>
      {status === 'too_early' && minDays !== undefined && <Text size="xs" c="dimmed">{t('pressPublic.tooEarlyColumnExplain', { count: minDays })}</Text>}
      <ErrorAlert error={list.error} />
      {list.data?.items.length === 0 && <Text c="dimmed" size="sm">{t('press.empty')}</Text>}
      {list.data?.items.map((i) => <IncidentCard key={i.id} item={i} />)}
      {list.data?.nextCursor && <Button variant="subtle" onClick={() => setLimit((l) => l + PAGE)}>{t('press.more')}</Button>}
    </Stack>
  );
}

function IncidentCard({ item }: { item: PublicListItem }) {
  const { t } = useTranslation();
  const f = usePublicFormat();
  const d = item.derived;
  return (
    <Card withBorder padding="sm" data-testid="public-incident">
      <Anchor component={Link} to={`/public/press/${item.id}`} fw={600}>{item.title}</Anchor>
      <Text size="sm" c="dimmed">{f.incident(item.occurred)}{item.city ? ` · ${item.city}` : ''}</Text>
      {item.victims.length > 0 && <Text size="sm">{item.victims.join(', ')}</Text>}
      <Group gap={4} mt={4}>
        {d.impunityTooEarly
          ? <Badge size="sm" color="gray" data-testid="impunity-badge">{t('pressPublic.tooEarly')}</Badge>
          : <Badge size="sm" color={IMPUNITY_COLORS[d.impunityStatus]} data-testid="impunity-badge">{pressLabel(t, 'impunity', d.impunityStatus)}</Badge>}
        <Badge size="sm" variant="outline">{pressLabel(t, 'unesco', d.unescoStatus)}</Badge>
        {item.actTypes.map((a) => <Badge key={a} size="sm" variant="light" color="gray">{pressLabel(t, 'act', a)}</Badge>)}
        {item.isSynthetic && <Badge size="sm" color="grape" variant="light">{t('press.synthetic')}</Badge>}
      </Group>
      {/* No investigative act: the figure is absent, and the card says there was none. */}
      <Text size="xs" c="dimmed" mt={4} data-testid="days-since">
        {d.daysSinceLastInvestigativeAct === null ? t('pressPublic.noAct') : `${t('press.daysSince')}: ${d.daysSinceLastInvestigativeAct}`}
      </Text>
    </Card>
  );
}
