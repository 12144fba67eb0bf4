import { useState, type FormEvent } from 'react';
import { Badge, Button, Group, Modal, Select, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { AgencyView, CreateAgencyBody, UpdateAgencyBody } from '../../../shared/schemas/admin.ts';
import { AGENCY_TYPES, type AgencyType } from '../../../shared/roles.ts';
import { api } from '../../api/client.ts';
import { usePagedList } from '../../api/lists.ts';
import { ErrorAlert, errorText, useFormSubmit } from '../../components/errors.tsx';
import { agencyTypeLabel } from '../../components/labels.ts';
import { Page } from '../../components/Page.tsx';
import { AGENCIES_KEY } from './useAgencyOptions.ts';

type Agency = z.infer<typeof AgencyView>;
const isAgencyType = (v: string | null): v is AgencyType => v !== null && (AGENCY_TYPES as readonly string[]).includes(v);

export function AgenciesPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [type, setType] = useState<AgencyType | null>(null);
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const list = usePagedList(AGENCIES_KEY, '/agencies', AgencyView, { q: debounced || undefined, type: type ?? undefined, limit: 50 });
  const [editing, setEditing] = useState<Agency | 'new' | null>(null);
  const typeOptions = AGENCY_TYPES.map((a) => ({ value: a, label: agencyTypeLabel(t, a) }));

  const setDisabled = async (a: Agency, disabled: boolean) => {
    if (disabled && !window.confirm(t('agencies.disableConfirm', { name: a.name }))) return;
    try {
      await api('PATCH', `/agencies/${a.id}`, { disabled }, AgencyView);
      await qc.invalidateQueries({ queryKey: AGENCIES_KEY });
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    }
  };

  return (
    <Page title={t('nav.agencies')} description={t('agencies.intro')} actions={<Button onClick={() => setEditing('new')}>{t('agencies.create')}</Button>}>
      <Group align="flex-end">
        <TextInput label={t('common.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={320} />
        <Select label={t('field.agencyType')} data={typeOptions} value={type} onChange={(v) => setType(isAgencyType(v) ? v : null)} clearable placeholder={t('common.all')} w={240} />
      </Group>
      <ErrorAlert error={list.error} />
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover verticalSpacing="sm" bg="white">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.name')}</Table.Th>
              <Table.Th>{t('field.agencyType')}</Table.Th>
              <Table.Th>{t('field.region')}</Table.Th>
              <Table.Th>{t('agencies.users')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th><VisuallyHidden>{t('common.actions')}</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.isSuccess && list.items.length === 0 && (
              <Table.Tr><Table.Td colSpan={6}><Text c="dimmed" size="sm">{t('common.nothingFound')}</Text></Table.Td></Table.Tr>
            )}
            {list.items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Text size="sm" fw={600}>{a.name}</Text>
                  {a.shortName && <Text size="xs" c="dimmed">{a.shortName}</Text>}
                </Table.Td>
                <Table.Td><Text size="sm">{agencyTypeLabel(t, a.type)}</Text></Table.Td>
                <Table.Td><Text size="sm">{a.region ?? '—'}</Text></Table.Td>
                <Table.Td><Text size="sm">{a.userCount}</Text></Table.Td>
                <Table.Td>{a.disabled ? <Badge color="gray">{t('users.statusDisabled')}</Badge> : <Badge color="teal" variant="light">{t('users.statusActive')}</Badge>}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => setEditing(a)} aria-label={t('agencies.editTitle', { name: a.name })}>{t('common.edit')}</Button>
                    {a.disabled ? (
                      <Button size="xs" variant="light" onClick={() => void setDisabled(a, false)}>{t('users.enable')}</Button>
                    ) : (
                      <Button size="xs" variant="light" color="red" onClick={() => void setDisabled(a, true)}>{t('users.disable')}</Button>
                    )}
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
      {editing && <AgencyFormModal agency={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => qc.invalidateQueries({ queryKey: AGENCIES_KEY })} />}
    </Page>
  );
}

function AgencyFormModal({ agency, onClose, onSaved }: { agency: Agency | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const [values, setValues] = useState({ name: agency?.name ?? '', shortName: agency?.shortName ?? '', type: (agency?.type ?? null) as AgencyType | null, region: agency?.region ?? '' });
  const { errors, error, busy, submit: send } = useFormSubmit();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name: values.name, type: values.type ?? undefined, shortName: values.shortName.trim() || null, region: values.region.trim() || null };
    await send(agency ? UpdateAgencyBody : CreateAgencyBody, body, async (data) => {
      if (agency) await api('PATCH', `/agencies/${agency.id}`, data, AgencyView);
      else await api('POST', '/agencies', data, AgencyView);
      notifications.show({ color: 'teal', message: t('common.saved') });
      await onSaved();
      onClose();
    });
  };

  return (
    <Modal opened onClose={onClose} title={agency ? t('agencies.editTitle', { name: agency.name }) : t('agencies.create')} size="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput label={t('field.name')} value={values.name} onChange={(e) => { const v = e.currentTarget.value; setValues((s) => ({ ...s, name: v })); }} error={errors.name} required data-autofocus />
          <TextInput label={t('field.shortName')} value={values.shortName} onChange={(e) => { const v = e.currentTarget.value; setValues((s) => ({ ...s, shortName: v })); }} error={errors.shortName} />
          <Select
            label={t('field.agencyType')}
            data={AGENCY_TYPES.map((a) => ({ value: a, label: agencyTypeLabel(t, a) }))}
            value={values.type}
            onChange={(v) => setValues((s) => ({ ...s, type: isAgencyType(v) ? v : null }))}
            error={errors.type}
            allowDeselect={false}
            required
          />
          <TextInput label={t('field.region')} value={values.region} onChange={(e) => { const v = e.currentTarget.value; setValues((s) => ({ ...s, region: v })); }} error={errors.region} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('common.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
