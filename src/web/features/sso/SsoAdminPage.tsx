import { useState, type FormEvent } from 'react';
import { ActionIcon, Alert, Badge, Button, Code, Group, Modal, MultiSelect, PasswordInput, Select, Stack, Switch, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Ok } from '../../../shared/schemas/common.ts';
import { ROLES, type Role } from '../../../shared/roles.ts';
import {
  AssignSsoIdentityBody,
  CreateIdentityProviderBody,
  IdentityProviderView,
  SsoIdentityView,
  SSO_ASSIGNMENTS,
  UpdateIdentityProviderBody,
  type SsoAssignment,
} from '../../../shared/schemas/sso.ts';
import { api } from '../../api/client.ts';
import { usePagedList } from '../../api/lists.ts';
import { ErrorAlert, errorText, useFormSubmit } from '../../components/errors.tsx';
import { roleLabel } from '../../components/labels.ts';
import { Page } from '../../components/Page.tsx';
import { useAgencyOptions } from '../agencies/useAgencyOptions.ts';

const PROVIDERS_KEY = ['identity-providers'];
const PENDING_KEY = ['sso-identities', 'pending'];
const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);
const isAssignment = (v: string | null): v is SsoAssignment => v !== null && (SSO_ASSIGNMENTS as readonly string[]).includes(v);

/** Identity providers for single sign-on, and the first sign-ins waiting for an administrator. */
export function SsoAdminPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const providers = useQuery({ queryKey: PROVIDERS_KEY, queryFn: () => api('GET', '/identity-providers', undefined, z.object({ items: z.array(IdentityProviderView) })) });
  const pending = usePagedList(PENDING_KEY, '/sso-identities', SsoIdentityView, { status: 'pending', limit: 50 });
  const [editing, setEditing] = useState<IdentityProviderView | 'new' | null>(null);
  const [assigning, setAssigning] = useState<SsoIdentityView | null>(null);

  const remove = async (i: SsoIdentityView) => {
    if (!window.confirm(t('sso.admin.removeConfirm', { name: i.name ?? i.email ?? i.subject }))) return;
    try {
      await api('DELETE', `/sso-identities/${i.id}`, undefined, Ok);
      await qc.invalidateQueries({ queryKey: PENDING_KEY });
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    }
  };

  return (
    <Page title={t('sso.admin.title')} description={t('sso.admin.intro')} actions={<Button onClick={() => setEditing('new')}>{t('sso.admin.create')}</Button>}>
      <ErrorAlert error={providers.error} />
      <Table.ScrollContainer minWidth={760}>
        <Table striped verticalSpacing="sm" bg="white">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.name')}</Table.Th>
              <Table.Th>{t('sso.field.issuer')}</Table.Th>
              <Table.Th>{t('sso.field.agency')}</Table.Th>
              <Table.Th>{t('sso.field.assignment')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th><VisuallyHidden>{t('common.actions')}</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {providers.isSuccess && providers.data.items.length === 0 && (
              <Table.Tr><Table.Td colSpan={6}><Text c="dimmed" size="sm">{t('sso.admin.none')}</Text></Table.Td></Table.Tr>
            )}
            {providers.data?.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Text size="sm" fw={600}>{p.name}</Text>
                  {p.fromEnvironment && <Text size="xs" c="dimmed">{t('sso.admin.fromEnvironment')}</Text>}
                </Table.Td>
                <Table.Td><Text size="sm">{p.issuer}</Text></Table.Td>
                <Table.Td><Text size="sm">{p.agency?.name ?? t('sso.wholeInstallation')}</Text></Table.Td>
                <Table.Td><Text size="sm">{t(`sso.assignment.${p.assignment}`)}</Text></Table.Td>
                <Table.Td>{p.enabled ? <Badge color="teal" variant="light">{t('users.statusActive')}</Badge> : <Badge color="gray">{t('users.statusDisabled')}</Badge>}</Table.Td>
                <Table.Td>
                  <Group justify="flex-end">
                    {!p.fromEnvironment && <Button size="xs" variant="default" onClick={() => setEditing(p)} aria-label={t('sso.admin.editTitle', { name: p.name })}>{t('common.edit')}</Button>}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Title order={2} size="h3">{t('sso.admin.pendingTitle')}</Title>
      <Text size="sm" c="dimmed">{t('sso.admin.pendingIntro')}</Text>
      <ErrorAlert error={pending.error} />
      <Table.ScrollContainer minWidth={760}>
        <Table striped verticalSpacing="sm" bg="white">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('field.name')}</Table.Th>
              <Table.Th>{t('field.email')}</Table.Th>
              <Table.Th>{t('sso.field.provider')}</Table.Th>
              <Table.Th>{t('sso.field.subject')}</Table.Th>
              <Table.Th><VisuallyHidden>{t('common.actions')}</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pending.isSuccess && pending.items.length === 0 && (
              <Table.Tr><Table.Td colSpan={5}><Text c="dimmed" size="sm">{t('sso.admin.noPending')}</Text></Table.Td></Table.Tr>
            )}
            {pending.items.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td><Text size="sm">{i.name ?? '—'}</Text></Table.Td>
                <Table.Td><Text size="sm">{i.email ?? '—'}</Text></Table.Td>
                <Table.Td><Text size="sm">{i.provider.name}</Text></Table.Td>
                <Table.Td><Code>{i.subject}</Code></Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" onClick={() => setAssigning(i)}>{t('sso.admin.assign')}</Button>
                    <Button size="xs" variant="light" color="red" onClick={() => void remove(i)}>{t('sso.admin.remove')}</Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pending.hasNextPage && <Button variant="default" loading={pending.isFetchingNextPage} onClick={() => void pending.fetchNextPage()}>{t('common.loadMore')}</Button>}

      {editing && <ProviderFormModal provider={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => qc.invalidateQueries({ queryKey: PROVIDERS_KEY })} />}
      {assigning && <AssignModal identity={assigning} provider={providers.data?.items.find((p) => p.id === assigning.provider.id) ?? null} onClose={() => setAssigning(null)} onSaved={() => qc.invalidateQueries({ queryKey: PENDING_KEY })} />}
    </Page>
  );
}

