import { useState } from 'react';
import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { nationalExportUrl, useNational } from './api.ts';
import { StatisticsTableBlock } from './TableView.tsx';

/** The coordinator's and analysts' national figures for any period: charts, tables, CSV and XLSX. Aggregates only. */
export function NationalStatisticsPage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const year = new Date().getFullYear() - 1;
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(`${year}-12-31`);
  const [params, setParams] = useState({ from, to });
  const query = { ...params, lang: i18n.language };
  const q = useNational(query);
  return (
    <Page
      title={t('statistics.national.title')}
      description={t('statistics.national.intro')}
      actions={<Anchor component={Link} to="/statistics/releases">{t('statistics.releases.title')}</Anchor>}
    >
      <Paper withBorder p="md">
        <form onSubmit={(e) => { e.preventDefault(); setParams({ from, to }); }}>
          <Group align="flex-end">
            <TextInput type="date" label={t('statistics.national.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required />
            <TextInput type="date" label={t('statistics.national.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} required />
            <Button type="submit">{t('statistics.national.show')}</Button>
            <Anchor href={nationalExportUrl(query, 'csv')}>{t('statistics.national.csv')}</Anchor>
            <Anchor href={nationalExportUrl(query, 'xlsx')}>{t('statistics.national.xlsx')}</Anchor>
          </Group>
        </form>
      </Paper>
      <ErrorAlert error={q.error} />
      {q.data && (
        <Stack gap="md">
          <Text size="sm" c="dimmed">{t('statistics.national.period', { from: f.longDay(q.data.period.from), to: f.longDay(q.data.period.to) })}</Text>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            {q.data.tables.map((table) => <StatisticsTableBlock key={table.id} table={table} number={(n) => f.number(n)} chart />)}
          </SimpleGrid>
        </Stack>
      )}
    </Page>
  );
}
