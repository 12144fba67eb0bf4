import { useState } from 'react';
import { Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DashboardView } from '../../../../shared/schemas/hotline-dashboard.ts';
import { dashboardRows, figureCode, figureTextKey } from '../../../../shared/hotline-dashboard-table.ts';
import { isApiError } from '../../../api/client.ts';
import { useUser } from '../../../api/session.ts';
import { ErrorAlert } from '../../../components/errors.tsx';
import { DEFAULT_TIME_ZONE, localToday, useFormat } from '../../../components/format.ts';
import { Page } from '../../../components/Page.tsx';
import { daysBefore, exportUrl, useDashboard, type DashboardParams } from './api.ts';

const COLORS = { answered: '#2f9e44', abandoned: '#e03131', other: '#adb5bd', contacts: '#1c7ed6', outcomes: '#7048e8' };

type Row = { section: string; figure: string; value: string };

/** The dashboard's figures as the table shows them: the export's rows (src/shared/hotline-dashboard-table.ts), in the page's language. */
function tableRows(t: TFunction, v: DashboardView, seconds: (x: number | null) => string, percent: (x: number | null) => string, number: (x: number) => string, day: (d: string) => string): Row[] {
  return dashboardRows(v, false).map((r) => {
    const key = figureTextKey(r.figure);
    const figure = key ? t(key) : 'day' in r.figure ? day(r.figure.day) : figureCode(r.figure);
    const raw = typeof r.value === 'number' ? r.value : null;
    const value = r.unit === 'seconds' ? seconds(raw) : r.unit === 'percent' ? percent(raw === null ? null : raw / 100) : raw === null ? t('hotlineDashboard.none') : number(raw);
    return { section: t(`hotlineDashboard.table.${r.section}`), figure, value };
  });
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">{label}</Text>
      <Text size="xl" fw={700}>{value}</Text>
    </Paper>
  );
}

function Chart({ title, testId, children }: { title: string; testId: string; children: React.ReactElement }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Title order={2} size="h5" mb="sm">{title}</Title>
      <ResponsiveContainer width="100%" height={240}>{children}</ResponsiveContainer>
    </Paper>
  );
}

