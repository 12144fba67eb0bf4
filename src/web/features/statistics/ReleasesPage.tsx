import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { WithdrawReleaseBody, type ReleaseDetail, type ReleaseListItem } from '../../../shared/schemas/statistics.ts';
import { useMe } from '../../api/session.ts';
import { checkForm, ErrorAlert, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { approveRelease, prepareRelease, STATISTICS_KEY, useRelease, useReleases, withdrawRelease } from './api.ts';
import { StatisticsTableBlock } from './TableView.tsx';

const STATUS_COLOR = { prepared: 'yellow', approved: 'green', superseded: 'gray', withdrawn: 'red' } as const;

/** Withdrawing a public release: the coordinator's office, with a reason (shown to staff only). */
function WithdrawForm({ id }: { id: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setError(null);
    const checked = checkForm(t, WithdrawReleaseBody, { reason });
    setErrors(checked.errors ?? {});
    if (!checked.data) return;
    setBusy(true);
    try {
      await withdrawRelease(id, checked.data);
      await qc.invalidateQueries({ queryKey: STATISTICS_KEY });
    } catch (e) {
      setErrors(serverFieldErrors(t, e));
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h5">{t('statistics.releases.withdraw')}</Title>
          <Text size="sm">{t('statistics.releases.withdrawHelp')}</Text>
          <Textarea label={t('statistics.releases.withdrawalReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} required autosize minRows={2} />
          <ErrorAlert error={error} />
          <Group><Button type="submit" color="red" loading={busy}>{t('statistics.releases.withdraw')}</Button></Group>
        </Stack>
      </form>
    </Paper>
  );
}

function Flags({ flags, tables }: { flags: ReleaseListItem['flags']; tables: ReleaseDetail['tables'] }) {
  const { t } = useTranslation();
  if (flags.length === 0) return null;
  const table = (id: string | undefined) => tables.find((x) => x.id === id);
  const label = (id: string | undefined, dim: string, code: string) => table(id)?.dimensions.find((d) => d.id === dim)?.values.find((v) => v.code === code)?.label ?? code;
  return (
    <Alert color="orange" title={t('statistics.releases.flags')}>
      <Stack gap={4}>
        {flags.map((f, i) => (
          <Text key={i} size="sm">
            {f.kind === 'group_disclosure'
              ? t('statistics.releases.flag.group_disclosure', { table: table(f.tableId)?.title ?? '', row: Object.entries(f.key).map(([d, c]) => label(f.tableId, d, c)).join(', '), value: label(f.tableId, f.dimension ?? '', f.value ?? '') })
              : f.kind === 'recoverable'
                ? t('statistics.releases.flag.recoverable', { range: `${f.min ?? 0}–${f.max ?? '∞'}` })
                : t('statistics.releases.flag.revised', { before: f.before ?? 0, after: f.after ?? 0 })}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

/** Releases: prepare one for a period, see each one's status; reviewers open and approve them. */
export function ReleasesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe().data?.user;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const list = useReleases();
  const year = new Date().getFullYear() - 1;
  const [title, setTitle] = useState('');
  const [from, setFrom] = useState(`${year}-01-01`);
  const [to, setTo] = useState(`${year}-12-31`);
  const [threshold, setThreshold] = useState<number | string>('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const canPrepare = me?.permissions.includes('statistics:prepare') ?? false;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await prepareRelease({ title, from, to, ...(threshold === '' ? {} : { threshold: Number(threshold) }) });
      await qc.invalidateQueries({ queryKey: STATISTICS_KEY });
      void navigate(`/statistics/releases/${r.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('statistics.releases.title')} description={t('statistics.releases.intro')} actions={<Anchor component={Link} to="/statistics">{t('statistics.national.title')}</Anchor>}>
      {canPrepare && (
        <Paper withBorder p="md">
          <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
            <Stack gap="sm">
              <Title order={2} size="h4">{t('statistics.releases.prepare')}</Title>
              <Group align="flex-end">
                <TextInput label={t('statistics.releases.name')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required miw={260} />
                <TextInput type="date" label={t('statistics.national.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required />
                <TextInput type="date" label={t('statistics.national.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} required />
                <NumberInput label={t('statistics.releases.threshold')} value={threshold} onChange={setThreshold} min={3} max={50} w={120} />
                <Button type="submit" loading={busy}>{t('statistics.releases.prepare')}</Button>
              </Group>
              <ErrorAlert error={error} />
            </Stack>
          </form>
        </Paper>
      )}
      <ErrorAlert error={list.error} />
      {list.data && list.data.items.length === 0 && <Text c="dimmed">{t('statistics.releases.none')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('statistics.releases.name')}</Table.Th>
              <Table.Th>{t('statistics.national.from')}</Table.Th>
              <Table.Th>{t('statistics.national.to')}</Table.Th>
              <Table.Th>{t('statistics.releases.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td><Anchor component={Link} to={`/statistics/releases/${r.id}`}>{r.title}</Anchor> <Text span size="xs" c="dimmed">{t('statistics.releases.version', { version: r.version })}</Text></Table.Td>
                <Table.Td>{f.day(r.period.from)}</Table.Td>
                <Table.Td>{f.day(r.period.to)}</Table.Td>
                <Table.Td><Badge color={STATUS_COLOR[r.status]}>{t(`statistics.releases.status.${r.status}`)}</Badge></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Page>
  );
}

/** One release as its reviewers see it: every value, hidden ones marked; approval by another person. */
export function ReleasePage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { id = '' } = useParams();
  const me = useMe().data?.user;
  const qc = useQueryClient();
  const q = useRelease(id, i18n.language);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const r = q.data;
  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      await approveRelease(id);
    } catch (e) {
      setError(e);
    } finally {
      await qc.invalidateQueries({ queryKey: STATISTICS_KEY });
      setBusy(false);
    }
  };
  return (
    <Page title={r?.title ?? t('statistics.releases.title')} description={r ? t('statistics.national.period', { from: f.longDay(r.period.from), to: f.longDay(r.period.to) }) : undefined} actions={<Anchor component={Link} to="/statistics/releases">{t('statistics.releases.title')}</Anchor>}>
      <ErrorAlert error={q.error} />
      {r && (
        <Stack gap="md">
          <Group>
            <Badge color={STATUS_COLOR[r.status]} data-testid="release-status">{t(`statistics.releases.status.${r.status}`)}</Badge>
            <Text size="sm">{t('statistics.releases.version', { version: r.version })}</Text>
            <Text size="sm">{t('statistics.releases.preparedOn', { day: f.long(r.preparedAt) })}</Text>
            {r.approvedAt && <Text size="sm">{t('statistics.releases.approvedOn', { day: f.long(r.approvedAt) })}</Text>}
            {r.withdrawnAt && <Text size="sm">{t('statistics.releases.withdrawnOn', { day: f.long(r.withdrawnAt) })}</Text>}
            <Text size="sm">{t('statistics.releases.suppressedCount', { count: r.suppressed })}</Text>
            {r.status === 'approved' && <Anchor href={`/public/statistics/${r.id}`}>{t('statistics.public.title')}</Anchor>}
          </Group>
          {r.withdrawalReason && <Alert color="red" variant="light" title={t('statistics.releases.withdrawalReason')} data-testid="withdrawal-reason">{r.withdrawalReason}</Alert>}
          <Flags flags={r.flags} tables={r.tables} />
          {r.status === 'prepared' && me?.permissions.includes('statistics:approve') && !r.preparedByMe && (
            <Group><Button onClick={() => void approve()} loading={busy}>{t('statistics.releases.approve')}</Button></Group>
          )}
          <ErrorAlert error={error} />
          {(r.status === 'approved' || r.status === 'superseded') && me?.permissions.includes('statistics:approve') && <WithdrawForm id={r.id} />}
          <Text size="sm" c="dimmed">{t('statistics.cell.legend')}</Text>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            {r.tables.map((table) => <StatisticsTableBlock key={table.id} table={table} number={(n) => f.number(n)} exact threshold={r.threshold} />)}
          </SimpleGrid>
        </Stack>
      )}
    </Page>
  );
}
