import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ActionIcon, Alert, Button, Card, Checkbox, Grid, Group, MultiSelect, NativeSelect, NumberInput, SegmentedControl, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { CONTACT_CATEGORIES, CONTACT_TYPES, CONTACTOR_TYPES, PERSON_ROLES, SEXES, URGENCIES } from '../../../../shared/hotline.ts';
import { ContactFormBody, DraftView, type ContactDraftData, type ContactView } from '../../../../shared/schemas/contacts.ts';
import { api, isApiError } from '../../../api/client.ts';
import { contactDraftKey } from '../../../api/localCopies.ts';
import { useUser } from '../../../api/session.ts';
import { useFormSubmit } from '../../../components/errors.tsx';
import { ConsoleErrorAlert } from './errors.tsx';
import { useFormatDateTime } from '../../../components/format.ts';
import { contactKey, loadDraft, QUEUE_KEY } from './api.ts';
import { hl } from './labels.ts';

type Draft = z.infer<typeof ContactDraftData>;
type Person = NonNullable<Draft['persons']>[number];
type SaveState = { kind: 'idle' | 'saving' | 'saved' | 'offline' | 'conflict' | 'error'; at?: string; error?: unknown };

const LANGUAGES = ['az', 'ru', 'en', 'tr', 'fa', 'uk'];

/**
 * What was typed but not yet stored on the server, kept in the browser until it is (a lost network,
 * a closed tab), with the id of the user who typed it: another user's copy is never taken up but
 * removed. All copies go on sign-out, on a 401 and when the contact is closed (`localCopies.ts`).
 */
type LocalCopy = { data: Draft; baseVersion: number; userId: string };
function readLocal(id: string, userId: string): LocalCopy | null {
  try {
    const raw = localStorage.getItem(contactDraftKey(id));
    const copy = raw ? (JSON.parse(raw) as Partial<LocalCopy>) : null;
    if (!copy) return null;
    if (copy.userId !== userId || !copy.data) {
      localStorage.removeItem(contactDraftKey(id));
      return null;
    }
    return copy as LocalCopy;
  } catch {
    return null;
  }
}
function writeLocal(id: string, copy: Omit<LocalCopy, 'userId'> | null, userId?: string) {
  try {
    if (copy && userId) localStorage.setItem(contactDraftKey(id), JSON.stringify({ ...copy, userId }));
    else localStorage.removeItem(contactDraftKey(id));
  } catch {
    // Private browsing or a full storage: the server draft is still saved.
  }
}

function fromContact(c: ContactView): Draft {
  return {
    contactorType: c.contactorType,
    contactType: c.contactType,
    language: c.language,
    region: c.region,
    city: c.city ?? null,
    persons: c.persons ?? [],
    categories: c.categories,
    summary: c.summary ?? null,
    urgency: c.urgency,
  };
}

const blank = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);

/**
 * The contact form. Every change is saved to the server's draft a moment later (and kept in the
 * browser until it is), so a reload, a closed tab, a lost network or a server restart loses nothing.
 * A draft saved meanwhile from another tab is a conflict the operator resolves.
 */