/** The hotline manager's dashboard: a date range and a region, figures, charts, the table and its downloads. */
export function HotlineDashboardPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const tz = user.timeZone || DEFAULT_TIME_ZONE;
  const today = localToday(tz);
  const [from, setFrom] = useState(daysBefore(today, 6));
  const [to, setTo] = useState(today);
  const [region, setRegion] = useState('');
  const datesGiven = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to);
  const params: DashboardParams = { from, to, tz, ...(region ? { region } : {}) };
  const q = useDashboard(params, datesGiven);
  const fields = isApiError(q.error) ? q.error.fields : {};
  const v = q.isError ? undefined : q.data;

  const number = (x: number) => f.number(x);
  const seconds = (x: number | null) => (x === null ? t('hotlineDashboard.none') : t('hotlineDashboard.seconds', { value: number(x) }));
  const percent = (x: number | null) => (x === null ? t('hotlineDashboard.none') : t('hotlineDashboard.percent', { value: number(x * 100) }));

  const regions = [...new Set([...(v?.regions ?? []), ...(region ? [region] : [])])].sort();
  const canDownload = Boolean(v) && !q.isFetching;

  return (
    <Page
      title={t('hotlineDashboard.title')}
      description={t('hotlineDashboard.description')}
      actions={
        <Group gap="xs">
          <Button component="a" href={exportUrl(params, 'csv', f.lang)} download variant="light" disabled={!canDownload} data-disabled={!canDownload || undefined}>
            {t('hotlineDashboard.exportCsv')}
          </Button>
          <Button component="a" href={exportUrl(params, 'xlsx', f.lang)} download variant="light" disabled={!canDownload} data-disabled={!canDownload || undefined}>
            {t('hotlineDashboard.exportXlsx')}
          </Button>
        </Group>
      }
    >
      <Paper withBorder p="md">
        <Group align="flex-start" wrap="wrap">
          <TextInput type="date" label={t('hotlineDashboard.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={fields.from} required />
          <TextInput type="date" label={t('hotlineDashboard.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} error={fields.to} required />
          <NativeSelect
            label={t('hotlineDashboard.region')}
            value={region}
            onChange={(e) => setRegion(e.currentTarget.value)}
            data={[{ value: '', label: t('hotlineDashboard.allRegions') }, ...regions.map((r) => ({ value: r, label: r }))]}
          />
          <Stack gap={4} pt={24}>
            {v && <Badge variant="light">{v.range.scope === 'all' ? t('hotlineDashboard.scopeAll') : t('hotlineDashboard.scopeAgency')}</Badge>}
            <Text size="xs" c="dimmed">{t('hotlineDashboard.timeZone', { tz })}</Text>
          </Stack>
        </Group>
      </Paper>
      <ErrorAlert error={q.error} />
      {v && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
            <Figure testId="figure-contacts" label={t('hotlineDashboard.cards.contacts')} value={number(v.totals.contacts)} />
            <Figure testId="figure-answered" label={t('hotlineDashboard.cards.answered')} value={number(v.totals.answered)} />
            <Figure testId="figure-abandoned" label={t('hotlineDashboard.cards.abandoned')} value={number(v.totals.abandoned)} />
            <Figure testId="figure-answer-rate" label={t('hotlineDashboard.cards.answerRate')} value={percent(v.totals.answerRate)} />
            <Figure testId="figure-substantive" label={t('hotlineDashboard.cards.substantiveShare')} value={percent(v.totals.substantiveShare)} />
            <Figure testId="figure-time-to-answer" label={t('hotlineDashboard.cards.timeToAnswer')} value={seconds(v.timeToAnswer.medianSeconds)} />
            <Figure testId="figure-handle-time" label={t('hotlineDashboard.cards.handleTime')} value={seconds(v.handleTime.medianSeconds)} />
            <Figure testId="figure-escalations" label={t('hotlineDashboard.cards.escalations')} value={String(v.escalations.count)} />
            <Figure testId="figure-time-to-acknowledge" label={t('hotlineDashboard.cards.timeToAcknowledge')} value={seconds(v.escalations.timeToAcknowledge.medianSeconds)} />
          </SimpleGrid>
          {v.totals.contacts === 0 && <Text c="dimmed">{t('hotlineDashboard.noContacts')}</Text>}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Chart title={t('hotlineDashboard.charts.byDay')} testId="chart-by-day">
              <BarChart data={v.byDay.map((d) => ({ day: d.day, answered: d.answered, abandoned: d.abandoned, other: d.contacts - d.answered - d.abandoned }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" fontSize={11} tickFormatter={(d: string) => f.dayMonth(d)} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip labelFormatter={(d) => (typeof d === 'string' ? f.longDay(d) : '')} />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {(['answered', 'abandoned', 'other'] as const).map((k) => (
                  <Bar key={k} dataKey={k} name={t(`hotlineDashboard.charts.${k}`)} stackId="day" fill={COLORS[k]} isAnimationActive={false} />
                ))}
              </BarChart>
            </Chart>
            <Chart title={t('hotlineDashboard.charts.byHour')} testId="chart-by-hour">
              <BarChart data={v.byHour}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="hour" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip />
                <Bar dataKey="contacts" name={t('hotlineDashboard.charts.contacts')} fill={COLORS.contacts} isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart title={t('hotlineDashboard.charts.byChannel')} testId="chart-by-channel">
              <BarChart data={v.byChannel.map((c) => ({ name: t(`hotlineDashboard.channel.${c.channel}`), answered: c.answered, abandoned: c.abandoned, other: c.contacts - c.answered - c.abandoned }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" fontSize={10} interval={0} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {(['answered', 'abandoned', 'other'] as const).map((k) => (
                  <Bar key={k} dataKey={k} name={t(`hotlineDashboard.charts.${k}`)} stackId="channel" fill={COLORS[k]} isAnimationActive={false} />
                ))}
              </BarChart>
            </Chart>
            <Chart title={t('hotlineDashboard.charts.outcomes')} testId="chart-outcomes">
              <BarChart layout="vertical" data={v.outcomes.map((o) => ({ name: t(`hotlineDashboard.outcome.${o.outcome}`), contacts: o.contacts }))} margin={{ left: 40 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} fontSize={11} />
                <YAxis type="category" dataKey="name" width={140} fontSize={10} />
                <Tooltip />
                <Bar dataKey="contacts" name={t('hotlineDashboard.charts.contacts')} fill={COLORS.outcomes} isAnimationActive={false} />
              </BarChart>
            </Chart>
          </SimpleGrid>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">{t('hotlineDashboard.table.title')}</Title>
            <Table.ScrollContainer minWidth={480} maxHeight={480} scrollAreaProps={{ viewportProps: { tabIndex: 0 } }}>
              <Table striped stickyHeader data-testid="figures-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('hotlineDashboard.table.section')}</Table.Th>
                    <Table.Th>{t('hotlineDashboard.table.figure')}</Table.Th>
                    <Table.Th ta="right">{t('hotlineDashboard.table.value')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {tableRows(t, v, seconds, percent, number, f.day).map((r) => (
                    <Table.Tr key={`${r.section}|${r.figure}`}>
                      <Table.Td>{r.section}</Table.Td>
                      <Table.Td>{r.figure}</Table.Td>
                      <Table.Td ta="right">{r.value}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text size="xs" c="dimmed" mt="sm">{t('hotlineDashboard.definitions')}</Text>
          </Paper>
        </>
      )}
    </Page>
  );
}
