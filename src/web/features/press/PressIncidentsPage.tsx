import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Button, Checkbox, Group, Modal, NativeSelect, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ACT_OUTCOMES, ACT_TYPES } from '../../../shared/press.ts';
import { INCIDENT_SORTS, IncidentListItem, IncidentView, PersonView, type IncidentSort } from '../../../shared/schemas/press.ts';
import { api } from '../../api/client.ts';
import { importCsv } from '../../api/press.ts';
import type { ImportReport } from '../../../shared/schemas/press.ts';
import { useQueryClient } from '@tanstack/react-query';
import { usePagedList } from '../../api/lists.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { SortHeader } from '../../components/SortHeader.tsx';
import { IMPUNITY_COLORS, pressLabel } from './labels.ts';
import { useFormat } from '../../components/format.ts';

export const PRESS_KEY = ['press', 'incidents'];

/** Monitors and reviewers: every incident, found by name in any script. */
export function PressIncidentsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const user = useUser();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  // The order of a clicked header, kept in the address (`?sort=`): reload and back keep it; a new order starts from the first page.
  const [params, setParams] = useSearchParams();
  const asked = params.get('sort');
  const sort: IncidentSort = INCIDENT_SORTS.find((s) => s === asked) ?? 'created';
  const setSort = (next: string) => setParams((p) => { const n = new URLSearchParams(p); n.set('sort', next); return n; }, { replace: true });
  const list = usePagedList(PRESS_KEY, '/press/incidents', IncidentListItem, { q: debounced || undefined, sort, limit: 50 });
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const canCreate = user.permissions.some((p) => p.startsWith('incident:create:'));
  return (
    <Page title={t('press.title')} description={t('press.intro')} actions={canCreate && <Group><Button variant="default" onClick={() => setImporting(true)}>{t('press.import.title')}</Button><Button onClick={() => setCreating(true)}>{t('press.record')}</Button></Group>}>
      <Group align="flex-end">
        <TextInput label={t('press.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={360} />
        <Anchor component={Link} to="/public/press">{t('press.nav.publicPage')}</Anchor>
      </Group>
      <ErrorAlert error={list.error} />
      <Table striped highlightOnHover bg="white">
        <Table.Thead>
          <Table.Tr>
            <SortHeader label={t('press.field.title')} sortKey="title" value={sort} onChange={setSort} />
            <SortHeader label={t('press.field.date')} sortKey="occurred" value={sort} onChange={setSort} />
            <Table.Th>{t('press.field.city')}</Table.Th>
            <Table.Th>{t('press.field.impunityStatus')}</Table.Th>
            <Table.Th>{t('common.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.items.map((i) => (
            <Table.Tr key={i.id} data-testid="press-row">
              <Table.Td><Anchor component={Link} to={`/press/${i.id}`}>{i.title}</Anchor>{i.isSynthetic && <Badge ml="xs" size="xs" color="grape" variant="light">{t('press.synthetic')}</Badge>}</Table.Td>
              <Table.Td>{f.incident(i.occurred)}</Table.Td>
              <Table.Td>{i.city ?? '—'}</Table.Td>
              <Table.Td><Badge color={IMPUNITY_COLORS[i.impunityStatus]} variant="light">{pressLabel(t, 'impunity', i.impunityStatus)}</Badge></Table.Td>
              <Table.Td>{i.publishedAt ? (i.changedSincePublish ? t('press.changed') : t('press.published')) : t('press.unpublished')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.hasNextPage && <Button variant="subtle" onClick={() => void list.fetchNextPage()}>{t('press.more')}</Button>}
      {creating && <CreateIncidentModal onClose={() => setCreating(false)} />}
      {importing && <ImportModal onClose={() => setImporting(false)} />}
    </Page>
  );
}

function CreateIncidentModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [f, setF] = useState({ title: '', occurred: '', city: '', placeExact: '', narrative: '', victim: '', actType: 'assault', outcome: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const field = (k: keyof typeof f) => ({ value: f[k], onChange: (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value }), error: errors[k] });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const person = f.victim.trim() ? await api('POST', '/press/persons', { name: f.victim.trim() }, PersonView) : null;
      const created = await api(
        'POST',
        '/press/incidents',
        {
          title: f.title,
          occurred: f.occurred.trim(),
          ...(f.city.trim() ? { city: f.city.trim() } : {}),
          ...(f.placeExact.trim() ? { placeExact: f.placeExact.trim() } : {}),
          ...(f.narrative.trim() ? { narrative: f.narrative.trim() } : {}),
          ...(person ? { acts: [{ personId: person.id, actType: f.actType, ...(f.outcome ? { outcome: f.outcome } : {}) }] } : {}),
        },
        IncidentView,
      );
      void navigate(`/press/${created.id}`);
    } catch (err) {
      const fields = serverFieldErrors(t, err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('press.record')} size="lg">
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput label={t('press.field.title')} required {...field('title')} />
          <TextInput label={t('press.field.date')} required {...field('occurred')} />
          <Group grow>
            <TextInput label={t('press.field.city')} {...field('city')} />
            <TextInput label={t('press.field.placeExact')} {...field('placeExact')} />
          </Group>
          <Textarea label={t('press.field.narrative')} autosize minRows={2} {...field('narrative')} />
          <TextInput label={t('press.field.victim')} {...field('victim')} />
          <Group grow>
            <NativeSelect label={t('press.field.actType')} data={ACT_TYPES.map((a) => ({ value: a, label: pressLabel(t, 'act', a) }))} {...field('actType')} />
            <NativeSelect label={t('press.field.outcome')} data={[{ value: '', label: '—' }, ...ACT_OUTCOMES.map((a) => ({ value: a, label: pressLabel(t, 'outcome', a) }))]} {...field('outcome')} />
          </Group>
          <Text size="xs" c="dimmed">{t('press.publicIntro')}</Text>
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>{t('press.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ImportModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [skipBadRows, setSkip] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setReport(await importCsv(await file.text(), { skipBadRows, dryRun }));
      if (!dryRun) await qc.invalidateQueries({ queryKey: PRESS_KEY });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('press.import.title')} size="xl">
      <Stack>
        <Text size="sm" c="dimmed">{t('press.import.intro')}</Text>
        <input type="file" accept=".csv,text/csv" aria-label={t('press.import.file')} onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <Checkbox label={t('press.import.skipBadRows')} checked={skipBadRows} onChange={(e) => setSkip(e.currentTarget.checked)} />
        <Group>
          <Button variant="default" disabled={!file} loading={busy} onClick={() => void run(true)}>{t('press.import.check')}</Button>
          <Button disabled={!file} loading={busy} onClick={() => void run(false)}>{t('press.import.run')}</Button>
        </Group>
        <ErrorAlert error={error} />
        {report && (
          <Stack gap="xs" data-testid="import-report">
            <Text fw={600}>{t(report.applied ? 'press.import.applied' : 'press.import.notApplied', { created: report.created, updated: report.updated, refused: report.refused })}</Text>
            <Table>
              <Table.Tbody>
                {report.rows.map((r) => (
                  <Table.Tr key={r.row}>
                    <Table.Td>{r.row}</Table.Td>
                    <Table.Td>{r.externalRef ?? '—'}</Table.Td>
                    <Table.Td>{t(`press.import.result.${r.result}`)}</Table.Td>
                    <Table.Td>{r.errors ? Object.entries(r.errors).map(([k, v]) => `${k}: ${v}`).join('; ') : ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
