import { Anchor, Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../components/format.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { REVIEW_COLOR, useReports } from './api.ts';

/** The coordinator's office's queue: reports waiting for review, oldest at the bottom. */
export function ReviewsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const q = useReports('submitted');
  return (
    <Page title={t('actionPlan.reviews.title')} description={t('actionPlan.reviews.intro')}>
      <ErrorAlert error={q.error} />
      <Table striped data-testid="review-queue">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('actionPlan.fields.number')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.period')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.agency')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.progress')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.submittedAt')}</Table.Th>
            <Table.Th>{t('actionPlan.fields.review')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(q.data?.items ?? []).map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td><Anchor component={Link} to={`/action-plan/reports/${r.id}`}>{r.subjectNumber}</Anchor></Table.Td>
              <Table.Td>{String(r.period)}</Table.Td>
              <Table.Td>{r.agencyName}</Table.Td>
              <Table.Td>{t(`actionPlan.progress.${r.progress}`)}</Table.Td>
              <Table.Td>{f.short(r.submittedAt)}</Table.Td>
              <Table.Td><Badge color={REVIEW_COLOR[r.review]} variant="light">{t(`actionPlan.review.${r.review}`)}</Badge></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {q.data?.items.length === 0 && <Text c="dimmed">{t('actionPlan.reviews.none')}</Text>}
    </Page>
  );
}
