import { useState } from 'react';
import { Badge, Button, Group, Menu, Stack, Table, Text, TextInput, VisuallyHidden, ActionIcon } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { AdminUserView, USER_SORTS, type UserSort } from '../../../shared/schemas/admin.ts';
import { api } from '../../api/client.ts';
import { usePagedList } from '../../api/lists.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, errorText } from '../../components/errors.tsx';
import { useFormatDateTime } from '../../components/format.ts';
import { roleLabel } from '../../components/labels.ts';
import { Page } from '../../components/Page.tsx';
import { SortHeader } from '../../components/SortHeader.tsx';
import { ResetPasswordModal } from './ResetPasswordModal.tsx';
import { ServiceTokensModal } from './ServiceTokensModal.tsx';
import { UserFormModal } from './UserFormModal.tsx';

export const USERS_KEY = ['users'];

type Dialog = { kind: 'create' } | { kind: 'edit'; user: AdminUserView } | { kind: 'reset'; user: AdminUserView } | { kind: 'tokens'; user: AdminUserView } | null;

export function UsersPage() {
  const { t } = useTranslation();
  const me = useUser();
  const fmt = useFormatDateTime();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  // The order of a clicked header, kept in the address (`?sort=`): reload and back keep it; a new order starts from the first page.
  const [params, setParams] = useSearchParams();
  const asked = params.get('sort');
  const sort: UserSort = USER_SORTS.find((s) => s === asked) ?? 'created';
  const setSort = (next: string) => setParams((p) => { const n = new URLSearchParams(p); n.set('sort', next); return n; }, { replace: true });
  const list = usePagedList(USERS_KEY, '/users', AdminUserView, { q: debounced || undefined, sort, limit: 50 });
  const [dialog, setDialog] = useState<Dialog>(null);
  const canTokens = me.permissions.includes('tokens:service');

  const setDisabled = async (u: AdminUserView, disabled: boolean) => {
    if (disabled && !window.confirm(t('users.disableConfirm', { name: u.name }))) return;
    try {
      await api('PATCH', `/users/${u.id}`, { disabled }, AdminUserView);
      notifications.show({ color: 'teal', message: disabled ? t('users.disabledDone', { name: u.name }) : t('users.enabledDone', { name: u.name }) });
      await qc.invalidateQueries({ queryKey: USERS_KEY });
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    }
  };

  const status = (u: AdminUserView) => {
    if (u.disabled) return <Badge color="gray">{t('users.statusDisabled')}</Badge>;
    if (u.lockedUntil && new Date(u.lockedUntil) > new Date()) return <Badge color="orange">{t('users.statusLocked')}</Badge>;
    return <Badge color="teal" variant="light">{t('users.statusActive')}</Badge>;
  };

  return (
    <Page title={t('nav.users')} description={t('users.intro')} actions={<Button onClick={() => setDialog({ kind: 'create' })}>{t('users.create')}</Button>}>
      <TextInput label={t('users.search')} placeholder={t('users.searchPlaceholder')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={420} type="search" />
      <ErrorAlert error={list.error} />
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing="sm" bg="white">
          <Table.Thead>
            <Table.Tr>
              <SortHeader label={t('field.name')} sortKey="name" value={sort} onChange={setSort} />
              <Table.Th>{t('field.agency')}</Table.Th>
              <Table.Th>{t('field.roles')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <SortHeader label={t('users.lastLogin')} sortKey="lastLogin" value={sort} onChange={setSort} />
              <Table.Th><VisuallyHidden>{t('common.actions')}</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.isSuccess && list.items.length === 0 && (
              <Table.Tr><Table.Td colSpan={6}><Text c="dimmed" size="sm">{t('common.nothingFound')}</Text></Table.Td></Table.Tr>
            )}
            {list.items.map((u) => (
              <Table.Tr key={u.id} data-testid="user-row">
                <Table.Td>
                  <Text size="sm" fw={600}>{u.name}</Text>
                  <Text size="xs" c="dimmed">{u.email}</Text>
                  <Group gap={4} mt={2}>
                    {u.isServiceAccount && <Badge size="xs" color="grape" variant="light">{t('users.serviceAccount')}</Badge>}
                    {u.totpEnabled && <Badge size="xs" color="blue" variant="light">{t('users.totp')}</Badge>}
                    {u.isDemo && <Badge size="xs" color="orange" variant="light">{t('demo.badge')}</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td><Text size="sm">{u.agency.name}</Text></Table.Td>
                <Table.Td>
                  <Group gap={4}>{u.roles.map((r) => <Badge key={r} size="sm" variant="outline">{roleLabel(t, r)}</Badge>)}</Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{status(u)}</Table.Td>
                <Table.Td><Text size="sm">{fmt(u.lastLoginAt)}</Text></Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <ActionIcon variant="subtle" color="gray" aria-label={t('users.actionsFor', { name: u.name })}>⋯</ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item onClick={() => setDialog({ kind: 'edit', user: u })}>{t('common.edit')}</Menu.Item>
                      {!u.isServiceAccount && <Menu.Item onClick={() => setDialog({ kind: 'reset', user: u })}>{t('users.resetPassword')}</Menu.Item>}
                      {u.isServiceAccount && canTokens && <Menu.Item onClick={() => setDialog({ kind: 'tokens', user: u })}>{t('account.apiTokens')}</Menu.Item>}
                      {u.id !== me.id &&
                        (u.disabled ? (
                          <Menu.Item onClick={() => void setDisabled(u, false)}>{t('users.enable')}</Menu.Item>
                        ) : (
                          <Menu.Item color="red" onClick={() => void setDisabled(u, true)}>{t('users.disable')}</Menu.Item>
                        ))}
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Stack align="center">
        {list.hasNextPage && (
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>{t('common.loadMore')}</Button>
        )}
      </Stack>
      {(dialog?.kind === 'create' || dialog?.kind === 'edit') && (
        <UserFormModal user={dialog.kind === 'edit' ? dialog.user : null} onClose={() => setDialog(null)} onSaved={() => qc.invalidateQueries({ queryKey: USERS_KEY })} />
      )}
      {dialog?.kind === 'reset' && <ResetPasswordModal user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'tokens' && <ServiceTokensModal user={dialog.user} onClose={() => setDialog(null)} />}
    </Page>
  );
}
