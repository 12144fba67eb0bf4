import { useState, type FormEvent } from 'react';
import { Anchor, Badge, Button, Group, Modal, NativeSelect, Paper, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { formatPartialDate } from '../../../domain/press-dates.ts';
import { ALERT_CATEGORIES, INCIDENT_CONTEXTS, LINK_KINDS, MECHANISMS, WORK_RELATIONS } from '../../../shared/press.ts';
import { IncidentListItem, IncidentView } from '../../../shared/schemas/press.ts';
import { api, withQuery } from '../../api/client.ts';
import { ErrorAlert, errorText, serverFieldErrors, type FieldErrors } from '../../components/errors.tsx';
import { useFormat } from '../../components/format.ts';

type Incident = IncidentView;
type Saved = (v: Incident) => Promise<void>;

/** Sends one change to an incident; field errors go beside their inputs, the rest to a notification. */
function useIncidentWrite(onSaved: Saved) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  /** `done` runs as soon as the server has the change, before the page refreshes. */
  const run = async (method: 'POST' | 'PATCH', path: string, body: object, done?: () => void): Promise<boolean> => {
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const v = await api(method, path, body, IncidentView);
      done?.();
      await onSaved(v);
      return true;
    } catch (err) {
      const fields = serverFieldErrors(t, err);
      setErrors(fields);
      setError(err);
      if (Object.keys(fields).length === 0) notifications.show({ color: 'red', message: errorText(t, err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { errors, error, busy, run };
}

const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
const triState = (v: boolean | null) => (v === null ? '' : v ? 'true' : 'false');
const fromTriState = (v: string) => (v === '' ? null : v === 'true');

/** Changing an incident's own fields: title, dates (partial or disputed), place, context, narrative. */
export function EditIncidentButton({ incident, onSaved }: { incident: Incident; onSaved: Saved }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)}>{t('pressEditing.incident.edit')}</Button>
      {open && <EditIncidentModal incident={incident} onSaved={onSaved} onClose={() => setOpen(false)} />}
    </>
  );
}

function EditIncidentModal({ incident: i, onSaved, onClose }: { incident: Incident; onSaved: Saved; onClose: () => void }) {
  const { t } = useTranslation();
  const initial = {
    externalRef: i.externalRef ?? '',
    title: i.title,
    occurred: formatPartialDate(i.occurred),
    disputed: i.disputed?.display ?? '',
    dateNote: i.dateNote ?? '',
    country: i.country,
    city: i.city ?? '',
    placeExact: i.placeExact ?? '',
    context: i.context ?? '',
    alertCategory: i.alertCategory ?? '',
    workRelation: i.workRelation,
    priorThreats: triState(i.priorThreats),
    surveillance: triState(i.surveillance),
    narrative: i.narrative,
    internalNotes: i.internalNotes ?? '',
  };
  const [f, setF] = useState(initial);
  const { errors, error, busy, run } = useIncidentWrite(onSaved);
  const field = (k: keyof typeof f) => ({ value: f[k], onChange: (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value }), error: errors[k] });
  const seesPlace = i.placeExact !== undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Only what changed is sent, so that the audit entry names exactly that.
    const body: Record<string, unknown> = {};
    const put = (k: keyof typeof f, v: unknown) => {
      if (f[k] !== initial[k]) body[k] = v;
    };
    put('externalRef', orNull(f.externalRef));
    put('title', f.title);
    put('occurred', f.occurred.trim());
    put('disputed', orNull(f.disputed));
    put('dateNote', orNull(f.dateNote));
    put('country', f.country.trim());
    put('city', orNull(f.city));
    if (seesPlace) put('placeExact', orNull(f.placeExact));
    put('context', f.context || null);
    put('alertCategory', f.alertCategory || null);
    put('workRelation', f.workRelation);
    put('priorThreats', fromTriState(f.priorThreats));
    put('surveillance', fromTriState(f.surveillance));
    put('narrative', f.narrative);
    put('internalNotes', orNull(f.internalNotes));
    if (Object.keys(body).length === 0) return onClose();
    if (await run('PATCH', `/press/incidents/${i.id}`, body)) onClose();
  };
  const yesNo = [
    { value: '', label: t('pressEditing.unknown') },
    { value: 'true', label: t('press.yes') },
    { value: 'false', label: t('press.no') },
  ];
  return (
    <Modal opened onClose={onClose} title={t('pressEditing.incident.edit')} size="xl">
      <form onSubmit={(e) => void submit(e)}>
        <Stack gap="sm">
          <ErrorAlert error={Object.keys(errors).length > 0 ? null : error} />
          <TextInput label={t('press.field.title')} required {...field('title')} />
          <Group grow align="flex-start">
            <TextInput label={t('press.field.date')} required {...field('occurred')} />
            <TextInput label={t('press.field.disputed')} description={t('pressEditing.incident.disputedHint')} {...field('disputed')} />
          </Group>
          <TextInput label={t('pressEditing.incident.dateNote')} {...field('dateNote')} />
          <Group grow align="flex-start">
            <TextInput label={t('pressEditing.incident.country')} maxLength={2} {...field('country')} />
            <TextInput label={t('press.field.city')} {...field('city')} />
            {seesPlace && <TextInput label={t('press.field.placeExact')} {...field('placeExact')} />}
          </Group>
          <Group grow align="flex-start">
            <NativeSelect label={t('pressEditing.incident.context')} data={[{ value: '', label: '—' }, ...INCIDENT_CONTEXTS.map((c) => ({ value: c, label: t(`pressEditing.context.${c}`) }))]} {...field('context')} />
            <NativeSelect label={t('pressEditing.incident.alertCategory')} data={[{ value: '', label: '—' }, ...ALERT_CATEGORIES.map((c) => ({ value: c, label: t(`pressEditing.alertCategory.${c}`) }))]} {...field('alertCategory')} />
            <NativeSelect label={t('pressEditing.incident.workRelation')} data={WORK_RELATIONS.map((c) => ({ value: c, label: t(`pressEditing.workRelation.${c}`) }))} {...field('workRelation')} />
          </Group>
          <Group grow align="flex-start">
            <NativeSelect label={t('pressEditing.incident.priorThreats')} data={yesNo} {...field('priorThreats')} />
            <NativeSelect label={t('pressEditing.incident.surveillance')} data={yesNo} {...field('surveillance')} />
            <TextInput label={t('pressEditing.incident.externalRef')} {...field('externalRef')} />
          </Group>
          <Textarea label={t('press.field.narrative')} autosize minRows={3} {...field('narrative')} />
          <Textarea label={t('pressEditing.incident.internalNotes')} autosize minRows={2} {...field('internalNotes')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('pressEditing.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('press.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Requests to the state (UNESCO, Council of Europe, ...) and whether and what it answered. */
export function StateRequestsPanel({ incident: i, canEdit, onSaved }: { incident: Incident; canEdit: boolean; onSaved: Saved }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Paper withBorder p="md" data-testid="state-requests">
      <Title order={2} size="h5" mb="xs">{t('pressEditing.requests.title')}</Title>
      {i.stateRequests.length === 0 ? (
        <Text size="sm" c="dimmed">{t('pressEditing.requests.none')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('pressEditing.requests.mechanism')}</Table.Th>
              <Table.Th>{t('pressEditing.requests.requestedOn')}</Table.Th>
              <Table.Th>{t('pressEditing.requests.answer')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {i.stateRequests.map((r) => (
              <Table.Tr key={r.id} data-testid="state-request">
                <Table.Td>{t(`pressEditing.mechanism.${r.mechanism}`)}</Table.Td>
                <Table.Td>{f.day(r.requestedOn)}</Table.Td>
                <Table.Td>
                  {r.answeredOn ? (
                    <Text size="sm">{f.day(r.answeredOn)}{r.reply ? `: ${r.reply}` : ''}</Text>
                  ) : (
                    <Badge color="orange" variant="light">{t('pressEditing.requests.unanswered')}</Badge>
                  )}
                  {canEdit && <ReplyForm incidentId={i.id} request={r} onSaved={onSaved} />}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canEdit && <AddRequestForm incidentId={i.id} onSaved={onSaved} />}
    </Paper>
  );
}

function AddRequestForm({ incidentId, onSaved }: { incidentId: string; onSaved: Saved }) {
  const { t } = useTranslation();
  const empty = { mechanism: 'unesco', requestedOn: '' };
  const [f, setF] = useState(empty);
  const { errors, busy, run } = useIncidentWrite(onSaved);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run('POST', `/press/incidents/${incidentId}/state-requests`, { mechanism: f.mechanism, requestedOn: f.requestedOn.trim() }, () => setF(empty));
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Group align="flex-start" gap="xs" mt="xs">
        <NativeSelect label={t('pressEditing.requests.mechanism')} data={MECHANISMS.map((m) => ({ value: m, label: t(`pressEditing.mechanism.${m}`) }))} value={f.mechanism} onChange={(e) => setF({ ...f, mechanism: e.currentTarget.value })} w={200} />
        <TextInput label={t('pressEditing.requests.requestedOn')} value={f.requestedOn} onChange={(e) => setF({ ...f, requestedOn: e.currentTarget.value })} error={errors.requestedOn} required w={160} />
        <Button type="submit" variant="light" loading={busy} mt={25}>{t('pressEditing.requests.add')}</Button>
      </Group>
    </form>
  );
}

function ReplyForm({ incidentId, request, onSaved }: { incidentId: string; request: Incident['stateRequests'][number]; onSaved: Saved }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ answeredOn: request.answeredOn ?? '', reply: request.reply ?? '' });
  const { errors, busy, run } = useIncidentWrite(onSaved);
  if (!open) {
    return (
      <Button size="compact-xs" variant="subtle" onClick={() => setOpen(true)}>
        {request.answeredOn ? t('pressEditing.requests.changeReply') : t('pressEditing.requests.recordReply')}
      </Button>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run('PATCH', `/press/incidents/${incidentId}/state-requests/${request.id}`, { answeredOn: orNull(f.answeredOn), reply: orNull(f.reply) })) setOpen(false);
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack gap={4} mt={4}>
        <TextInput size="xs" label={t('pressEditing.requests.answeredOn')} value={f.answeredOn} onChange={(e) => setF({ ...f, answeredOn: e.currentTarget.value })} error={errors.answeredOn} />
        <Textarea size="xs" label={t('pressEditing.requests.reply')} autosize minRows={2} value={f.reply} onChange={(e) => setF({ ...f, reply: e.currentTarget.value })} error={errors.reply} />
        <Group gap="xs">
          <Button size="compact-sm" type="submit" loading={busy}>{t('pressEditing.requests.saveReply')}</Button>
          <Button size="compact-sm" variant="default" onClick={() => setOpen(false)}>{t('pressEditing.cancel')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Related incidents: retaliation, the same outlet, a follow-up abroad. */
export function LinksPanel({ incident: i, canEdit, onSaved }: { incident: Incident; canEdit: boolean; onSaved: Saved }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid="links">
      <Title order={2} size="h5" mb="xs">{t('press.related')}</Title>
      {i.links.length === 0 && <Text size="sm" c="dimmed">{t('pressEditing.links.none')}</Text>}
      {i.links.map((l) => (
        <Group key={l.relatedId} gap="xs" data-testid="link">
          <Badge variant="light">{t(`pressEditing.linkKind.${l.kind}`)}</Badge>
          <Anchor component={Link} to={`/press/${l.relatedId}`} size="sm">{l.relatedTitle}</Anchor>
          {l.note && <Text size="sm" c="dimmed">{l.note}</Text>}
        </Group>
      ))}
      {canEdit && <AddLinkForm incident={i} onSaved={onSaved} />}
    </Paper>
  );
}

const IncidentPage = z.object({ items: z.array(IncidentListItem), nextCursor: z.string().nullable() });

function AddLinkForm({ incident, onSaved }: { incident: Incident; onSaved: Saved }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const [relatedId, setRelatedId] = useState('');
  const [kind, setKind] = useState<string>('retaliation');
  const [note, setNote] = useState('');
  const { errors, busy, run } = useIncidentWrite(onSaved);
  const found = useQuery({
    queryKey: ['press', 'incidents', 'link-search', debounced],
    queryFn: () => api('GET', withQuery('/press/incidents', { q: debounced, limit: 20 }), undefined, IncidentPage),
    enabled: debounced.length > 0,
  });
  const linked = new Set(incident.links.map((l) => l.relatedId));
  const options = (found.data?.items ?? []).filter((c) => c.id !== incident.id && !linked.has(c.id));
  const chosen = options.some((o) => o.id === relatedId) ? relatedId : (options[0]?.id ?? '');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    await run('POST', `/press/incidents/${incident.id}/links`, { relatedId: chosen, kind, ...(note.trim() ? { note: note.trim() } : {}) }, () => {
      setQ('');
      setNote('');
      setRelatedId('');
    });
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack gap="xs" mt="xs">
        <Group align="flex-start" gap="xs">
          <TextInput label={t('pressEditing.links.find')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={220} />
          <NativeSelect
            label={t('pressEditing.links.incident')}
            data={options.length ? options.map((o) => ({ value: o.id, label: `${o.title} (${f.incident(o.occurred)})` })) : [{ value: '', label: debounced ? t('pressEditing.links.noMatch') : '—' }]}
            value={chosen}
            onChange={(e) => setRelatedId(e.currentTarget.value)}
            error={errors.relatedId}
            w={280}
          />
        </Group>
        <Group align="flex-start" gap="xs">
          <NativeSelect label={t('pressEditing.links.kind')} data={LINK_KINDS.map((k) => ({ value: k, label: t(`pressEditing.linkKind.${k}`) }))} value={kind} onChange={(e) => setKind(e.currentTarget.value)} w={200} />
          <TextInput label={t('pressEditing.links.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors.note} w={220} />
          <Button type="submit" variant="light" loading={busy} disabled={!chosen} mt={25}>{t('pressEditing.links.add')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
