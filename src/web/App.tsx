import { useEffect } from 'react';
import { Center, Loader, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useMe } from './api/session.ts';
import { AppLayout } from './components/AppLayout.tsx';
import { ErrorAlert } from './components/errors.tsx';
import { applyLanguage } from './i18n/index.ts';
import { SignInPage } from './features/auth/SignInPage.tsx';
import { SetupPage } from './features/auth/SetupPage.tsx';
import { ForcedPasswordChange, ForcedTotpSetup } from './features/auth/ForcedScreens.tsx';
import { HomePage } from './features/account/HomePage.tsx';
import { ProfilePage } from './features/account/ProfilePage.tsx';
import { SecurityPage } from './features/account/SecurityPage.tsx';
import { UsersPage } from './features/users/UsersPage.tsx';
import { AgenciesPage } from './features/agencies/AgenciesPage.tsx';
import { SsoAdminPage } from './features/sso/SsoAdminPage.tsx';
import { ChannelsPage } from './features/channels/ChannelsPage.tsx';
import { RolesPage } from './features/roles/RolesPage.tsx';
import { AuditPage } from './features/audit/AuditPage.tsx';
import { NotFoundPage } from './components/NotFoundPage.tsx';
import { PublicPressPage } from './features/press/PublicPressPage.tsx';
import { PublicIncidentPage } from './features/press/PublicIncidentPage.tsx';
import { PressIncidentsPage } from './features/press/PressIncidentsPage.tsx';
import { PressIncidentPage } from './features/press/PressIncidentPage.tsx';
import { CasesPage } from './features/nrm/CasesPage.tsx';
import { CasePage } from './features/nrm/CasePage.tsx';
import { HtcdsPage } from './features/nrm/HtcdsPage.tsx';
import { NewCasePage } from './features/nrm/NewCasePage.tsx';
import { ReferralsPage } from './features/nrm/ReferralsPage.tsx';
import { IdentificationQueuePage } from './features/nrm/IdentificationQueuePage.tsx';
import { CountryProfilePage } from './features/nrm/CountryProfilePage.tsx';
import { OverduePage } from './features/nrm/OverduePage.tsx';
import { MyTasksPage } from './features/nrm/MyTasksPage.tsx';
import { ProvidersPage } from './features/nrm/ProvidersPage.tsx';
import { ConsolePage } from './features/hotline/console/ConsolePage.tsx';
import { AlertsPage } from './features/hotline/console/EscalationAlerts.tsx';
import { SupervisorPage } from './features/hotline/supervisor/SupervisorPage.tsx';
import { PublicReportPage } from './features/hotline/public/PublicReportPage.tsx';
import { FollowUpPage } from './features/hotline/public/FollowUpPage.tsx';
import { ContactPage } from './features/hotline/contact/ContactPage.tsx';
import { PressPeoplePage, PressPersonPage } from './features/press/PressPeoplePage.tsx';
import { ImpunityIndexPage } from './features/press/ImpunityIndexPage.tsx';
import { PeoplePage } from './features/people/PeoplePage.tsx';
import { PersonPage } from './features/people/PersonPage.tsx';
import { HotlineDashboardPage } from './features/hotline/dashboard/DashboardPage.tsx';
import { JusticeCasesPage } from './features/justice/JusticeCasesPage.tsx';
import { NewCriminalCasePage } from './features/justice/NewCriminalCasePage.tsx';
import { CriminalCasePage } from './features/justice/CriminalCasePage.tsx';
import { JusticeStatisticsPage } from './features/justice/JusticeStatisticsPage.tsx';

