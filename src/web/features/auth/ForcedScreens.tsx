import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRefreshMe, useSignOut } from '../../api/account.ts';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { ChangePasswordForm } from '../account/ChangePasswordForm.tsx';
import { TotpSetup } from '../account/TotpSetup.tsx';

function SignOutLink() {
  const { t } = useTranslation();
  const signOut = useSignOut();
  return (
    <Group justify="flex-end">
      <Button variant="subtle" size="xs" onClick={() => void signOut()}>{t('account.signOut')}</Button>
    </Group>
  );
}

/** Signed in with a temporary password: nothing else works until it is changed. */
export function ForcedPasswordChange() {
  const { t } = useTranslation();
  const refresh = useRefreshMe();
  return (
    <PublicLayout title={t('forced.passwordTitle')} languageSwitch={false}>
      <Stack>
        <Alert color="yellow" variant="light">{t('forced.passwordIntro')}</Alert>
        <ChangePasswordForm onDone={refresh} submitLabel={t('forced.passwordSubmit')} />
        <SignOutLink />
      </Stack>
    </PublicLayout>
  );
}

/** The user's role requires a second factor they have not set up: only this works until they do. */
export function ForcedTotpSetup() {
  const { t } = useTranslation();
  const refresh = useRefreshMe();
  return (
    <PublicLayout title={t('forced.totpTitle')} languageSwitch={false}>
      <Stack>
        <Alert color="yellow" variant="light">{t('forced.totpIntro')}</Alert>
        <Text size="sm" c="dimmed">{t('totp.apps')}</Text>
        <TotpSetup onDone={refresh} />
        <SignOutLink />
      </Stack>
    </PublicLayout>
  );
}
