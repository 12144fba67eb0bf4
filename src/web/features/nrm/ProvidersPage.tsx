import { useState, type FormEvent } from 'react';
import { Badge, Button, Checkbox, Group, Modal, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Table, TagsInput, Text, TextInput, Textarea, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { SERVICE_TYPES } from '../../../shared/nrm.ts';
import { CapacityBody, CreateProviderBody, PROVIDER_SORTS, ProviderView, UpdateProviderBody, type ProviderSort } from '../../../shared/schemas/providers.ts';
import { api } from '../../api/client.ts';
import { usePagedList } from '../../api/lists.ts';
import { useCan, useUser } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit, type FieldErrors } from '../../components/errors.tsx';
import { useFormatDateTime } from '../../components/format.ts';
import { Page } from '../../components/Page.tsx';
import { SortHeader } from '../../components/SortHeader.tsx';
import { useAgencyOptions } from '../agencies/useAgencyOptions.ts';
import { PROVIDERS_KEY } from './api.ts';
import { codeLabel, options } from './labels.ts';

const SEXES = ['female', 'male', 'other'] as const;
/** Languages offered in the pickers (the directory accepts any ISO 639 code; a provider's own codes are always added). */
const COMMON_LANGUAGES = ['az', 'ru', 'en', 'tr', 'fa', 'ka', 'hy', 'uk', 'uz', 'tk', 'kk', 'ky', 'tg', 'ar', 'zh', 'hi', 'ur', 'bn', 'ne', 'fr', 'de', 'lez', 'tly'];

/** A language's name in the interface language (the code when the browser does not know it). */
export function useLanguageName() {
  const { i18n } = useTranslation();
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([i18n.language], { type: 'language' });
  } catch {
    names = null;
  }
  return (code: string) => {
    try {
      const n = names?.of(code);
      return n && n !== code ? n : code;
    } catch {
      return code;
    }
  };
}

const languageOptions = (name: (c: string) => string, extra: readonly string[] = []) =>
  [...new Set([...COMMON_LANGUAGES, ...extra])].map((c) => ({ value: c, label: `${name(c)} (${c})` }));

const num = (v: number | string): number | null => (typeof v === 'number' ? v : v.trim() === '' ? null : Number(v));

/** The server's field messages about providers in the user's language (the rest as the server said them). */
function providerFieldErrors(t: TFunction, errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, msg] of Object.entries(errors)) {
    const atMost = /^at most (\d+)$/.exec(msg);
    const atLeast = /^at least the (\d+) free now$/.exec(msg);
    const key = field.replace(/\.\d+$/, '');
    if (atMost) out[key] = t('nrmProviders.capacity.atMost', { count: Number(atMost[1]) });
    else if (atLeast) out[key] = t('nrmProviders.capacity.atLeastFree', { count: Number(atLeast[1]) });
    else if (msg === 'not above maxAge') out[key] = t('nrmProviders.error.ageRange');
    else if (key === 'phone') out[key] = t('nrmProviders.error.phone');
    else if (key === 'languages') out[key] = t('nrmProviders.error.languages');
    else out[key] ??= msg;
  }
  return out;
}

/** "3 free of 20", full providers marked; "not reported" before the provider has said anything. */
export function CapacityText({ p }: { p: ProviderView }) {
  const { t } = useTranslation();
  if (p.capacityFree === null) return <Text size="sm" c="dimmed" span>{t('nrmProviders.capacityUnknown')}</Text>;
  return (
    <Group gap={6} wrap="nowrap" component="span">
      <Text size="sm" fw={600} span data-testid="provider-free">
        {p.capacityTotal === null ? t('nrmProviders.freeNoTotal', { free: p.capacityFree }) : t('nrmProviders.freeOfTotal', { free: p.capacityFree, total: p.capacityTotal })}
      </Text>
      {p.capacityFree === 0 && <Badge color="red" size="sm" data-testid="provider-full">{t('nrmProviders.full')}</Badge>}
    </Group>
  );
}