type Row = { value: string; target: string };
const toRows = (m: Record<string, string>): Row[] => Object.entries(m).map(([value, target]) => ({ value, target }));
const toMap = (rows: Row[]) => Object.fromEntries(rows.filter((r) => r.value.trim() && r.target).map((r) => [r.value.trim(), r.target]));

/** Claim value -> a choice (an agency, a role), one row each. */
function MapEditor({ label, rows, options, onChange, error }: { label: string; rows: Row[]; options: { value: string; label: string }[]; onChange: (rows: Row[]) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  const set = (i: number, r: Partial<Row>) => onChange(rows.map((row, j) => (j === i ? { ...row, ...r } : row)));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>{label}</Text>
      {rows.map((r, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput aria-label={t('sso.field.claimValue')} placeholder={t('sso.field.claimValue')} value={r.value} onChange={(e) => set(i, { value: e.currentTarget.value })} style={{ flex: 1 }} />
          <Select aria-label={label} data={options} value={r.target || null} onChange={(v) => set(i, { target: v ?? '' })} searchable style={{ flex: 1 }} />
          <ActionIcon variant="subtle" color="red" aria-label={t('sso.admin.removeRow')} onClick={() => onChange(rows.filter((_, j) => j !== i))}>×</ActionIcon>
        </Group>
      ))}
      <Group><Button size="xs" variant="subtle" onClick={() => onChange([...rows, { value: '', target: '' }])}>{t('sso.admin.addRow')}</Button></Group>
      {error && <Text size="xs" c="red">{error}</Text>}
    </Stack>
  );
}

