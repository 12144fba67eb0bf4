import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, PasswordInput, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { TotpDisableBody } from '../../../shared/schemas/auth.ts';
import { useRefreshMe, useSignOut } from '../../api/account.ts';
import { api } from '../../api/client.ts';
import { useUser } from '../../api/session.ts';
import { ErrorAlert, useFormSubmit } from '../../components/errors.tsx';
import { Page } from '../../components/Page.tsx';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';
import { TokensPanel } from './TokensPanel.tsx';
import { TotpSetup } from './TotpSetup.tsx';

const TABS = ['password', 'totp', 'tokens', 'sessions'] as const;
type Tab = (typeof TABS)[number];
const isTab = (v: string | null): v is Tab => v !== null && (TABS as readonly string[]).includes(v);

export function SecurityPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: Tab = isTab(tabParam) ? tabParam : 'password';
  const refresh = useRefreshMe();

  return (
    <Page title={t('nav.security')} description={t('security.intro')}>
      <Tabs value={tab} onChange={(v) => { if (isTab(v)) setParams({ tab: v }, { replace: true }); }} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="password">{t('account.changePassword')}</Tabs.Tab>
          <Tabs.Tab value="totp">{t('account.twoFactor')}</Tabs.Tab>
          <Tabs.Tab value="tokens">{t('account.apiTokens')}</Tabs.Tab>
          <Tabs.Tab value="sessions">{t('security.sessions')}</Tabs.Tab>
        </Tabs.List>
        <Card withBorder padding="lg" mt="md">
          <Tabs.Panel value="password">
            <Stack maw={480}>
              <Text size="sm" c="dimmed">{t('security.passwordIntro')}</Text>
              <ChangePasswordForm onDone={async () => { notifications.show({ color: 'teal', message: t('security.passwordChanged') }); await refresh(); }} />
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="totp"><TwoFactorPanel /></Tabs.Panel>
          <Tabs.Panel value="tokens"><TokensPanel basePath="/auth/tokens" /></Tabs.Panel>
          <Tabs.Panel value="sessions"><SessionsPanel /></Tabs.Panel>
        </Card>
      </Tabs>
    </Page>
  );
}

function TwoFactorPanel() {
  const { t } = useTranslation();
  const user = useUser();
  const refresh = useRefreshMe();
  const [settingUp, setSettingUp] = useState(false);
  const [password, setPassword] = useState('');
  const { errors, error, busy, submit } = useFormSubmit();

  if (!user.totpEnabled) {
    return settingUp ? (
      <TotpSetup onDone={async () => { setSettingUp(false); notifications.show({ color: 'teal', message: t('totp.enabled') }); await refresh(); }} />
    ) : (
      <Stack align="flex-start">
        <Alert color="gray" variant="light">{t('totp.off')}</Alert>
        <Text size="sm">{t('totp.apps')}</Text>
        <Button onClick={() => setSettingUp(true)}>{t('totp.setUp')}</Button>
      </Stack>
    );
  }

  const disable = async (e: FormEvent) => {
    e.preventDefault();
    await submit(TotpDisableBody, { password }, async (data) => {
      await api('POST', '/me/totp/disable', data);
      setPassword('');
      await refresh();
    });
  };

  return (
    <Stack maw={480}>
      <Alert color="teal" variant="light">{t('totp.on')}</Alert>
      <form onSubmit={(e) => void disable(e)} noValidate>
        <Stack>
          <ErrorAlert error={error} />
          <PasswordInput label={t('field.password')} description={t('totp.disableHelp')} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} required />
          <Group><Button type="submit" color="red" variant="light" loading={busy}>{t('totp.disable')}</Button></Group>
        </Stack>
      </form>
    </Stack>
  );
}

function SessionsPanel() {
  const { t } = useTranslation();
  const signOut = useSignOut();
  return (
    <Stack align="flex-start" maw={560}>
      <Text size="sm">{t('security.everywhereText')}</Text>
      <Button color="red" variant="light" onClick={() => void signOut(true)}>{t('account.signOutEverywhere')}</Button>
    </Stack>
  );
}