export function ContactForm({ contact }: { contact: ContactView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const fmt = useFormatDateTime();
  const id = contact.id;
  const userId = useUser().id;
  const [values, setValues] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const version = useRef(0);
  const dirty = useRef(false);
  const latest = useRef<Draft | null>(null);
  const inflight = useRef(false);
  const retry = useRef<ReturnType<typeof setTimeout> | null>(null);
  const f = useFormSubmit();
  const [submittedAt, setSubmittedAt] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    loadDraft(id)
      .then((d) => {
        if (cancelled) return;
        const local = readLocal(id, userId);
        if (local) {
          // Typed here but never stored: take it up and store it now. If another tab saved since,
          // the save is refused as a conflict and the operator chooses; nothing typed is dropped.
          version.current = local.baseVersion;
          setValues(local.data);
          latest.current = local.data;
          dirty.current = true;
        } else {
          version.current = d?.version ?? 0;
          const start = d?.data ?? fromContact(contact);
          setValues(start);
          latest.current = start;
          if (d) setSave({ kind: 'saved', at: d.updatedAt });
        }
      })
      .catch((e: unknown) => !cancelled && setLoadError(e));
    return () => {
      cancelled = true;
    };
    // The draft is loaded once per contact; later changes of the contact do not overwrite what is typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  const saveNow = useCallback(async (): Promise<void> => {
    if (inflight.current || !dirty.current || !latest.current) return;
    if (retry.current) clearTimeout(retry.current);
    retry.current = null;
    inflight.current = true;
    const sent = latest.current;
    setSave({ kind: 'saving' });
    try {
      const r = await api('PUT', `/contacts/${id}/draft`, { data: sent, baseVersion: version.current }, DraftView);
      version.current = r.version;
      if (latest.current === sent) {
        dirty.current = false;
        writeLocal(id, null);
      } else {
        writeLocal(id, { data: latest.current, baseVersion: r.version }, userId);
      }
      setSave({ kind: 'saved', at: r.updatedAt });
    } catch (e) {
      if (isApiError(e, 'draft_conflict')) setSave({ kind: 'conflict' });
      else if (isApiError(e) && (e.status === 0 || e.status >= 500)) {
        setSave({ kind: 'offline' });
        retry.current = setTimeout(() => void saveNow(), 3000);
      } else setSave({ kind: 'error', error: e });
    } finally {
      inflight.current = false;
    }
    // Changes typed while this save was on its way go next.
    if (dirty.current && latest.current !== sent && !retry.current) void saveNow();
  }, [id, userId]);

  // A short pause after typing, then save; the browser copy is written at once.
  useEffect(() => {
    if (!values || !dirty.current) return;
    writeLocal(id, { data: values, baseVersion: version.current }, userId);
    const timer = setTimeout(() => void saveNow(), 600);
    return () => clearTimeout(timer);
  }, [values, id, saveNow, userId]);

  useEffect(() => {
    const online = () => void saveNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      if (retry.current) clearTimeout(retry.current);
    };
  }, [saveNow]);

  const change = (patch: Partial<Draft>) => {
    setValues((v) => {
      const next = { ...(v ?? {}), ...patch };
      latest.current = next;
      dirty.current = true;
      return next;
    });
  };

  const takeSaved = async () => {
    const d = await loadDraft(id);
    version.current = d?.version ?? 0;
    const v = d?.data ?? fromContact(contact);
    latest.current = v;
    dirty.current = false;
    writeLocal(id, null);
    setValues(v);
    setSave(d ? { kind: 'saved', at: d.updatedAt } : { kind: 'idle' });
  };
  const keepMine = async () => {
    const d = await loadDraft(id);
    version.current = d?.version ?? 0;
    dirty.current = true;
    await saveNow();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!values) return;
    const body = {
      contactorType: values.contactorType ?? undefined,
      contactType: values.contactType ?? undefined,
      language: blank(values.language),
      region: blank(values.region),
      city: blank(values.city),
      persons: (values.persons ?? []).map((p) => ({ role: p.role ?? 'potential_victim', sex: p.sex ?? 'unknown', age: p.age ?? null, possiblyChild: p.possiblyChild ?? false, nationality: p.nationality ?? null })),
      categories: values.categories ?? [],
      summary: blank(values.summary),
      urgency: values.urgency ?? 'normal',
    };
    void f.submit(ContactFormBody, body, async (data) => {
      await api('PUT', `/contacts/${id}/form`, data);
      dirty.current = false;
      version.current = 0;
      writeLocal(id, null);
      setSave({ kind: 'idle' });
      await Promise.all([qc.invalidateQueries({ queryKey: contactKey(id) }), qc.invalidateQueries({ queryKey: QUEUE_KEY })]);
      setSubmittedAt(new Date().toISOString());
    });
  };

  if (loadError) return <ConsoleErrorAlert error={loadError} />;
  if (!values) return null;
  const persons = values.persons ?? [];
  const setPerson = (i: number, patch: Partial<Person>) => change({ persons: persons.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const categoryData = Object.entries(CONTACT_CATEGORIES).map(([cat, subs]) => ({
    group: hl(t, 'category', cat),
    items: (subs as readonly string[]).map((s) => ({ value: `${cat}.${s}`, label: `${hl(t, 'category', cat)}: ${hl(t, 'subcategory', s)}` })),
  }));
  const opt = (group: Parameters<typeof hl>[1], list: readonly string[], empty = true) => [
    ...(empty ? [{ value: '', label: '—' }] : []),
    ...list.map((v) => ({ value: v, label: hl(t, group, v) })),
  ];

  return (
    <Card withBorder padding="md">
      <form onSubmit={submit} noValidate aria-label={t('hotlineConsole.form.title')}>
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} size="h4">{t('hotlineConsole.form.title')}</Title>
            <SaveIndicator save={save} fmt={fmt} />
          </Group>
          {save.kind === 'conflict' && (
            <Alert color="orange" title={t('hotlineConsole.form.conflictTitle')} data-testid="draft-conflict">
              <Stack gap="xs">
                <Text size="sm">{t('hotlineConsole.form.conflict')}</Text>
                <Group>
                  <Button size="xs" variant="default" onClick={() => void takeSaved()}>{t('hotlineConsole.form.takeSaved')}</Button>
                  <Button size="xs" onClick={() => void keepMine()}>{t('hotlineConsole.form.keepMine')}</Button>
                </Group>
              </Stack>
            </Alert>
          )}
          {save.kind === 'error' && <ConsoleErrorAlert error={save.error} />}
          <ConsoleErrorAlert error={f.error} />
          {submittedAt && !dirty.current && <Alert color="teal" variant="light" data-testid="form-submitted">{t('hotlineConsole.form.submitted')}</Alert>}
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <NativeSelect label={t('hotlineConsole.field.contactorType')} value={values.contactorType ?? ''} onChange={(e) => change({ contactorType: (e.currentTarget.value || null) as Draft['contactorType'] })} data={opt('contactorType', CONTACTOR_TYPES)} error={f.errors.contactorType} withAsterisk />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <NativeSelect label={t('hotlineConsole.field.contactType')} value={values.contactType ?? ''} onChange={(e) => change({ contactType: (e.currentTarget.value || null) as Draft['contactType'] })} data={opt('contactType', CONTACT_TYPES)} error={f.errors.contactType} withAsterisk />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <NativeSelect label={t('hotlineConsole.field.language')} value={values.language ?? ''} onChange={(e) => change({ language: e.currentTarget.value || null })} data={[{ value: '', label: '—' }, ...LANGUAGES.map((l) => ({ value: l, label: t(`hotlineConsole.language.${l}`) }))]} error={f.errors.language} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <TextInput label={t('hotlineConsole.field.region')} value={values.region ?? ''} onChange={(e) => change({ region: e.currentTarget.value })} error={f.errors.region} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <TextInput label={t('hotlineConsole.field.city')} value={values.city ?? ''} onChange={(e) => change({ city: e.currentTarget.value })} error={f.errors.city} />
            </Grid.Col>
          </Grid>
          <Stack gap={6}>
            <Text size="sm" fw={500}>{t('hotlineConsole.field.persons')}</Text>
            {persons.map((p, i) => (
              <Group key={i} gap="xs" align="flex-end" wrap="wrap" data-testid="person-row">
                <NativeSelect label={t('hotlineConsole.person.role')} value={p.role ?? 'potential_victim'} onChange={(e) => setPerson(i, { role: e.currentTarget.value as Person['role'] })} data={opt('personRole', PERSON_ROLES, false)} />
                <NativeSelect label={t('hotlineConsole.person.sex')} value={p.sex ?? 'unknown'} onChange={(e) => setPerson(i, { sex: e.currentTarget.value as Person['sex'] })} data={opt('sex', SEXES, false)} />
                <NumberInput label={t('hotlineConsole.person.age')} w={90} min={0} max={120} allowDecimal={false} value={p.age ?? ''} onChange={(v) => setPerson(i, { age: typeof v === 'number' ? v : null })} error={f.errors[`persons.${i}.age`]} />
                <Checkbox label={t('hotlineConsole.person.possiblyChild')} checked={p.possiblyChild ?? false} onChange={(e) => setPerson(i, { possiblyChild: e.currentTarget.checked })} mb={8} />
                <ActionIcon variant="subtle" color="red" aria-label={t('hotlineConsole.person.remove')} onClick={() => change({ persons: persons.filter((_, j) => j !== i) })} mb={4}>✕</ActionIcon>
              </Group>
            ))}
            <Group>
              <Button size="xs" variant="light" onClick={() => change({ persons: [...persons, { role: 'potential_victim', sex: 'unknown', age: null, possiblyChild: false }] })}>{t('hotlineConsole.person.add')}</Button>
            </Group>
          </Stack>
          <MultiSelect label={t('hotlineConsole.field.categories')} data={categoryData} value={values.categories ?? []} onChange={(v) => change({ categories: v })} searchable clearable error={f.errors.categories} comboboxProps={{ withinPortal: true }} />
          <Textarea label={t('hotlineConsole.field.summary')} value={values.summary ?? ''} onChange={(e) => change({ summary: e.currentTarget.value })} autosize minRows={3} error={f.errors.summary} />
          <Stack gap={4}>
            <Text size="sm" fw={500}>{t('hotlineConsole.field.urgency')}</Text>
            <SegmentedControl value={values.urgency ?? 'normal'} onChange={(v) => change({ urgency: v as Draft['urgency'] })} data={URGENCIES.map((u) => ({ value: u, label: hl(t, 'urgency', u) }))} aria-label={t('hotlineConsole.field.urgency')} />
          </Stack>
          <Group justify="flex-end">
            <Button type="submit" loading={f.busy} data-testid="submit-form">{t('hotlineConsole.form.submit')}</Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function SaveIndicator({ save, fmt }: { save: SaveState; fmt: (iso: string | null | undefined) => string }) {
  const { t } = useTranslation();
  const color = { idle: 'dimmed', saving: 'dimmed', saved: 'teal.8', offline: 'orange.8', conflict: 'orange.8', error: 'red' }[save.kind];
  const text =
    save.kind === 'saved' ? t('hotlineConsole.save.saved', { at: fmt(save.at) }) : t(`hotlineConsole.save.${save.kind}`);
  return <Text size="xs" c={color} role="status" data-testid="save-state" data-state={save.kind}>{text}</Text>;
}
