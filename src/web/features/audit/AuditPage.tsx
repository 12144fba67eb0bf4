import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Checkbox, Code, Group, Modal, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { AuditEntryView, ChainReport } from '../../../shared/schemas/audit.ts';
import { api, withQuery } from '../../api/client.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';
import { channelLabel } from '../hotline/labels.ts';
import type { TFunction } from 'i18next';
import { Page } from '../../components/Page.tsx';

const AuditPageResponse = z.object({ items: z.array(AuditEntryView), nextBefore: z.string().nullable() });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Filters = { action: string; recordType: string; recordId: string; actorUserId: string; from: string; to: string; flagged: boolean; name: string };
const EMPTY: Filters = { action: '', recordType: '', recordId: '', actorUserId: '', from: '', to: '', flagged: false, name: '' };

/** A local date from <input type="date"> as the start (or end) of that day in the browser's zone, in ISO. */
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined);
const dayEnd = (d: string) => (d ? new Date(`${d}T23:59:59.999`).toISOString() : undefined);

export function AuditPage() {
  const { t } = useTranslation();
  const user = useUser();
  const canRead = user.permissions.includes('audit:read');
  const canVerify = user.permissions.includes('audit:verify');
  return (
    <Page title={t('nav.audit')} description={t('audit.intro')}>
      {canVerify && <VerifyChain />}
      {canRead ? <AuditSearch /> : <Alert color="gray">{t('audit.noReadPermission')}</Alert>}
    </Page>
  );
}

function VerifyChain() {
  const { t } = useTranslation();
  const verify = useMutation({ mutationFn: () => api('GET', '/audit/verify', undefined, ChainReport) });
  const r = verify.data;
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" align="center">
        <Text size="sm">{t('audit.verifyText')}</Text>
        <Button variant="light" loading={verify.isPending} onClick={() => verify.mutate()}>{t('audit.verify')}</Button>
      </Group>
      {verify.error ? <ErrorAlert error={verify.error} /> : null}
      {r && (
        <Alert mt="sm" role="status" color={r.ok ? 'teal' : 'red'} title={r.ok ? t('audit.chainOk') : t('audit.chainBroken')} data-testid="chain-result">
          {r.ok
            ? `${t('audit.chainOkText', { count: r.checked })}${r.anchor ? ` ${t('audit.anchorText', { anchor: `a${r.anchor.id}:${r.anchor.hash}` })}` : ''}`
            : t('audit.chainBrokenText', { seq: brokenAt(r.firstBroken), reason: r.firstBroken?.reason ?? '?', count: r.checked })}
        </Alert>
      )}
    </Card>
  );
}

/** The broken entry's seq; an anchor as `a<id>`; a missing entry as `<chain>/<position>`. */
function brokenAt(b: z.infer<typeof ChainReport>['firstBroken']): string {
  if (!b) return '?';
  if (b.anchor !== null) return `a${b.anchor}`;
  return b.seq ?? `${b.chain ?? '?'}/${b.pos ?? '?'}`;
}

type Entry = z.infer<typeof AuditEntryView>;

/** An action's name in the reader's language (src/web/i18n/modules/audit-log); an action without one says so. */
const actionLabel = (t: TFunction, action: string) => t(`auditLog.action.${action}`, { defaultValue: t('auditLog.otherAction') });

/** What the entry is about: the kind of record and, where it identifies no victim, its name (resolved by the server). */
function recordText(t: TFunction, e: Entry, dateTime: (iso: string) => string): string {
  if (!e.recordType) return '—';
  const kind = t(`auditLog.recordType.${e.recordType}`, { defaultValue: t('auditLog.otherRecord') });
  if (e.recordType === 'role' && e.recordId) return `${kind}: ${t(`role.${e.recordId}`, { defaultValue: e.recordId })}`;
  const r = e.record;
  if (r?.name) return `${kind}: ${r.name}`;
  if (r?.channel && r.receivedAt) return `${kind}: ${t('auditLog.contactAt', { channel: channelLabel(t, r.channel), at: dateTime(r.receivedAt) })}`;
  return kind;
}