/** The route tree: public pages, the screens a half-set-up account is held at, then the signed-in shell. */
export function App() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const language = me.data?.user.language;

  useEffect(() => {
    if (language) void applyLanguage(language);
  }, [language]);

  if (location.pathname === '/setup') return <SetupPage />;
  // The public press page needs no account, whoever is (or is not) signed in.
  if (location.pathname === '/public/press' || location.pathname.startsWith('/public/press/')) {
    return (
      <Routes>
        <Route path="/public/press" element={<PublicPressPage />} />
        <Route path="/public/press/:id" element={<PublicIncidentPage />} />
      </Routes>
    );
  }
  // Public reports: no account, and nothing of a signed-in session on the page.
  if (location.pathname === '/public/report' || location.pathname.startsWith('/public/report/')) {
    return (
      <Routes>
        <Route path="/public/report" element={<PublicReportPage />} />
        <Route path="/public/report/follow-up" element={<FollowUpPage />} />
        <Route path="*" element={<Navigate to="/public/report" replace />} />
      </Routes>
    );
  }
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
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

  const can = (p: string) => user.permissions.includes(p);
  // The providers' directory holds no personal data: every user of the referral mechanism may search it.
  const nrmUser = can('providers:manage') || user.permissions.some((p) => p.startsWith('case:') || p.startsWith('referral:'));
  const from = (location.state as { from?: string } | null)?.from;
  return (
    <Routes>
      <Route path="/login" element={<Navigate to={from && from !== '/login' ? from : '/'} replace />} />
      <Route element={<AppLayout />}>
        <Route index element={<HomePage />} />
        <Route path="account/profile" element={<ProfilePage />} />
        <Route path="account/security" element={<SecurityPage />} />
        {can('users:manage') && <Route path="admin/users" element={<UsersPage />} />}
        {can('agencies:manage') && <Route path="admin/agencies" element={<AgenciesPage />} />}
        {can('users:manage') && <Route path="admin/sso" element={<SsoAdminPage />} />}
        {can('channels:manage') && <Route path="admin/channels" element={<ChannelsPage />} />}
        {can('roles:manage') && <Route path="admin/roles" element={<RolesPage />} />}
        {can('agencies:manage') && <Route path="admin/country-profile" element={<CountryProfilePage />} />}
        {(can('audit:read') || can('audit:verify')) && <Route path="audit" element={<AuditPage />} />}
        {user.permissions.some((p) => p.startsWith('incident:read:')) && <Route path="press" element={<PressIncidentsPage />} />}
        {user.permissions.some((p) => p.startsWith('incident:read:')) && <Route path="press/:id" element={<PressIncidentPage />} />}
        {user.permissions.some((p) => p.startsWith('case:')) && <Route path="cases" element={<CasesPage />} />}
        {user.permissions.some((p) => p.startsWith('case:create:')) && <Route path="cases/new" element={<NewCasePage />} />}
        {user.permissions.some((p) => p.startsWith('case:')) && <Route path="cases/htcds" element={<HtcdsPage />} />}
        {user.permissions.some((p) => p.startsWith('case:')) && <Route path="cases/:id" element={<CasePage />} />}
        {user.permissions.some((p) => p.startsWith('referral:')) && <Route path="referrals" element={<ReferralsPage />} />}
        {nrmUser && <Route path="providers" element={<ProvidersPage />} />}
        {can('identification:decide') && <Route path="identification" element={<IdentificationQueuePage />} />}
        {(can('contacts:supervise') || can('reports:aggregate')) && <Route path="overdue" element={<OverduePage />} />}
        {user.permissions.some((p) => p.startsWith('case:read:')) && <Route path="tasks" element={<MyTasksPage />} />}
        {user.permissions.some((p) => p.startsWith('contact:update:')) && <Route path="hotline/console" element={<ConsolePage />} />}
        {user.permissions.some((p) => p.startsWith('contact:update:')) && <Route path="hotline/console/:id" element={<ConsolePage />} />}
        {can('contacts:supervise') && <Route path="hotline/supervisor" element={<SupervisorPage />} />}
        <Route path="hotline/alerts" element={<AlertsPage />} />
        {user.permissions.some((p) => p.startsWith('contact:read:')) && <Route path="hotline/contacts/:id" element={<ContactPage />} />}
        {user.permissions.some((p) => p.startsWith('incident:read:')) && <Route path="press/people" element={<PressPeoplePage />} />}
        {user.permissions.some((p) => p.startsWith('incident:read:')) && <Route path="press/people/:id" element={<PressPersonPage />} />}
        {user.permissions.some((p) => p.startsWith('incident:read:')) && <Route path="press/impunity-index" element={<ImpunityIndexPage />} />}
        {user.permissions.some((p) => p.startsWith('person:read:')) && <Route path="people" element={<PeoplePage />} />}
        {user.permissions.some((p) => p.startsWith('person:read:')) && <Route path="people/:id" element={<PersonPage />} />}
        {can('hotline:reports') && <Route path="hotline/dashboard" element={<HotlineDashboardPage />} />}
        {user.permissions.some((p) => p.startsWith('investigation:read:')) && <Route path="justice" element={<JusticeCasesPage />} />}
        {user.permissions.some((p) => p.startsWith('investigation:create:')) && <Route path="justice/new" element={<NewCriminalCasePage />} />}
        {(can('reports:aggregate') || user.permissions.some((p) => p.startsWith('investigation:read:'))) && <Route path="justice/statistics" element={<JusticeStatisticsPage />} />}
        {user.permissions.some((p) => p.startsWith('investigation:read:')) && <Route path="justice/:id" element={<CriminalCasePage />} />}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
