import { useState } from 'react';
import { Anchor, Badge, Button, Group, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../components/format.ts';
import { Link } from 'react-router';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { z } from 'zod';
import { FORM_GROUPS, SENTENCE_BANDS, type Figure as FigureCode } from '../../../shared/justice.ts';
import type { FiguresView } from '../../../shared/schemas/justice.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { exportUrl, useRecords, useStatistics, useTrend, type RecordsParams, type StatsParams } from './api.ts';

type Figures = z.infer<typeof FiguresView>;
type Split = { form?: string; sex?: string; complicity?: string; article?: string };

/** One figure: a button that opens the records behind it. */
function FigureCard({ label, value, testId, onOpen }: { label: string; value: string; testId: string; onOpen?: () => void }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed">{label}</Text>
      {onOpen ? (
        <Anchor component="button" type="button" size="xl" fw={700} onClick={onOpen} aria-label={`${label}: ${value}`}>{value}</Anchor>
      ) : (
        <Text size="xl" fw={700}>{value}</Text>
      )}
    </Paper>
  );
}

const percent = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

/** The law-enforcement figures: a period, the figures (each opens its records), the splits, the trend, the downloads. */
export function JusticeStatisticsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const thisYear = new Date().getFullYear();
  const [mode, setMode] = useState<'calendar' | 'us_tip' | 'range'>('calendar');
  const [year, setYear] = useState<number | string>(thisYear);
  const [from, setFrom] = useState(`${thisYear}-01-01`);
  const [to, setTo] = useState(`${thisYear}-12-31`);
  const [form, setForm] = useState('');
  const [records, setRecords] = useState<RecordsParams | null>(null);
  const params: StatsParams = {
    ...(mode === 'range' ? { from, to } : { year: Number(year), yearKind: mode }),
    ...(form ? { form } : {}),
  };
  const q = useStatistics(params);
  const s = q.data;
  const trend = useTrend(2005, thisYear, mode === 'us_tip' ? 'us_tip' : 'calendar');
  const rec = useRecords(records);
  const open = (figure: FigureCode, split: Split = {}) => {
    if (!s) return;
    setRecords({ from: s.period.from, to: s.period.to, figure, ...(form && !split.form ? { form } : {}), ...split });
  };

  const cards = (f: Figures, split: Split = {}) => [
    { key: 'investigations', label: t('justice.stats.cases'), value: f.investigations.cases, figure: 'investigations' as const },
    { key: 'suspects', label: t('justice.stats.suspects'), value: f.investigations.suspects, figure: 'suspects' as const },
    { key: 'prosecutions', label: t('justice.stats.prosecutions'), value: f.prosecutions.defendants, figure: 'prosecutions' as const },
    { key: 'convictions', label: t('justice.stats.convictions'), value: f.convictions.defendants, figure: 'convictions' as const },
    { key: 'final', label: t('justice.stats.final'), value: f.convictions.final, figure: 'final' as const },
    { key: 'reversed', label: t('justice.stats.reversed'), value: f.convictions.reversedOnAppeal, figure: 'reversed' as const },
    { key: 'acquittals', label: t('justice.stats.acquittals'), value: f.acquittals.defendants, figure: 'acquittals' as const },
    { key: 'terminations', label: t('justice.stats.terminations'), value: f.terminations.defendants, figure: 'terminations' as const },
    { key: 'suspended', label: t('justice.stats.suspendedOrDeferred'), value: f.sentences.suspendedOrDeferred, figure: 'suspended_or_deferred' as const },
    { key: 'below', label: t('justice.stats.belowMinimum'), value: f.sentences.belowMinimum, figure: 'below_minimum' as const },
    { key: 'flagged', label: t('justice.stats.flagged'), value: f.sentences.flaggedForReview, figure: 'flagged' as const },
  ].map((c) => ({ ...c, onOpen: () => open(c.figure, split) }));

  const splitTable = (title: string, rows: { label: string; f: Figures; split: Split }[], testId: string) => (
    <Paper withBorder p="sm" data-testid={testId}>
      <Title order={2} size="h5" mb="xs">{title}</Title>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th>{t('justice.stats.cases')}</Table.Th>
            <Table.Th>{t('justice.stats.prosecutions')}</Table.Th>
            <Table.Th>{t('justice.stats.convictions')}</Table.Th>
            <Table.Th>{t('justice.stats.acquittals')}</Table.Th>
            <Table.Th>{t('justice.stats.suspendedOrDeferred')}</Table.Th>
            <Table.Th>{t('justice.stats.shareLight')}</Table.Th>
            <Table.Th>{t('justice.stats.belowMinimum')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.label}>
              <Table.Th>{r.label}</Table.Th>
              <Table.Td>{r.f.investigations.cases}</Table.Td>
              <Table.Td>{r.f.prosecutions.defendants}</Table.Td>
              <Table.Td><Anchor component="button" type="button" onClick={() => open('convictions', r.split)}>{r.f.convictions.defendants}</Anchor></Table.Td>
              <Table.Td>{r.f.acquittals.defendants}</Table.Td>
              <Table.Td><Anchor component="button" type="button" onClick={() => open('suspended_or_deferred', r.split)}>{r.f.sentences.suspendedOrDeferred}</Anchor></Table.Td>
              <Table.Td>{percent(r.f.sentences.shares.suspendedOrDeferred)}</Table.Td>
              <Table.Td>{r.f.sentences.belowMinimum}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );

  return (
    <Page
      title={t('justice.stats.title')}
      description={t('justice.stats.intro')}
      actions={
        <Group gap="xs">
          <Button component="a" href={exportUrl(params, 'csv')} download variant="light" disabled={!s}>{t('justice.stats.exportCsv')}</Button>
          <Button component="a" href={exportUrl(params, 'xlsx')} download variant="light" disabled={!s}>{t('justice.stats.exportXlsx')}</Button>
        </Group>
      }
    >
      <Paper withBorder p="md">
        <Group align="flex-end" wrap="wrap">
          <NativeSelect
            label={t('justice.stats.period')}
            value={mode}
            onChange={(e) => setMode(e.currentTarget.value as typeof mode)}
            data={[{ value: 'calendar', label: t('justice.stats.calendarYear') }, { value: 'us_tip', label: t('justice.stats.usYear') }, { value: 'range', label: t('justice.stats.range') }]}
          />
          {mode === 'range' ? (
            <>
              <TextInput type="date" label={t('justice.stats.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={(q.error as { fields?: Record<string, string> } | null)?.fields?.from} />
              <TextInput type="date" label={t('justice.stats.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} error={(q.error as { fields?: Record<string, string> } | null)?.fields?.to} />
            </>
          ) : (
            <NumberInput label={t('justice.stats.year')} value={year} onChange={setYear} min={1990} max={2100} w={110} />
          )}
          <NativeSelect label={t('justice.fields.form')} value={form} onChange={(e) => setForm(e.currentTarget.value)} data={[{ value: '', label: t('justice.all') }, ...FORM_GROUPS.map((g) => ({ value: g, label: t(`justice.form.${g}`) }))]} />
          {s && <Badge variant="light">{t('justice.stats.periodShown', { from: f.day(s.period.from), to: f.day(s.period.to) })}</Badge>}
        </Group>
      </Paper>
      <ErrorAlert error={q.error} />
      {s && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
            {cards(s).map((c) => <FigureCard key={c.key} testId={`figure-${c.key}`} label={c.label} value={String(c.value)} onOpen={c.onOpen} />)}
            <FigureCard testId="figure-share-light" label={t('justice.stats.shareLight')} value={percent(s.sentences.shares.suspendedOrDeferred)} />
          </SimpleGrid>
          {records && (
            <Paper withBorder p="sm" data-testid="figure-records">
              <Group justify="space-between">
                <Title order={2} size="h5">{t('justice.stats.recordsTitle', { figure: t(`justice.figure.${records.figure}`), total: rec.data?.total ?? '…' })}</Title>
                <Button variant="subtle" size="xs" onClick={() => setRecords(null)}>{t('justice.stats.close')}</Button>
              </Group>
              <ErrorAlert error={rec.error} />
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('justice.fields.caseNumber')}</Table.Th>
                    <Table.Th>{t('justice.fields.agency')}</Table.Th>
                    <Table.Th>{t('justice.stats.defendant')}</Table.Th>
                    <Table.Th>{t('justice.defendants.sex')}</Table.Th>
                    <Table.Th>{t('justice.fields.articles')}</Table.Th>
                    <Table.Th>{t('justice.stats.date')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(rec.data?.items ?? []).map((r) => (
                    <Table.Tr key={`${r.criminalCaseId}-${r.defendant ?? ''}`}>
                      <Table.Td>{r.openable ? <Anchor component={Link} to={`/justice/${r.criminalCaseId}`}>{r.caseNumber}</Anchor> : r.caseNumber}</Table.Td>
                      <Table.Td>{r.agencyName}</Table.Td>
                      <Table.Td>{r.defendant ?? '—'}</Table.Td>
                      <Table.Td>{r.sex ? t(`justice.sex.${r.sex}`, { defaultValue: r.sex }) : '—'}</Table.Td>
                      <Table.Td>{r.articles.join(', ')}</Table.Td>
                      <Table.Td>{f.day(r.on)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {rec.data?.truncated && <Text size="xs" c="dimmed">{t('justice.stats.truncated')}</Text>}
            </Paper>
          )}
          <Paper withBorder p="sm" data-testid="sentence-bands">
            <Title order={2} size="h5" mb="xs">{t('justice.stats.bands')}</Title>
            <Group gap="lg">
              {SENTENCE_BANDS.map((b) => <Text key={b} size="sm">{t(`justice.band.${b}`)}: <b>{s.sentences.bands[b]}</b></Text>)}
            </Group>
            <Text size="sm" mt="xs">
              {t('justice.stats.deferralGrounds')}: {Object.entries(s.sentences.deferralGrounds).map(([g, n]) => `${t(`justice.deferral.${g}`, { defaultValue: g })} ${n}`).join(', ') || '—'}
            </Text>
          </Paper>
          {splitTable(t('justice.stats.byForm'), FORM_GROUPS.map((g) => ({ label: t(`justice.form.${g}`), f: s.byForm[g], split: { form: g } })), 'split-form')}
          {splitTable(t('justice.stats.bySex'), Object.entries(s.bySex).map(([x, f]) => ({ label: t(`justice.sex.${x}`, { defaultValue: x }), f, split: { sex: x } })), 'split-sex')}
          {splitTable(t('justice.stats.byComplicity'), [
            { label: t('justice.stats.official'), f: s.byComplicity.official, split: { complicity: 'true' } },
            { label: t('justice.stats.noComplicity'), f: s.byComplicity.none, split: { complicity: 'false' } },
          ], 'split-complicity')}
          {splitTable(t('justice.stats.byArticle'), Object.entries(s.byArticle).map(([a, f]) => ({ label: a, f, split: { article: a } })), 'split-article')}
        </>
      )}
      <Paper withBorder p="md" data-testid="trend-chart">
        <Title order={2} size="h5" mb="sm">{t('justice.stats.trend')}</Title>
        <Stack>
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={trend.data?.years ?? []}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="year" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Line type="monotone" dataKey="cases" name={t('justice.stats.cases')} stroke="#1c7ed6" />
              <Line type="monotone" dataKey="prosecutions" name={t('justice.stats.prosecutions')} stroke="#7048e8" />
              <Line type="monotone" dataKey="convictionsSexual" name={t('justice.stats.convictionsSexual')} stroke="#e03131" />
              <Line type="monotone" dataKey="convictionsLabour" name={t('justice.stats.convictionsLabour')} stroke="#f08c00" />
              <Line type="monotone" dataKey="suspendedOrDeferred" name={t('justice.stats.suspendedOrDeferred')} stroke="#868e96" />
            </LineChart>
          </ResponsiveContainer>
        </Stack>
      </Paper>
    </Page>
  );
}