function ProviderFormModal({ provider, onClose, onSaved }: { provider: IdentityProviderView | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const agencies = useAgencyOptions();
  const roleOptions = ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }));
  const [v, setV] = useState({
    name: provider?.name ?? '',
    issuer: provider?.issuer ?? '',
    clientId: provider?.clientId ?? '',
    clientSecret: '',
    scope: provider?.scope ?? 'openid email profile',
    agencyId: provider?.agency?.id ?? null,
    assignment: provider?.assignment ?? ('admin' as SsoAssignment),
    agencyClaim: provider?.agencyClaim ?? '',
    agencyMap: toRows(provider?.agencyMap ?? {}),
    rolesClaim: provider?.rolesClaim ?? '',
    roleMap: toRows(provider?.roleMap ?? {}),
    enabled: provider?.enabled ?? true,
    requiredAcr: provider?.requiredAcr ?? '',
    currentPassword: '',
  });
  const set = <K extends keyof typeof v>(k: K, value: (typeof v)[K]) => setV((s) => ({ ...s, [k]: value }));
  const { errors, error, busy, submit: send } = useFormSubmit();
  const fieldError = (prefix: string) => Object.entries(errors).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name: v.name,
      issuer: v.issuer,
      clientId: v.clientId,
      // Left empty on a change: the stored secret stays.
      ...(v.clientSecret ? { clientSecret: v.clientSecret } : {}),
      scope: v.scope,
      agencyId: v.agencyId,
      assignment: v.assignment,
      agencyClaim: v.agencyClaim.trim() || null,
      agencyMap: toMap(v.agencyMap),
      rolesClaim: v.rolesClaim.trim() || null,
      roleMap: toMap(v.roleMap),
      enabled: v.enabled,
      requiredAcr: v.requiredAcr.trim() || null,
      ...(v.currentPassword ? { currentPassword: v.currentPassword } : {}),
    };
    await send(provider ? UpdateIdentityProviderBody : CreateIdentityProviderBody, body, async (data) => {
      if (provider) await api('PATCH', `/identity-providers/${provider.id}`, data, IdentityProviderView);
      else await api('POST', '/identity-providers', data, IdentityProviderView);
      notifications.show({ color: 'teal', message: t('common.saved') });
      await onSaved();
      onClose();
    });
  };

  return (
    <Modal opened onClose={onClose} title={provider ? t('sso.admin.editTitle', { name: provider.name }) : t('sso.admin.create')} size="xl">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <TextInput label={t('sso.field.buttonName')} description={t('sso.field.buttonNameHelp')} value={v.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} required data-autofocus />
          <TextInput label={t('sso.field.issuer')} description={t('sso.field.issuerHelp')} value={v.issuer} onChange={(e) => set('issuer', e.currentTarget.value)} error={errors.issuer} required />
          <Group grow align="flex-start">
            <TextInput label={t('sso.field.clientId')} value={v.clientId} onChange={(e) => set('clientId', e.currentTarget.value)} error={errors.clientId} required />
            <PasswordInput
              label={t('sso.field.clientSecret')}
              description={provider?.hasClientSecret ? t('sso.field.clientSecretKept') : t('sso.field.clientSecretHelp')}
              value={v.clientSecret}
              onChange={(e) => set('clientSecret', e.currentTarget.value)}
              error={errors.clientSecret}
              autoComplete="off"
            />
          </Group>
          {provider && (provider.redirectUri ? <Text size="sm">{t('sso.field.redirectUri')}: <Code>{provider.redirectUri}</Code></Text> : <Alert color="yellow" variant="light">{t('sso.field.publicUrlRequired')}</Alert>)}
          <TextInput label={t('sso.field.scope')} value={v.scope} onChange={(e) => set('scope', e.currentTarget.value)} error={errors.scope} />
          <Select label={t('sso.field.agency')} description={t('sso.field.agencyHelp')} data={agencies.data ?? []} value={v.agencyId} onChange={(x) => set('agencyId', x)} clearable searchable placeholder={t('sso.wholeInstallation')} error={errors.agencyId} />
          <Select
            label={t('sso.field.assignment')}
            data={SSO_ASSIGNMENTS.map((a) => ({ value: a, label: t(`sso.assignment.${a}`) }))}
            value={v.assignment}
            onChange={(x) => { if (isAssignment(x)) set('assignment', x); }}
            allowDeselect={false}
            error={errors.assignment}
          />
          {v.assignment === 'claims' && (
            <>
              {!v.agencyId && (
                <>
                  <TextInput label={t('sso.field.agencyClaim')} placeholder="pathway_agency" value={v.agencyClaim} onChange={(e) => set('agencyClaim', e.currentTarget.value)} error={errors.agencyClaim} />
                  <MapEditor label={t('sso.field.agencyMap')} rows={v.agencyMap} options={agencies.data ?? []} onChange={(rows) => set('agencyMap', rows)} error={fieldError('agencyMap')} />
                </>
              )}
              <TextInput label={t('sso.field.rolesClaim')} placeholder="groups" value={v.rolesClaim} onChange={(e) => set('rolesClaim', e.currentTarget.value)} error={errors.rolesClaim} />
              <MapEditor label={t('sso.field.roleMap')} rows={v.roleMap} options={roleOptions} onChange={(rows) => set('roleMap', rows)} error={fieldError('roleMap')} />
            </>
          )}
          <TextInput label={t('sso.field.requiredAcr')} description={t('sso.field.requiredAcrHelp')} value={v.requiredAcr} onChange={(e) => set('requiredAcr', e.currentTarget.value)} error={errors.requiredAcr} />
          <Switch label={t('sso.field.enabled')} checked={v.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
          <CurrentPasswordInput value={v.currentPassword} onChange={(x) => set('currentPassword', x)} error={errors.currentPassword} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('common.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AssignModal({ identity, provider, onClose, onSaved }: { identity: SsoIdentityView; provider: IdentityProviderView | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const agencies = useAgencyOptions();
  const [agencyId, setAgencyId] = useState<string | null>(provider?.agency?.id ?? null);
  const [roles, setRoles] = useState<Role[]>([]);
  const [email, setEmail] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const { errors, error, busy, submit: send } = useFormSubmit();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { agencyId: agencyId ?? '', roles, ...(identity.email ? {} : { email }), ...(currentPassword ? { currentPassword } : {}) };
    await send(AssignSsoIdentityBody, body, async (data) => {
      await api('POST', `/sso-identities/${identity.id}/assign`, data, SsoIdentityView);
      notifications.show({ color: 'teal', message: t('common.saved') });
      await onSaved();
      onClose();
    });
  };

  return (
    <Modal opened onClose={onClose} title={t('sso.admin.assignTitle', { name: identity.name ?? identity.email ?? identity.subject })}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <Text size="sm">{t('sso.admin.assignIntro', { provider: identity.provider.name })}</Text>
          {!identity.email && <TextInput label={t('field.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} required />}
          <Select label={t('sso.field.agency')} data={agencies.data ?? []} value={agencyId} onChange={setAgencyId} searchable disabled={!!provider?.agency} error={errors.agencyId} required />
          <MultiSelect label={t('field.roles')} data={ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }))} value={roles} onChange={(x) => setRoles(x.filter(isRole))} searchable error={errors.roles} required />
          <CurrentPasswordInput value={currentPassword} onChange={setCurrentPassword} error={errors.currentPassword} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('sso.admin.assign')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The administrator's own password, asked again before a provider is saved or a sign-in given a user (not needed right after signing in through single sign-on). */
function CurrentPasswordInput({ value, onChange, error }: { value: string; onChange: (v: string) => void; error: string | undefined }) {
  const { t } = useTranslation();
  return (
    <PasswordInput
      label={t('sso.field.currentPassword')}
      description={t('sso.field.currentPasswordHelp')}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      autoComplete="current-password"
    />
  );
}
