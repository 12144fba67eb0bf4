import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Button, Checkbox, Group, Modal, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { z } from 'zod';
import { formatPartialDate } from '../../../domain/press-dates.ts';
import { EMPLOYMENTS, OUTLET_MEDIA } from '../../../shared/press.ts';
import { OutletView, PersonView } from '../../../shared/schemas/press.ts';
import { api, withQuery } from '../../api/client.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';

type Person = z.infer<typeof PersonView>;
type Outlet = z.infer<typeof OutletView>;
type Affiliation = Person['affiliations'][number];

const KEY = ['press', 'people'];
const Persons = z.object({ items: z.array(PersonView) });
const Outlets = z.object({ items: z.array(OutletView) });

/** Names are entered one per line: a journalist's or an outlet's spellings in every script. */
const lines = (v: string) => [...new Set(v.split('\n').map((s) => s.trim()).filter(Boolean))];
const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

/** The same rule as the server's: those who may change incidents may change the people they name. */
const useCanEdit = () => useUser().permissions.some((p) => p.startsWith('incident:update:'));

/** Sends a change; field errors go beside their inputs, anything else above the form. */
function useWrite() {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(work: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      return await work();
    } catch (err) {
      setErrors(serverFieldErrors(t, err));
      setError(err);
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { errors, error, busy, run };
}

/** Journalists and outlets, found by name in any script. */
export function PressPeoplePage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const persons = useQuery({ queryKey: [...KEY, 'persons', debounced], queryFn: () => api('GET', withQuery('/press/persons', { q: debounced, limit: 100 }), undefined, Persons) });
  const outlets = useQuery({ queryKey: [...KEY, 'outlets', debounced], queryFn: () => api('GET', withQuery('/press/outlets', { q: debounced, limit: 100 }), undefined, Outlets) });
  const [editing, setEditing] = useState<Outlet | null>(null);
  const [adding, setAdding] = useState<'person' | 'outlet' | null>(null);
  const canEdit = useCanEdit();
  // Recording people is for those who record incidents (monitors), as on the server.
  const canCreate = useUser().permissions.some((p) => p.startsWith('incident:create:'));
  return (
    <Page
      title={t('pressEditing.people.title')}
      description={t('pressEditing.people.intro')}
      actions={
        canCreate && (
          <Group>
            <Button variant="default" onClick={() => setAdding('outlet')}>{t('pressEditing.outlet.add')}</Button>
            <Button onClick={() => setAdding('person')}>{t('pressEditing.person.add')}</Button>
          </Group>
        )
      }
    >
      <TextInput label={t('press.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={360} />
      <ErrorAlert error={persons.error ?? outlets.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">{t('pressEditing.people.journalists')}</Title>
          <Table>
            <Table.Tbody>
              {persons.data?.items.map((p) => (
                <Table.Tr key={p.id} data-testid="person-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/press/people/${p.id}`}>{p.name}</Anchor>
                    {p.isSynthetic && <Badge ml="xs" size="xs" color="grape" variant="light">{t('press.synthetic')}</Badge>}
                    {p.aliases.length > 0 && <Text size="xs" c="dimmed">{p.aliases.join(', ')}</Text>}
                  </Table.Td>
                  <Table.Td><Text size="sm">{p.affiliations.map((a) => a.outletName).join(', ')}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {persons.data?.items.length === 0 && <Text size="sm" c="dimmed">{t('press.empty')}</Text>}
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">{t('pressEditing.people.outlets')}</Title>
          <Table>
            <Table.Tbody>
              {outlets.data?.items.map((o) => (
                <Table.Tr key={o.id} data-testid="outlet-row">
                  <Table.Td>
                    <Text size="sm" fw={500}>{o.name}</Text>
                    {o.aliases.length > 0 && <Text size="xs" c="dimmed">{o.aliases.join(', ')}</Text>}
                  </Table.Td>
                  <Table.Td>{o.medium ? t(`pressEditing.medium.${o.medium}`) : '—'}</Table.Td>
                  <Table.Td>{canEdit && <Button size="compact-xs" variant="subtle" onClick={() => setEditing(o)} aria-label={t('pressEditing.outlet.editNamed', { name: o.name })}>{t('pressEditing.edit')}</Button>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {outlets.data?.items.length === 0 && <Text size="sm" c="dimmed">{t('press.empty')}</Text>}
        </Paper>
      </SimpleGrid>
      {editing && <OutletModal outlet={editing} onClose={() => setEditing(null)} />}
      {adding === 'outlet' && <OutletModal outlet={null} onClose={() => setAdding(null)} />}
      {adding === 'person' && <NewPersonModal onClose={() => setAdding(null)} />}
    </Page>
  );
}

/** Changes an outlet, or records a new one when `outlet` is null. */
function OutletModal({ outlet, onClose }: { outlet: Outlet | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [f, setF] = useState({ name: outlet?.name ?? '', aliases: outlet?.aliases.join('\n') ?? '', medium: outlet?.medium ?? '' });
  const { errors, error, busy, run } = useWrite();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name: f.name, aliases: lines(f.aliases), medium: f.medium || null };
    const saved = await run(() => (outlet ? api('PATCH', `/press/outlets/${outlet.id}`, body, OutletView) : api('POST', '/press/outlets', body, OutletView)));
    if (saved) {
      await qc.invalidateQueries({ queryKey: ['press'] });
      onClose();
    }
  };
  return (
    <Modal opened onClose={onClose} title={outlet ? t('pressEditing.outlet.edit') : t('pressEditing.outlet.add')}>
      <form onSubmit={(e) => void submit(e)}>
        <Stack gap="sm">
          <ErrorAlert error={Object.keys(errors).length > 0 ? null : error} />
          <TextInput label={t('pressEditing.person.name')} required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={errors.name} />
          <Textarea label={t('pressEditing.person.aliases')} description={t('pressEditing.person.aliasesHint')} autosize minRows={2} value={f.aliases} onChange={(e) => setF({ ...f, aliases: e.currentTarget.value })} error={errors.aliases ?? errors['aliases.0']} />
          <NativeSelect label={t('pressEditing.outlet.medium')} data={[{ value: '', label: '—' }, ...OUTLET_MEDIA.map((m) => ({ value: m, label: t(`pressEditing.medium.${m}`) }))]} value={f.medium} onChange={(e) => setF({ ...f, medium: e.currentTarget.value })} error={errors.medium} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('pressEditing.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('press.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A new journalist by name; the rest is filled in on their page. */
function NewPersonModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', aliases: '' });
  const { errors, error, busy, run } = useWrite();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await run(() => api('POST', '/press/persons', { name: f.name, aliases: lines(f.aliases) }, PersonView));
    if (saved) {
      await qc.invalidateQueries({ queryKey: KEY });
      void navigate(`/press/people/${saved.id}`);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('pressEditing.person.add')}>
      <form onSubmit={(e) => void submit(e)}>
        <Stack gap="sm">
          <ErrorAlert error={Object.keys(errors).length > 0 ? null : error} />
          <TextInput label={t('pressEditing.person.name')} required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={errors.name} />
          <Textarea label={t('pressEditing.person.aliases')} description={t('pressEditing.person.aliasesHint')} autosize minRows={2} value={f.aliases} onChange={(e) => setF({ ...f, aliases: e.currentTarget.value })} error={errors.aliases ?? errors['aliases.0']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('pressEditing.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('press.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** One journalist: names in every script, contact details (internal), beats, and their outlets over time. */
export function PressPersonPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const key = [...KEY, 'person', id];
  const q = useQuery({ queryKey: key, queryFn: () => api('GET', `/press/persons/${id}`, undefined, PersonView) });
  const qc = useQueryClient();
  const canEdit = useCanEdit();
  const saved = async (p: Person) => {
    qc.setQueryData(key, p);
    await qc.invalidateQueries({ queryKey: ['press'] });
  };
  const p = q.data;
  if (!p) return <Page title={t('pressEditing.people.title')}><ErrorAlert error={q.error} /></Page>;
  return (
    <Page title={p.name} description={p.aliases.join(' · ')}>
      <Group>
        <Anchor component={Link} to="/press/people">← {t('pressEditing.people.back')}</Anchor>
        {p.isSynthetic && <Badge color="grape" variant="light">{t('press.synthetic')}</Badge>}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h5" mb="xs">{t('pressEditing.person.details')}</Title>
          {canEdit ? <PersonForm person={p} onSaved={saved} /> : <PersonDetails person={p} />}
        </Paper>
        <Paper withBorder p="md" data-testid="affiliations">
          <Title order={2} size="h5" mb="xs">{t('pressEditing.affiliation.title')}</Title>
          {p.affiliations.length === 0 && <Text size="sm" c="dimmed">{t('pressEditing.affiliation.none')}</Text>}
          <Stack gap="xs">
            {p.affiliations.map((a) => <AffiliationRow key={a.id} personId={p.id} affiliation={a} canEdit={canEdit} onSaved={saved} />)}
          </Stack>
          {canEdit && <AddAffiliationForm personId={p.id} onSaved={saved} />}
        </Paper>
      </SimpleGrid>
    </Page>
  );
}

function PersonDetails({ person: p }: { person: Person }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Text size="sm">{t('pressEditing.person.beats')}: {p.beats.join(', ') || '—'}</Text>
      <Text size="sm">{p.local ? t('pressEditing.person.local') : t('pressEditing.person.foreign')}</Text>
    </Stack>
  );
}

function PersonForm({ person: p, onSaved }: { person: Person; onSaved: (p: Person) => Promise<void> }) {
  const { t } = useTranslation();
  const seesContact = p.contactDetails !== undefined;
  const initial = { name: p.name, aliases: p.aliases.join('\n'), contactDetails: p.contactDetails ?? '', beats: p.beats.join(', '), local: p.local };
  const [f, setF] = useState(initial);
  const [done, setDone] = useState(false);
  const { errors, error, busy, run } = useWrite();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    const body: Record<string, unknown> = {};
    if (f.name !== initial.name) body.name = f.name;
    if (f.aliases !== initial.aliases) body.aliases = lines(f.aliases);
    if (seesContact && f.contactDetails !== initial.contactDetails) body.contactDetails = orNull(f.contactDetails);
    if (f.beats !== initial.beats) body.beats = [...new Set(f.beats.split(',').map((s) => s.trim()).filter(Boolean))];
    if (f.local !== initial.local) body.local = f.local;
    const saved = await run(() => api('PATCH', `/press/persons/${p.id}`, body, PersonView));
    if (saved) {
      await onSaved(saved);
      setDone(true);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack gap="sm">
        <ErrorAlert error={Object.keys(errors).length > 0 ? null : error} />
        <TextInput label={t('pressEditing.person.name')} required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={errors.name} />
        <Textarea label={t('pressEditing.person.aliases')} description={t('pressEditing.person.aliasesHint')} autosize minRows={2} value={f.aliases} onChange={(e) => setF({ ...f, aliases: e.currentTarget.value })} error={errors.aliases ?? Object.entries(errors).find(([k]) => k.startsWith('aliases.'))?.[1]} />
        {seesContact && <Textarea label={t('pressEditing.person.contactDetails')} autosize minRows={1} value={f.contactDetails} onChange={(e) => setF({ ...f, contactDetails: e.currentTarget.value })} error={errors.contactDetails} />}
        <TextInput label={t('pressEditing.person.beats')} description={t('pressEditing.person.beatsHint')} value={f.beats} onChange={(e) => setF({ ...f, beats: e.currentTarget.value })} error={errors.beats ?? Object.entries(errors).find(([k]) => k.startsWith('beats.'))?.[1]} />
        <Checkbox label={t('pressEditing.person.local')} checked={f.local} onChange={(e) => setF({ ...f, local: e.currentTarget.checked })} />
        <Group>
          <Button type="submit" loading={busy}>{t('press.save')}</Button>
          {done && <Text size="sm" c="teal">{t('pressEditing.saved')}</Text>}
        </Group>
      </Stack>
    </form>
  );
}

const dateText = (d: Affiliation['from']) => (d ? formatPartialDate(d) : '');

function AffiliationRow({ personId, affiliation: a, canEdit, onSaved }: { personId: string; affiliation: Affiliation; canEdit: boolean; onSaved: (p: Person) => Promise<void> }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const initial = { role: a.role ?? '', employment: a.employment ?? '', from: dateText(a.from), until: dateText(a.until), period: a.period ?? '' };
  const [f, setF] = useState(initial);
  const { errors, error, busy, run } = useWrite();
  const path = `/press/persons/${personId}/affiliations/${a.id}`;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await run(() => api('PATCH', path, { role: orNull(f.role), employment: f.employment || null, from: orNull(f.from), until: orNull(f.until), period: orNull(f.period) }, PersonView));
    if (saved) {
      await onSaved(saved);
      setEditing(false);
    }
  };
  const remove = async () => {
    const saved = await run(() => api('DELETE', path, undefined, PersonView));
    if (saved) await onSaved(saved);
  };
  const span = [a.from?.display ?? '…', a.until?.display ?? t('pressEditing.affiliation.present')].join(' – ');
  return (
    <Paper withBorder p="xs" data-testid="affiliation">
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Text size="sm" fw={600}>{a.outletName}</Text>
          <Text size="sm">
            {[a.role, a.employment ? t(`pressEditing.employment.${a.employment}`) : null].filter(Boolean).join(', ')}
            {a.role || a.employment ? ' · ' : ''}
            <span data-testid="affiliation-dates">{span}</span>
            {a.period ? ` (${a.period})` : ''}
          </Text>
        </div>
        {canEdit && !editing && (
          <Group gap={4} wrap="nowrap">
            <Button size="compact-xs" variant="subtle" onClick={() => setEditing(true)} aria-label={t('pressEditing.affiliation.editNamed', { name: a.outletName })}>{t('pressEditing.edit')}</Button>
            <Button size="compact-xs" variant="subtle" color="red" loading={busy} onClick={() => void remove()} aria-label={t('pressEditing.affiliation.removeNamed', { name: a.outletName })}>{t('pressEditing.remove')}</Button>
          </Group>
        )}
      </Group>
      {!editing && <ErrorAlert error={error} />}
      {editing && (
        <form onSubmit={(e) => void save(e)}>
          <Stack gap="xs" mt="xs">
            <ErrorAlert error={Object.keys(errors).length > 0 ? null : error} />
            <AffiliationFields f={f} setF={setF} errors={errors} />
            <Group gap="xs">
              <Button size="compact-sm" type="submit" loading={busy}>{t('press.save')}</Button>
              <Button size="compact-sm" variant="default" onClick={() => { setF(initial); setEditing(false); }}>{t('pressEditing.cancel')}</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Paper>
  );
}

type AffiliationForm = { role: string; employment: string; from: string; until: string; period: string };

function AffiliationFields({ f, setF, errors }: { f: AffiliationForm; setF: (f: AffiliationForm) => void; errors: FieldErrors }) {
  const { t } = useTranslation();
  return (
    <>
      <Group grow align="flex-start">
        <TextInput size="xs" label={t('pressEditing.affiliation.role')} value={f.role} onChange={(e) => setF({ ...f, role: e.currentTarget.value })} error={errors.role} />
        <NativeSelect size="xs" label={t('pressEditing.affiliation.employment')} data={[{ value: '', label: '—' }, ...EMPLOYMENTS.map((m) => ({ value: m, label: t(`pressEditing.employment.${m}`) }))]} value={f.employment} onChange={(e) => setF({ ...f, employment: e.currentTarget.value })} error={errors.employment} />
      </Group>
      <Group grow align="flex-start">
        <TextInput size="xs" label={t('pressEditing.affiliation.from')} placeholder="2005" value={f.from} onChange={(e) => setF({ ...f, from: e.currentTarget.value })} error={errors.from} />
        <TextInput size="xs" label={t('pressEditing.affiliation.until')} placeholder="2007-04" value={f.until} onChange={(e) => setF({ ...f, until: e.currentTarget.value })} error={errors.until} />
      </Group>
      <TextInput size="xs" label={t('pressEditing.affiliation.period')} value={f.period} onChange={(e) => setF({ ...f, period: e.currentTarget.value })} error={errors.period} />
    </>
  );
}

function AddAffiliationForm({ personId, onSaved }: { personId: string; onSaved: (p: Person) => Promise<void> }) {
  const { t } = useTranslation();
  const empty = { role: '', employment: '', from: '', until: '', period: '' };
  const [f, setF] = useState<AffiliationForm>(empty);
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const [outletId, setOutletId] = useState('');
  const outlets = useQuery({ queryKey: [...KEY, 'outlets', debounced], queryFn: () => api('GET', withQuery('/press/outlets', { q: debounced, limit: 50 }), undefined, Outlets) });
  const options = outlets.data?.items ?? [];
  const chosen = options.some((o) => o.id === outletId) ? outletId : (options[0]?.id ?? '');
  const { errors, error, busy, run } = useWrite();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { outletId: chosen, role: orNull(f.role), employment: f.employment || null, from: orNull(f.from), until: orNull(f.until), period: orNull(f.period) };
    const saved = await run(() => api('POST', `/press/persons/${personId}/affiliations`, body, PersonView));
    if (saved) {
      await onSaved(saved);
      setF(empty);
      setQ('');
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack gap="xs" mt="md">
        <Title order={3} size="h6">{t('pressEditing.affiliation.add')}</Title>
        <ErrorAlert error={Object.keys(errors).length > 0 ? null : error} />
        <Group grow align="flex-start">
          <TextInput size="xs" label={t('pressEditing.affiliation.findOutlet')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
          <NativeSelect size="xs" label={t('pressEditing.affiliation.outlet')} data={options.length ? options.map((o) => ({ value: o.id, label: o.name })) : [{ value: '', label: t('pressEditing.links.noMatch') }]} value={chosen} onChange={(e) => setOutletId(e.currentTarget.value)} error={errors.outletId} />
        </Group>
        <AffiliationFields f={f} setF={setF} errors={errors} />
        <Group>
          <Button size="compact-sm" type="submit" variant="light" loading={busy} disabled={!chosen}>{t('pressEditing.affiliation.add')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