/** The directory of service providers: search by service, region, language, age, sex, free places and name. */
export function ProvidersPage() {
  const { t } = useTranslation();
  const can = useCan();
  const user = useUser();
  const qc = useQueryClient();
  const fmt = useFormatDateTime();
  const languageName = useLanguageName();
  const manage = can('providers:manage');
  const [type, setType] = useState<string | null>(null);
  const [region, setRegion] = useState('');
  const [language, setLanguage] = useState<string | null>(null);
  const [age, setAge] = useState<number | string>('');
  const [sex, setSex] = useState<string | null>(null);
  const [minFree, setMinFree] = useState<number | string>('');
  const [name, setName] = useState('');
  const [includeInactive, setIncludeInactive] = useState(false);
  const [debouncedRegion] = useDebouncedValue(region.trim(), 300);
  const [debouncedName] = useDebouncedValue(name.trim(), 300);
  const ageN = num(age);
  const minFreeN = num(minFree);
  // The order of a clicked header, kept in the address (`?sort=`): reload and back keep it; a new order starts from the first page.
  const [params, setParams] = useSearchParams();
  const asked = params.get('sort');
  const sort: ProviderSort = PROVIDER_SORTS.find((s) => s === asked) ?? '-created';
  const setSort = (next: string) => setParams((p) => { const n = new URLSearchParams(p); n.set('sort', next); return n; }, { replace: true });
  const list = usePagedList(PROVIDERS_KEY, '/providers', ProviderView, {
    sort,
    type: type ?? undefined,
    region: debouncedRegion || undefined,
    language: language ?? undefined,
    age: ageN !== null && Number.isInteger(ageN) && ageN >= 0 && ageN <= 120 ? ageN : undefined,
    sex: sex ?? undefined,
    minFree: minFreeN !== null && Number.isInteger(minFreeN) && minFreeN >= 1 ? minFreeN : undefined,
    q: debouncedName.length >= 2 ? debouncedName : undefined,
    includeInactive: manage && includeInactive ? 'true' : undefined,
    limit: 50,
  });
  const [editing, setEditing] = useState<ProviderView | 'new' | null>(null);
  const [capacityOf, setCapacityOf] = useState<ProviderView | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: PROVIDERS_KEY });

  return (
    <Page title={t('nrmProviders.title')} description={t('nrmProviders.intro')} actions={manage && <Button onClick={() => setEditing('new')}>{t('nrmProviders.add')}</Button>}>
      <Group align="flex-end" aria-label={t('common.search')} role="search">
        <Select label={t('nrmProviders.filter.type')} data={options(t, 'service', SERVICE_TYPES)} value={type} onChange={setType} clearable placeholder={t('common.all')} w={200} />
        <TextInput label={t('nrmProviders.filter.region')} value={region} onChange={(e) => setRegion(e.currentTarget.value)} maxLength={100} w={160} />
        <Select label={t('nrmProviders.filter.language')} data={languageOptions(languageName)} value={language} onChange={setLanguage} clearable searchable placeholder={t('common.all')} w={180} />
        <NumberInput label={t('nrmProviders.filter.age')} value={age} onChange={setAge} min={0} max={120} allowDecimal={false} allowNegative={false} w={130} />
        <Select label={t('nrmProviders.filter.sex')} data={options(t, 'sex', SEXES)} value={sex} onChange={setSex} clearable placeholder={t('common.all')} w={150} />
        <NumberInput label={t('nrmProviders.filter.minFree')} value={minFree} onChange={setMinFree} min={1} allowDecimal={false} allowNegative={false} w={150} />
        <TextInput label={t('nrmProviders.filter.name')} type="search" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} w={200} />
        {manage && <Checkbox label={t('nrmProviders.filter.includeInactive')} checked={includeInactive} onChange={(e) => setIncludeInactive(e.currentTarget.checked)} mb={8} />}
      </Group>
      <ErrorAlert error={list.error} />
      <Table.ScrollContainer minWidth={960}>
        <Table striped highlightOnHover verticalSpacing="sm" bg="white">
          <Table.Thead>
            <Table.Tr>
              <SortHeader label={t('nrmProviders.column.provider')} sortKey="name" value={sort} onChange={setSort} />
              <Table.Th>{t('nrmProviders.column.services')}</Table.Th>
              <Table.Th>{t('nrmProviders.column.regions')}</Table.Th>
              <Table.Th>{t('nrmProviders.column.languages')}</Table.Th>
              <Table.Th>{t('nrmProviders.column.serves')}</Table.Th>
              <SortHeader label={t('nrmProviders.column.capacity')} sortKey="free" value={sort} onChange={setSort} />
              <Table.Th><VisuallyHidden>{t('common.actions')}</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.isSuccess && list.items.length === 0 && (
              <Table.Tr><Table.Td colSpan={7}><Text c="dimmed" size="sm">{t('nrmProviders.none')}</Text></Table.Td></Table.Tr>
            )}
            {list.items.map((p) => (
              <Table.Tr key={p.id} data-testid="provider-row" bg={p.capacityFree === 0 ? 'red.0' : undefined}>
                <Table.Td>
                  <Text size="sm" fw={600}>{p.name}</Text>
                  <Text size="xs" c="dimmed">{p.agencyName}</Text>
                  {[p.address, p.phone].some(Boolean) && <Text size="xs">{[p.address, p.phone].filter(Boolean).join(' · ')}</Text>}
                  {!p.active && <Badge color="gray" size="sm">{t('nrmProviders.inactive')}</Badge>}
                </Table.Td>
                <Table.Td><Text size="sm">{p.serviceTypes.map((s) => codeLabel(t, 'service', s)).join(', ')}</Text></Table.Td>
                <Table.Td><Text size="sm">{p.regions.join(', ') || '—'}</Text></Table.Td>
                <Table.Td><Text size="sm">{p.languages.map(languageName).join(', ') || '—'}</Text></Table.Td>
                <Table.Td>
                  <Text size="sm">{t('nrmProviders.ages', { min: p.minAge, max: p.maxAge })}</Text>
                  <Text size="sm">{p.sexesServed.map((s) => codeLabel(t, 'sex', s)).join(', ')}</Text>
                </Table.Td>
                <Table.Td>
                  <CapacityText p={p} />
                  <Text size="xs" c="dimmed" data-testid="provider-updated">{p.capacityUpdatedAt ? t('nrmProviders.updatedOn', { date: fmt(p.capacityUpdatedAt) }) : t('nrmProviders.neverUpdated')}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    {(manage || p.agencyId === user.agency.id) && <Button size="xs" variant="light" onClick={() => setCapacityOf(p)}>{t('nrmProviders.capacity.update')}</Button>}
                    {manage && <Button size="xs" variant="default" onClick={() => setEditing(p)} aria-label={t('nrmProviders.editTitle', { name: p.name })}>{t('nrmProviders.edit')}</Button>}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Stack align="center">
        {list.hasNextPage && <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>{t('common.loadMore')}</Button>}
      </Stack>
      {capacityOf && <CapacityModal p={capacityOf} onClose={() => setCapacityOf(null)} onSaved={refresh} />}
      {editing && <ProviderFormModal provider={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={refresh} />}
    </Page>
  );
}

/** The provider's own staff say how many places are free now (and, if it changed, how many there are). */
function CapacityModal({ p, onClose, onSaved }: { p: ProviderView; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const [free, setFree] = useState<number | string>(p.capacityFree ?? '');
  const [total, setTotal] = useState<number | string>(p.capacityTotal ?? '');
  const { errors, error, busy, submit } = useFormSubmit();
  const fieldErrors = providerFieldErrors(t, errors);
  // The shared schema refuses a negative number; say so in words rather than "invalid".
  if (fieldErrors.capacityFree && (num(free) ?? 0) < 0) fieldErrors.capacityFree = t('nrmProviders.capacity.notNegative');
  if (fieldErrors.capacityTotal && (num(total) ?? 0) < 0) fieldErrors.capacityTotal = t('nrmProviders.capacity.notNegative');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = { capacityFree: num(free) ?? undefined, capacityTotal: num(total) };
    void submit(CapacityBody, body, async (b) => {
      await api('PUT', `/providers/${p.id}/capacity`, b, ProviderView);
      notifications.show({ color: 'teal', message: t('nrmProviders.capacity.saved') });
      await onSaved();
      onClose();
    });
  };
  return (
    <Modal opened onClose={onClose} title={t('nrmProviders.capacity.title', { name: p.name })}>
      <form onSubmit={onSubmit} noValidate aria-label={t('nrmProviders.capacity.update')}>
        <Stack>
          <ErrorAlert error={error} />
          <NumberInput label={t('nrmProviders.capacity.free')} value={free} onChange={setFree} allowDecimal={false} error={fieldErrors.capacityFree} data-autofocus />
          <NumberInput label={t('nrmProviders.capacity.total')} value={total} onChange={setTotal} allowDecimal={false} error={fieldErrors.capacityTotal} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('nrmProviders.capacity.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Add a provider, or change one (every field; "active" off hides it from searches). */
function ProviderFormModal({ provider, onClose, onSaved }: { provider: ProviderView | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const agencies = useAgencyOptions();
  const languageName = useLanguageName();
  const [agencyId, setAgencyId] = useState<string | null>(provider?.agencyId ?? null);
  const [name, setName] = useState(provider?.name ?? '');
  const [serviceTypes, setServiceTypes] = useState<string[]>(provider?.serviceTypes ?? []);
  const [regions, setRegions] = useState<string[]>(provider?.regions ?? []);
  const [languages, setLanguages] = useState<string[]>(provider?.languages ?? []);
  const [minAge, setMinAge] = useState<number | string>(provider?.minAge ?? 0);
  const [maxAge, setMaxAge] = useState<number | string>(provider?.maxAge ?? 120);
  const [sexesServed, setSexes] = useState<string[]>(provider?.sexesServed ?? [...SEXES]);
  const [address, setAddress] = useState(provider?.address ?? '');
  const [phone, setPhone] = useState(provider?.phone ?? '');
  const [description, setDescription] = useState(provider?.description ?? '');
  const [capacityTotal, setCapacityTotal] = useState<number | string>(provider?.capacityTotal ?? '');
  const [active, setActive] = useState(provider?.active ?? true);
  const { errors, error, busy, submit } = useFormSubmit();
  const fieldErrors = providerFieldErrors(t, errors);
  // The shared schema's age-range rule comes back as "invalid": say which way it is wrong.
  if (fieldErrors.minAge && (num(minAge) ?? 0) > (num(maxAge) ?? 120)) fieldErrors.minAge = t('nrmProviders.error.ageRange');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const fields = {
      name,
      serviceTypes,
      regions,
      languages,
      minAge: num(minAge) ?? undefined,
      maxAge: num(maxAge) ?? undefined,
      sexesServed,
      address: address.trim() || null,
      phone: phone.trim() || null,
      description: description.trim() || null,
      capacityTotal: num(capacityTotal),
    };
    if (provider) {
      void submit(UpdateProviderBody, { ...fields, active }, async (b) => {
        await api('PATCH', `/providers/${provider.id}`, b, ProviderView);
        notifications.show({ color: 'teal', message: t('common.saved') });
        await onSaved();
        onClose();
      });
    } else {
      void submit(CreateProviderBody, { ...fields, agencyId: agencyId ?? undefined }, async (b) => {
        await api('POST', '/providers', b, ProviderView);
        notifications.show({ color: 'teal', message: t('common.saved') });
        await onSaved();
        onClose();
      });
    }
  };
  return (
    <Modal opened onClose={onClose} title={provider ? t('nrmProviders.editTitle', { name: provider.name }) : t('nrmProviders.addTitle')} size="xl">
      <form onSubmit={onSubmit} noValidate aria-label={provider ? t('nrmProviders.editTitle', { name: provider.name }) : t('nrmProviders.addTitle')}>
        <Stack gap="sm">
          <ErrorAlert error={error} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
            {provider ? (
              <Text size="sm"><b>{t('nrmProviders.field.agency')}:</b> {provider.agencyName}</Text>
            ) : (
              <Select label={t('nrmProviders.field.agency')} data={agencies.data ?? []} value={agencyId} onChange={setAgencyId} searchable required error={fieldErrors.agencyId} />
            )}
            <TextInput label={t('nrmProviders.field.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required error={fieldErrors.name} />
            <MultiSelect label={t('nrmProviders.field.serviceTypes')} data={options(t, 'service', SERVICE_TYPES)} value={serviceTypes} onChange={setServiceTypes} searchable required error={fieldErrors.serviceTypes} />
            <TagsInput label={t('nrmProviders.field.regions')} placeholder={t('nrmProviders.field.regionsHint')} value={regions} onChange={setRegions} error={fieldErrors.regions} />
            <MultiSelect label={t('nrmProviders.field.languages')} data={languageOptions(languageName, languages)} value={languages} onChange={setLanguages} searchable error={fieldErrors.languages} />
            <Group grow>
              <NumberInput label={t('nrmProviders.field.minAge')} value={minAge} onChange={setMinAge} min={0} max={120} allowDecimal={false} error={fieldErrors.minAge} />
              <NumberInput label={t('nrmProviders.field.maxAge')} value={maxAge} onChange={setMaxAge} min={0} max={120} allowDecimal={false} error={fieldErrors.maxAge} />
            </Group>
            <Checkbox.Group label={t('nrmProviders.field.sexesServed')} value={sexesServed} onChange={setSexes} error={fieldErrors.sexesServed}>
              <Group mt={4}>{SEXES.map((s) => <Checkbox key={s} value={s} label={codeLabel(t, 'sex', s)} />)}</Group>
            </Checkbox.Group>
            <NumberInput label={t('nrmProviders.field.capacityTotal')} value={capacityTotal} onChange={setCapacityTotal} min={0} allowDecimal={false} error={fieldErrors.capacityTotal} />
            <TextInput label={t('nrmProviders.field.address')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} error={fieldErrors.address} />
            <TextInput label={t('nrmProviders.field.phone')} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={fieldErrors.phone} />
          </SimpleGrid>
          <Textarea label={t('nrmProviders.field.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fieldErrors.description} autosize minRows={2} />
          {provider && <Checkbox label={t('nrmProviders.field.active')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('common.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
