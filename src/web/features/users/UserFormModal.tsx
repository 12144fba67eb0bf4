import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, MultiSelect, PasswordInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { type AdminUserView, CreateUserBody, CreatedUser, AdminUserView as AdminUserSchema, UpdateUserBody } from '../../../shared/schemas/admin.ts';
import { LANGUAGES, type Language } from '../../../shared/schemas/common.ts';
import { ROLES, type Role } from '../../../shared/roles.ts';
import { api } from '../../api/client.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { roleLabel } from '../../components/labels.ts';
import { ShowOnce } from '../../components/ShowOnce.tsx';
import { isLanguage, LANGUAGE_NAMES } from '../../i18n/index.ts';
import { useAgencyOptions } from '../agencies/useAgencyOptions.ts';

const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);

/** Create a user (the temporary password is shown once) or change one. */
export function UserFormModal({ user, onClose, onSaved }: { user: AdminUserView | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const agencies = useAgencyOptions();
  const [values, setValues] = useState({
    email: user?.email ?? '',
    name: user?.name ?? '',
    language: (user?.language ?? 'az') as Language,
    agencyId: user?.agency.id ?? '',
    roles: (user?.roles ?? []) as Role[],
    isServiceAccount: user?.isServiceAccount ?? false,
    password: '',
  });
  const { errors, error, busy, submit: send, setError } = useFormSubmit();
  const [created, setCreated] = useState<{ name: string; temporaryPassword: string | null } | null>(null);
  const set = <K extends keyof typeof values>(k: K, v: (typeof values)[K]) => setValues((s) => ({ ...s, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (user) {
      const changes = {
        ...(values.name !== user.name ? { name: values.name } : {}),
        ...(values.language !== user.language ? { language: values.language } : {}),
        ...(values.agencyId !== user.agency.id ? { agencyId: values.agencyId } : {}),
        ...(JSON.stringify([...values.roles].sort()) !== JSON.stringify([...user.roles].sort()) ? { roles: values.roles } : {}),
      };
      if (Object.keys(changes).length === 0) {
        setError(null);
        return onClose();
      }
      await send(UpdateUserBody, changes, async (data) => {
        await api('PATCH', `/users/${user.id}`, data, AdminUserSchema);
        notifications.show({ color: 'teal', message: t('common.saved') });
        await onSaved();
        onClose();
      });
    } else {
      const body = {
        email: values.email,
        name: values.name,
        language: values.language,
        agencyId: values.agencyId,
        roles: values.roles,
        isServiceAccount: values.isServiceAccount,
        ...(values.password && !values.isServiceAccount ? { password: values.password } : {}),
      };
      await send(CreateUserBody, body, async (data) => {
        const res = await api('POST', '/users', data, CreatedUser);
        await onSaved();
        if (res.temporaryPassword) setCreated({ name: res.user.name, temporaryPassword: res.temporaryPassword });
        else {
          notifications.show({ color: 'teal', message: t('users.created', { name: res.user.name }) });
          onClose();
        }
      });
    }
  };

  const title = user ? t('users.editTitle', { name: user.name }) : t('users.create');
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      {created ? (
        <Stack>
          <Text>{t('users.created', { name: created.name })}</Text>
          {created.temporaryPassword && <ShowOnce label={t('users.temporaryPassword')} value={created.temporaryPassword} testId="temporary-password" />}
          <Text size="sm">{t('users.temporaryPasswordHelp')}</Text>
          <Group justify="flex-end"><Button onClick={onClose}>{t('common.done')}</Button></Group>
        </Stack>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <ErrorAlert error={error} />
            {!user && <TextInput label={t('field.email')} type="email" value={values.email} onChange={(e) => set('email', e.currentTarget.value)} error={errors.email} required data-autofocus />}
            <TextInput label={t('field.name')} value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} required />
            <Select
              label={t('field.agency')}
              data={agencies.data ?? []}
              value={values.agencyId || null}
              onChange={(v) => set('agencyId', v ?? '')}
              searchable
              nothingFoundMessage={t('common.nothingFound')}
              error={errors.agencyId ? t('validation.required') : undefined}
              required
            />
            <MultiSelect
              label={t('field.roles')}
              data={ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }))}
              value={values.roles}
              onChange={(v) => set('roles', v.filter(isRole))}
              searchable
              clearable
              error={errors.roles}
            />
            <Select
              label={t('account.language')}
              data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
              value={values.language}
              onChange={(v) => { if (isLanguage(v)) set('language', v); }}
              allowDeselect={false}
            />
            {!user && (
              <>
                <Switch label={t('users.serviceAccount')} description={t('users.serviceAccountHelp')} checked={values.isServiceAccount} onChange={(e) => set('isServiceAccount', e.currentTarget.checked)} />
                {!values.isServiceAccount && (
                  <PasswordInput label={t('users.initialPassword')} description={t('users.initialPasswordHelp')} autoComplete="new-password" value={values.password} onChange={(e) => set('password', e.currentTarget.value)} error={errors.password} />
                )}
              </>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
              <Button type="submit" loading={busy}>{user ? t('common.save') : t('users.create')}</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
