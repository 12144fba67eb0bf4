import { useEffect, type ReactNode } from 'react';
import { Center, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { UserView } from '../shared/schemas/auth.ts';
import { useMe } from './api/session.ts';
import { ErrorAlert } from './components/errors.tsx';
import { lazyPage } from './components/lazyPage.tsx';
import { applyLanguage } from './i18n/index.ts';

const SignInPage = lazyPage(() => import('./features/auth/SignInPage.tsx'), 'SignInPage');
const ForcedPasswordChange = lazyPage(() => import('./features/auth/ForcedScreens.tsx'), 'ForcedPasswordChange');
const ForcedTotpSetup = lazyPage(() => import('./features/auth/ForcedScreens.tsx'), 'ForcedTotpSetup');

/** Everything behind the sign-in page: who is signed in, then the screens they may open (`routes`, from App.tsx). */
export function SignedIn({ routes }: { routes: (user: UserView, from: string | undefined) => ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const language = me.data?.user.language;

  useEffect(() => {
    if (language) void applyLanguage(language);
  }, [language]);

  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center h="100vh" p="md">
        <Stack maw={480}><ErrorAlert error={me.error} /></Stack>
      </Center>
    );
  }
  const user = me.data?.user;
  if (!user) {
    return (
      <Routes>
        <Route path="/login" element={<SignInPage />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }
  if (user.mustChangePassword) return <ForcedPasswordChange />;
  if (user.totpSetupRequired) return <ForcedTotpSetup />;

  const from = (location.state as { from?: string } | null)?.from;
  return routes(user, from);
}
