import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { OverdueView } from '../../../shared/schemas/tasks.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useFormatDateTime } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { ReassignButton } from './Reassign.tsx';

/** Supervisors and coordinators: overdue tasks, referral answers and reasonable-grounds decisions. */
export function OverduePage() {
  const { t } = useTranslation();
  const fmt = useFormatDateTime();
  const q = useQuery({ queryKey: ['nrm', 'overdue'], queryFn: () => api('GET', '/oversight/overdue', undefined, OverdueView) });
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['nrm'] });
  const acting = q.data?.items.some((i) => i.reassign.length > 0) ?? false;
  return (
    <Page title={t('nrm.overdueView.title')} description={t('nrm.overdueView.intro')}>
      <ErrorAlert error={q.error} />
      {q.data && (
        <Group>
          {(['task', 'referral', 'reasonable_grounds'] as const).map((k) => (
            <Badge key={k} size="lg" color={q.data.counts[k] ? 'red' : 'gray'} variant="light">{t(`nrm.overdueView.kind.${k}`)}: {q.data.counts[k]}</Badge>
          ))}
        </Group>
      )}
      <Table striped bg="white">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('nrm.overdueView.what')}</Table.Th>
            <Table.Th>{t('nrm.cases.number')}</Table.Th>
            <Table.Th>{t('nrm.cases.agency')}</Table.Th>
            <Table.Th>{t('nrm.overdueView.due')}</Table.Th>
            {acting && <Table.Th>{t('nrmOversight.reassign.column')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(q.data?.items ?? []).map((i) => (
            <Table.Tr key={`${i.kind}-${i.id}`} data-testid="overdue-row">
              <Table.Td><Badge color="red" variant="light">{t(`nrm.overdueView.kind.${i.kind}`)}</Badge></Table.Td>
              <Table.Td><Anchor component={Link} to={`/cases/${i.caseId}`}>{i.caseNumber}</Anchor></Table.Td>
              <Table.Td>{i.agencyName}</Table.Td>
              <Table.Td>{fmt(i.dueAt)}</Table.Td>
              {acting && (
                <Table.Td>
                  <Group gap="xs">
                    {i.reassign.includes('task') && <ReassignButton caseId={i.caseId} taskId={i.id} what="task" onDone={refresh} />}
                    {i.reassign.includes('case_worker') && <ReassignButton caseId={i.caseId} what="case_worker" onDone={refresh} />}
                    {i.reassign.includes('referral_handler') && <ReassignButton caseId={i.caseId} referralId={i.id} what={i.purpose === 'identification' ? 'identification_handler' : 'referral_handler'} currentUserId={i.handlerUserId} onDone={refresh} />}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {q.data?.items.length === 0 && <Text>{t('nrm.overdueView.none')}</Text>}
    </Page>
  );
}
