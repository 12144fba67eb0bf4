import { useState } from 'react';
import { Anchor, Badge, Button, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { useQueue, useRefreshNrm } from './api.ts';
import { codeLabel, STATUS_COLORS } from './labels.ts';

/** Referrals waiting for a reasonable-grounds decision, soonest deadline first. */
export function IdentificationQueuePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const q = useQueue();
  const navigate = useNavigate();
  const refresh = useRefreshNrm();
  const [error, setError] = useState<unknown>(null);
  // A pending referral opens the case to the officer's agency once accepted: one step, then the case.
  const acceptAndOpen = async (referralId: string, caseId: string) => {
    setError(null);
    try {
      await api('POST', `/referrals/${referralId}/accept`, {});
      await refresh();
      await navigate(`/cases/${caseId}`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Page title={t('nrm.queue.title')} description={t('nrm.queue.intro')}>
      <ErrorAlert error={q.error ?? error} />
      <Table striped bg="white">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('nrm.cases.number')}</Table.Th>
            <Table.Th>{t('nrm.queue.from')}</Table.Th>
            <Table.Th>{t('nrm.queue.sent')}</Table.Th>
            <Table.Th>{t('nrm.identification.rgDueOn')}</Table.Th>
            <Table.Th>{t('nrm.queue.referral')}</Table.Th>
            <Table.Th>{t('nrm.queue.victims')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(q.data?.items ?? []).map((i) => (
            <Table.Tr
              key={i.referralId}
              data-testid="queue-row"
              style={{ cursor: 'pointer' }}
              // The whole row opens the case (the number is its link for the keyboard); a pending one is accepted first.
              onClick={(e) => {
                if ((e.target as HTMLElement).closest('a,button')) return;
                if (i.referralStatus === 'accepted') void navigate(`/cases/${i.caseId}`);
              }}
            >
              <Table.Td>
                {i.referralStatus === 'accepted'
                  ? <Anchor component={Link} to={`/cases/${i.caseId}`} aria-label={t('handoffs.openCase', { number: i.caseNumber })}>{i.caseNumber}</Anchor>
                  : <Button size="compact-sm" variant="light" onClick={() => void acceptAndOpen(i.referralId, i.caseId)} aria-label={`${t('handoffs.acceptOpen')} ${i.caseNumber}`}>{i.caseNumber} · {t('handoffs.acceptOpen')}</Button>}
              </Table.Td>
              <Table.Td>{i.fromAgencyName}</Table.Td>
              <Table.Td>{f.short(i.sentAt)}</Table.Td>
              <Table.Td>{f.day(i.rgDueOn)} {i.overdue && <Badge color="red">{t('nrm.overdue')}</Badge>}</Table.Td>
              <Table.Td><Badge color={STATUS_COLORS[i.referralStatus]} variant="light">{codeLabel(t, 'referralStatus', i.referralStatus)}</Badge></Table.Td>
              <Table.Td>{i.victims.map((v) => `${codeLabel(t, 'sex', v.sex)}, ${codeLabel(t, 'ageBand', v.ageBand, v.sex)}${v.nationality ? `, ${v.nationality}` : ''}`).join('; ')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {q.data?.items.length === 0 && <p>{t('nrm.queue.none')}</p>}
    </Page>
  );
}
