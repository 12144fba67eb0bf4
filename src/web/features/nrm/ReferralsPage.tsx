import { useState } from 'react';
import { Anchor, Button, Checkbox, Group, SegmentedControl, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ReferralView } from '../../../shared/schemas/referrals.ts';
import { usePagedList } from '../../api/lists.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { REFERRALS_KEY } from './api.ts';
import { ReferralList } from './CasePage.tsx';

/** Referrals received by and sent from the user's agency: answer, complete or revoke them here. */
export function ReferralsPage() {
  const { t } = useTranslation();
  const [direction, setDirection] = useState<'incoming' | 'outgoing'>('incoming');
  const [overdue, setOverdue] = useState(false);
  const [sort, setSort] = useState<'-sent' | 'sent'>('-sent');
  const list = usePagedList(REFERRALS_KEY, '/referrals', ReferralView, { direction, overdue: overdue ? 'true' : undefined, sort, limit: 50 });
  return (
    <Page title={t('nrm.referrals.pageTitle')} description={t('nrm.referrals.intro')}>
      <Group>
        <SegmentedControl value={direction} onChange={(v) => setDirection(v as 'incoming')} data={[{ value: 'incoming', label: t('nrm.referrals.incoming') }, { value: 'outgoing', label: t('nrm.referrals.outgoing') }]} />
        <Checkbox label={t('nrm.referrals.onlyOverdue')} checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} />
        <Button variant="default" size="xs" aria-label={t('handoffs.sort', { column: t('handoffs.sent') })} onClick={() => setSort((s) => (s === 'sent' ? '-sent' : 'sent'))} data-testid="sort-sent">
          {t('handoffs.sent')} {sort === 'sent' ? '↑' : '↓'}
        </Button>
      </Group>
      <ErrorAlert error={list.error} />
      <Stack gap="xs">
        {list.items.map((r) => (
          <Stack key={r.id} gap={2}>
            <Anchor component={Link} to={`/cases/${r.caseId}`} size="sm">{r.summary.caseNumber}</Anchor>
            <ReferralList items={[r]} />
          </Stack>
        ))}
      </Stack>
      {!list.isPending && list.items.length === 0 && <p>{t('nrm.referrals.none')}</p>}
      {list.hasNextPage && <Button variant="subtle" onClick={() => void list.fetchNextPage()}>{t('nrm.more')}</Button>}
    </Page>
  );
}
