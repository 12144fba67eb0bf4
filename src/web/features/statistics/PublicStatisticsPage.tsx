import { Alert, Anchor, Box, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { LANGUAGES } from '../../../shared/languages.ts';
import { applyLanguage, isLanguage } from '../../i18n/index.ts';
import { useDocumentTitle } from '../../components/documentTitle.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { usePublicFormat } from '../../components/format.ts';
import { MAIN_ID, SkipLink } from '../../components/SkipLink.tsx';
import { isApiError } from '../../api/errors.ts';
import { usePublicRelease, usePublicReleases } from './api.ts';
import { StatisticsTableBlock } from './TableView.tsx';

/**
 * The public statistics page: approved releases only, the newest open by default, charts and tables
 * with hidden cells marked, open data. No sign-in; usable on a phone.
 */
export function PublicStatisticsPage() {
  const { t, i18n } = useTranslation();
  const f = usePublicFormat();
  const { id } = useParams();
  const list = usePublicReleases(i18n.language);
  const chosen = id ?? list.data?.items[0]?.id ?? null;
  const release = usePublicRelease(chosen, i18n.language);
  const r = release.data;
  useDocumentTitle(r?.title ?? null, t('statistics.public.title'));
  return (
    <Box mih="100vh" bg="gray.0" px={{ base: 'xs', xs: 'md' }} py="lg">
      <SkipLink />
      <Stack maw={1280} mx="auto" gap="lg">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Anchor component={Link} to="/public/statistics" fw={700} size="lg">{t('statistics.public.title')}</Anchor>
          <Group gap="sm">
            <Anchor component={Link} to="/public/press" size="sm">{t('statistics.public.press')}</Anchor>
            <SegmentedControl size="xs" aria-label={t('account.language')} value={i18n.language} onChange={(v) => { if (isLanguage(v)) void applyLanguage(v); }} data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))} />
          </Group>
        </Group>
        <Stack component="main" id={MAIN_ID} tabIndex={-1} gap="lg">
          <div>
            <Title order={1} size="h2">{r?.title ?? t('statistics.public.title')}</Title>
            <Text c="dimmed">{t('statistics.public.intro')}</Text>
          </div>
          {isApiError(release.error) && release.error.status === 410 ? (
            <Alert color="gray" variant="light" data-testid="release-withdrawn">{t('statistics.public.withdrawn')}</Alert>
          ) : (
            <ErrorAlert error={list.error ?? release.error} />
          )}
          {list.data && list.data.items.length === 0 && <Text>{t('statistics.public.none')}</Text>}
          {list.data && list.data.items.length > 0 && (
            <Paper withBorder p="sm">
              <Title order={2} size="h5" mb="xs">{t('statistics.public.releases')}</Title>
              <Stack gap={4}>
                {list.data.items.map((x) => (
                  <Group key={x.id} gap="xs" wrap="wrap">
                    <Anchor component={Link} to={`/public/statistics/${x.id}`} fw={x.id === chosen ? 700 : 400} aria-current={x.id === chosen ? 'page' : undefined}>{x.title}</Anchor>
                    <Text size="sm" c="dimmed">{t('statistics.public.period', { from: f.day(x.period.from), to: f.day(x.period.to) })} · {t('statistics.releases.version', { version: x.version })}</Text>
                  </Group>
                ))}
              </Stack>
            </Paper>
          )}
          {r && (
            <>
              <Text size="sm">{t('statistics.national.period', { from: f.longDay(r.period.from), to: f.longDay(r.period.to) })}</Text>
              <Text size="sm" c="dimmed">{t('statistics.cell.legend')}</Text>
              <SimpleGrid cols={{ base: 1, lg: 2 }}>
                {r.tables.map((table) => <StatisticsTableBlock key={table.id} table={table} number={(n) => f.number(n)} chart={table.dimensions.length <= 2} />)}
              </SimpleGrid>
              <Group gap="md" justify="center">
                <Text size="sm" fw={600}>{t('statistics.public.openData')}:</Text>
                <Anchor size="sm" href={`/api/public/statistics/${r.id}/export.csv?lang=${i18n.language}`}>{t('statistics.public.csv')}</Anchor>
                <Anchor size="sm" href={`/api/public/statistics/${r.id}/export.json?lang=${i18n.language}`}>{t('statistics.public.json')}</Anchor>
                <Anchor size="sm" href={`/api/public/statistics/data-dictionary?lang=${i18n.language}`}>{t('statistics.public.dictionary')}</Anchor>
              </Group>
            </>
          )}
        </Stack>
      </Stack>
    </Box>
  );
}
