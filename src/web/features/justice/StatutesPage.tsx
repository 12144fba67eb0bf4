import { Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { useJusticeProfile } from './api.ts';

/** The country profile's statute list, read-only: each article part with its penalty range and kind, and whether the figures count it. */
export function StatutesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const profile = useJusticeProfile();
  const p = profile.data;
  return (
    <Page title={t('justice.statutes.title')} description={t('justice.statutes.intro')}>
      <ErrorAlert error={profile.error} />
      {p && (
        <>
          <Text size="sm">{t('justice.statutes.limit', { months: p.investigationMonths, days: p.investigationReminderDays })}</Text>
          <Table striped data-testid="statutes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('justice.statutes.code')}</Table.Th>
                <Table.Th>{t('justice.statutes.label')}</Table.Th>
                <Table.Th>{t('justice.statutes.kind')}</Table.Th>
                <Table.Th>{t('justice.statutes.range')}</Table.Th>
                <Table.Th>{t('justice.statutes.validFrom')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {p.statutes.map((s) => (
                <Table.Tr key={s.code}>
                  <Table.Td>{s.code}</Table.Td>
                  <Table.Td>{s.label}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={s.kind === 'related' ? 'gray' : 'blue'}>{t(`justice.statutes.kinds.${s.kind}`)}</Badge>{' '}
                    <Text span size="xs" c="dimmed">{p.countedArticles.includes(s.article) ? t('justice.statutes.counted') : t('justice.statutes.related')}</Text>
                  </Table.Td>
                  <Table.Td>{s.minMonths !== null && s.maxMonths !== null ? t('justice.statutes.months', { min: s.minMonths, max: s.maxMonths }) : t('justice.statutes.unknownRange')}</Table.Td>
                  <Table.Td>{f.day(s.validFrom)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Page>
  );
}
