import { useState } from 'react';
import { Accordion, Badge, Button, Checkbox, Fieldset, Group, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { RoleView } from '../../../shared/schemas/admin.ts';
import { RECORD_TYPES, SYSTEM_PERMISSIONS } from '../../../shared/roles.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, errorText } from '../../components/errors.tsx';
import { roleLabel } from '../../components/labels.ts';
import { Page } from '../../components/Page.tsx';

const RoleList = z.object({ items: z.array(RoleView), permissions: z.array(z.string()) });
type Role = z.infer<typeof RoleView>;
const ROLES_KEY = ['roles'];

/** Permissions grouped: system ones, one group per record type, then sensitivity tags. */
function groupPermissions(all: string[]): { group: string; items: string[] }[] {
  const system = all.filter((p) => (SYSTEM_PERMISSIONS as readonly string[]).includes(p));
  const records = RECORD_TYPES.map((type) => ({ group: type, items: all.filter((p) => p.startsWith(`${type}:`)) }));
  const sensitive = all.filter((p) => p.startsWith('sensitive:'));
  const known = new Set([...system, ...records.flatMap((r) => r.items), ...sensitive]);
  const other = all.filter((p) => !known.has(p));
  return [{ group: 'system', items: system }, ...records, { group: 'sensitive', items: sensitive }, { group: 'other', items: other }].filter((g) => g.items.length > 0);
}

export function RolesPage() {
  const { t } = useTranslation();
  const roles = useQuery({ queryKey: ROLES_KEY, queryFn: () => api('GET', '/roles', undefined, RoleList) });

  return (
    <Page title={t('nav.roles')} description={t('roles.intro')}>
      <ErrorAlert error={roles.error} />
      {roles.data && (
        <Accordion variant="separated" multiple>
          {roles.data.items.map((r) => (
            <Accordion.Item key={r.code} value={r.code} bg="white">
              <Accordion.Control>
                <Group justify="space-between" wrap="nowrap" pr="md">
                  <div>
                    <Text fw={600}>{roleLabel(t, r.code)}</Text>
                    <Text size="xs" c="dimmed"><code>{r.code}</code> · {t('roles.userCount', { count: r.userCount })} · {t('roles.permissionCount', { count: r.permissions.length })}</Text>
                  </div>
                  {r.requireTotp && <Badge variant="light">{t('roles.totpRequired')}</Badge>}
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <RoleEditor role={r} all={roles.data.permissions} />
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Page>
  );
}

function RoleEditor({ role, all }: { role: Role; all: string[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [permissions, setPermissions] = useState<Set<string>>(() => new Set(role.permissions));
  const [requireTotp, setRequireTotp] = useState(role.requireTotp);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dirty = requireTotp !== role.requireTotp || permissions.size !== role.permissions.length || role.permissions.some((p) => !permissions.has(p));

  const toggle = (p: string, on: boolean) =>
    setPermissions((s) => {
      const next = new Set(s);
      if (on) next.add(p);
      else next.delete(p);
      return next;
    });

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('PATCH', `/roles/${role.code}`, { permissions: all.filter((p) => permissions.has(p)), requireTotp }, RoleView);
      notifications.show({ color: 'teal', message: t('roles.saved', { role: roleLabel(t, role.code) }) });
      await qc.invalidateQueries({ queryKey: ROLES_KEY });
    } catch (e) {
      setError(e);
      notifications.show({ color: 'red', message: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      <ErrorAlert error={error} />
      <Switch label={t('roles.requireTotp')} description={t('roles.requireTotpHelp')} checked={requireTotp} onChange={(e) => setRequireTotp(e.currentTarget.checked)} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {groupPermissions(all).map((g) => (
          <Fieldset key={g.group} legend={t(`permissionGroup.${g.group}`)} p="sm">
            <Stack gap={6}>
              {g.items.map((p) => (
                <Checkbox key={p} label={<code>{p}</code>} checked={permissions.has(p)} onChange={(e) => toggle(p, e.currentTarget.checked)} size="sm" />
              ))}
            </Stack>
          </Fieldset>
        ))}
      </SimpleGrid>
      <Group justify="flex-end">
        <Button variant="default" disabled={!dirty} onClick={() => { setPermissions(new Set(role.permissions)); setRequireTotp(role.requireTotp); }}>{t('common.reset')}</Button>
        <Button disabled={!dirty} loading={busy} onClick={() => void save()}>{t('common.save')}</Button>
      </Group>
    </Stack>
  );
}