const actorText = (t: TFunction, e: Entry) => (e.actorName ? `${e.actorName}${e.actorAgencyName ? ` (${e.actorAgencyName})` : ''}` : t('audit.system'));

function AuditSearch() {
  const { t } = useTranslation();
  const f = useFormat();
  const fmt = f.dateTime;
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [actorError, setActorError] = useState<string | null>(null);
  const [open, setOpen] = useState<z.infer<typeof AuditEntryView> | null>(null);
  const query = {
    action: filters.action.trim() || undefined,
    recordType: filters.recordType.trim() || undefined,
    recordId: filters.recordId.trim() || undefined,
    actorUserId: filters.actorUserId.trim() || undefined,
    from: dayStart(filters.from),
    to: dayEnd(filters.to),
    flagged: filters.flagged ? 'true' : undefined,
    name: filters.name.trim() || undefined,
    limit: 50,
  };
  const list = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) => api('GET', withQuery('/audit', { ...query, before: pageParam }), undefined, AuditPageResponse),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (k: keyof Filters) => (e: { currentTarget: { value: string } }) => { const v = e.currentTarget.value; setDraft((d) => ({ ...d, [k]: v })); };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.actorUserId.trim() && !UUID.test(draft.actorUserId.trim())) return setActorError(t('audit.actorInvalid'));
    setActorError(null);
    setFilters(draft);
  };

  return (
    <>
      <Card withBorder padding="md">
        <form onSubmit={apply} aria-label={t('audit.filters')}>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <TextInput label={t('audit.action')} description={t('audit.actionHelp')} value={draft.action} onChange={set('action')} />
            <TextInput label={t('audit.recordType')} value={draft.recordType} onChange={set('recordType')} />
            <TextInput label={t('audit.recordId')} value={draft.recordId} onChange={set('recordId')} />
            <TextInput label={t('audit.actor')} description={t('audit.actorHelp')} value={draft.actorUserId} onChange={set('actorUserId')} error={actorError} />
            <TextInput label={t('audit.from')} type="date" value={draft.from} onChange={set('from')} />
            <TextInput label={t('audit.to')} type="date" value={draft.to} onChange={set('to')} />
            <TextInput label={t('audit.searchedName')} description={t('audit.searchedNameHelp')} value={draft.name} onChange={set('name')} maxLength={200} />
            <Checkbox mt="lg" label={t('audit.flaggedOnly')} checked={draft.flagged} onChange={(e) => { const v = e.currentTarget.checked; setDraft((d) => ({ ...d, flagged: v })); }} />
            <Group mt="md" justify="flex-end">
              <Button variant="default" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); setActorError(null); }}>{t('common.reset')}</Button>
              <Button type="submit">{t('common.search')}</Button>
            </Group>
          </SimpleGrid>
        </form>
      </Card>
      <ErrorAlert error={list.error} />
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing="xs" bg="white">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('audit.at')}</Table.Th>
              <Table.Th>{t('audit.actorName')}</Table.Th>
              <Table.Th>{t('audit.action')}</Table.Th>
              <Table.Th>{t('audit.record')}</Table.Th>
              <Table.Th>{t('audit.via')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.isSuccess && items.length === 0 && (
              <Table.Tr><Table.Td colSpan={6}><Text c="dimmed" size="sm">{t('common.nothingFound')}</Text></Table.Td></Table.Tr>
            )}
            {items.map((e) => (
              <Table.Tr key={e.seq} onClick={() => setOpen(e)} style={{ cursor: 'pointer' }}>
                <Table.Td><Text size="sm" c="dimmed">{e.seq}</Text></Table.Td>
                <Table.Td><Text size="sm">{fmt(e.at)}</Text></Table.Td>
                <Table.Td><Text size="sm">{actorText(t, e)}</Text></Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button variant="subtle" size="compact-sm" onClick={(ev) => { ev.stopPropagation(); setOpen(e); }} aria-label={t('audit.openEntry', { seq: e.seq })}>
                      {actionLabel(t, e.action)}
                    </Button>
                    {e.flagged && <Badge color="red" size="sm">{t('audit.flagged')}</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td><Text size="sm">{recordText(t, e, fmt)}</Text></Table.Td>
                <Table.Td><Text size="sm">{t(`auditLog.via.${e.via}`, { defaultValue: e.via })}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Stack align="center">
        {list.hasNextPage && <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>{t('common.loadMore')}</Button>}
      </Stack>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open ? t('audit.entryTitle', { seq: open.seq }) : ''} size="xl">
        {open && (
          <Stack gap="xs">
            <Detail label={t('audit.at')} value={fmt(open.at)} />
            <Detail label={t('audit.actor')} value={actorText(t, open)} />
            <Detail label={t('audit.action')} value={actionLabel(t, open.action)} />
            <Detail label={t('audit.record')} value={recordText(t, open, fmt)} />
            <Detail label={t('audit.via')} value={t(`auditLog.via.${open.via}`, { defaultValue: open.via })} />
            {/* The codes and ids as stored, for searching and for the command line. */}
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Text size="sm" c="dimmed" w={140} style={{ flexShrink: 0 }}>{t('auditLog.code')}</Text>
              <Code style={{ wordBreak: 'break-all' }}>{[open.action, open.recordType, open.recordId, open.actorUserId].filter(Boolean).join(' · ')}</Code>
            </Group>
            <Detail label={t('audit.purpose')} value={open.purpose === 'reason_given' ? t('audit.reasonGiven') : (open.purpose ?? '—')} />
            <Detail label={t('audit.requestId')} value={open.requestId ?? '—'} code />
            <Detail label="IP" value={open.ip ?? '—'} code />
            <Detail label={t('audit.hash')} value={open.hash} code />
            {open.actorUserId && (
              <Group>
                <Button size="xs" variant="light" onClick={() => { const f = { ...EMPTY, actorUserId: open.actorUserId ?? '' }; setDraft(f); setFilters(f); setOpen(null); }}>
                  {t('audit.sameActor')}
                </Button>
              </Group>
            )}
            <Text size="sm" fw={600} mt="sm">{t('audit.fieldsChanged')}</Text>
            <Text size="xs" c="dimmed">{t('audit.valuesNote')}</Text>
            <FieldsChanged changes={open.changes} />
            <Text size="sm" fw={600} mt="sm">{t('audit.changes')}</Text>
            <Code block style={{ maxHeight: 360, overflow: 'auto' }}>{JSON.stringify(open.changes, null, 2)}</Code>
          </Stack>
        )}
      </Modal>
    </>
  );
}

const isWithheld = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && (v as { changed?: unknown }).changed === true;

/** The entry's fields by name; a value the log does not keep says so. */
function FieldsChanged({ changes }: { changes: unknown }) {
  const { t } = useTranslation();
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return <Text size="sm">—</Text>;
  const entries = Object.entries(changes as Record<string, unknown>);
  if (entries.length === 0) return <Text size="sm">—</Text>;
  return (
    <Table withTableBorder verticalSpacing={4} data-testid="audit-fields">
      <Table.Tbody>
        {entries.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Td><code>{k}</code></Table.Td>
            <Table.Td><Text size="sm" c={isWithheld(v) ? 'dimmed' : undefined}>{isWithheld(v) ? t('audit.valueWithheld') : JSON.stringify(v)}</Text></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Detail({ label, value, code = false }: { label: string; value: string; code?: boolean }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={140} style={{ flexShrink: 0 }}>{label}</Text>
      {code ? <Code style={{ wordBreak: 'break-all' }}>{value}</Code> : <Text size="sm" style={{ wordBreak: 'break-all' }}>{value}</Text>}
    </Group>
  );
}
