import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { UserView } from '../shared/schemas/auth.ts';
import { lazyPage, PageLoading } from './components/lazyPage.tsx';

// Each screen is its own chunk, loaded when first shown: the public pages carry none of the staff app.
const SignedIn = lazy(() => import('./SignedIn.tsx').then((m) => ({ default: m.SignedIn })));
const AppLayout = lazyPage(() => import('./components/AppLayout.tsx'), 'AppLayout');
const SetupPage = lazyPage(() => import('./features/auth/SetupPage.tsx'), 'SetupPage');
const HomePage = lazyPage(() => import('./features/account/HomePage.tsx'), 'HomePage');
const ProfilePage = lazyPage(() => import('./features/account/ProfilePage.tsx'), 'ProfilePage');
const SecurityPage = lazyPage(() => import('./features/account/SecurityPage.tsx'), 'SecurityPage');
const UsersPage = lazyPage(() => import('./features/users/UsersPage.tsx'), 'UsersPage');
const AgenciesPage = lazyPage(() => import('./features/agencies/AgenciesPage.tsx'), 'AgenciesPage');
const SsoAdminPage = lazyPage(() => import('./features/sso/SsoAdminPage.tsx'), 'SsoAdminPage');
const ChannelsPage = lazyPage(() => import('./features/channels/ChannelsPage.tsx'), 'ChannelsPage');
const RolesPage = lazyPage(() => import('./features/roles/RolesPage.tsx'), 'RolesPage');
const AuditPage = lazyPage(() => import('./features/audit/AuditPage.tsx'), 'AuditPage');
const NotFoundPage = lazyPage(() => import('./components/NotFoundPage.tsx'), 'NotFoundPage');
const PublicPressPage = lazyPage(() => import('./features/press/PublicPressPage.tsx'), 'PublicPressPage');
const PublicIncidentPage = lazyPage(() => import('./features/press/PublicIncidentPage.tsx'), 'PublicIncidentPage');
const PressIncidentsPage = lazyPage(() => import('./features/press/PressIncidentsPage.tsx'), 'PressIncidentsPage');
const PressIncidentPage = lazyPage(() => import('./features/press/PressIncidentPage.tsx'), 'PressIncidentPage');
const CasesPage = lazyPage(() => import('./features/nrm/CasesPage.tsx'), 'CasesPage');
const CasePage = lazyPage(() => import('./features/nrm/CasePage.tsx'), 'CasePage');
const HtcdsPage = lazyPage(() => import('./features/nrm/HtcdsPage.tsx'), 'HtcdsPage');
const NewCasePage = lazyPage(() => import('./features/nrm/NewCasePage.tsx'), 'NewCasePage');
const ReferralsPage = lazyPage(() => import('./features/nrm/ReferralsPage.tsx'), 'ReferralsPage');
const IdentificationQueuePage = lazyPage(() => import('./features/nrm/IdentificationQueuePage.tsx'), 'IdentificationQueuePage');
const CountryProfilePage = lazyPage(() => import('./features/nrm/CountryProfilePage.tsx'), 'CountryProfilePage');
const OverduePage = lazyPage(() => import('./features/nrm/OverduePage.tsx'), 'OverduePage');
const MyTasksPage = lazyPage(() => import('./features/nrm/MyTasksPage.tsx'), 'MyTasksPage');
const ProvidersPage = lazyPage(() => import('./features/nrm/ProvidersPage.tsx'), 'ProvidersPage');
const ConsolePage = lazyPage(() => import('./features/hotline/console/ConsolePage.tsx'), 'ConsolePage');
const AlertsPage = lazyPage(() => import('./features/hotline/console/EscalationAlerts.tsx'), 'AlertsPage');
const SupervisorPage = lazyPage(() => import('./features/hotline/supervisor/SupervisorPage.tsx'), 'SupervisorPage');
const PublicReportPage = lazyPage(() => import('./features/hotline/public/PublicReportPage.tsx'), 'PublicReportPage', { allTexts: false });
const FollowUpPage = lazyPage(() => import('./features/hotline/public/FollowUpPage.tsx'), 'FollowUpPage', { allTexts: false });
const ContactPage = lazyPage(() => import('./features/hotline/contact/ContactPage.tsx'), 'ContactPage');
const PressPeoplePage = lazyPage(() => import('./features/press/PressPeoplePage.tsx'), 'PressPeoplePage');
const PressPersonPage = lazyPage(() => import('./features/press/PressPeoplePage.tsx'), 'PressPersonPage');
const ImpunityIndexPage = lazyPage(() => import('./features/press/ImpunityIndexPage.tsx'), 'ImpunityIndexPage');
const PeoplePage = lazyPage(() => import('./features/people/PeoplePage.tsx'), 'PeoplePage');
const PersonPage = lazyPage(() => import('./features/people/PersonPage.tsx'), 'PersonPage');
const HotlineDashboardPage = lazyPage(() => import('./features/hotline/dashboard/DashboardPage.tsx'), 'HotlineDashboardPage');
const JusticeCasesPage = lazyPage(() => import('./features/justice/JusticeCasesPage.tsx'), 'JusticeCasesPage');
const NewCriminalCasePage = lazyPage(() => import('./features/justice/NewCriminalCasePage.tsx'), 'NewCriminalCasePage');
const CriminalCasePage = lazyPage(() => import('./features/justice/CriminalCasePage.tsx'), 'CriminalCasePage');
const NationalStatisticsPage = lazyPage(() => import('./features/statistics/NationalStatisticsPage.tsx'), 'NationalStatisticsPage');
const ReleasesPage = lazyPage(() => import('./features/statistics/ReleasesPage.tsx'), 'ReleasesPage');
const ReleasePage = lazyPage(() => import('./features/statistics/ReleasesPage.tsx'), 'ReleasePage');
const PublicStatisticsPage = lazyPage(() => import('./features/statistics/PublicStatisticsPage.tsx'), 'PublicStatisticsPage');
const JusticeStatisticsPage = lazyPage(() => import('./features/justice/JusticeStatisticsPage.tsx'), 'JusticeStatisticsPage');
const StatutesPage = lazyPage(() => import('./features/justice/StatutesPage.tsx'), 'StatutesPage');
const PlansPage = lazyPage(() => import('./features/action-plan/PlansPage.tsx'), 'PlansPage');
const PlanPage = lazyPage(() => import('./features/action-plan/PlanPage.tsx'), 'PlanPage');
const MeasurePage = lazyPage(() => import('./features/action-plan/MeasurePage.tsx'), 'MeasurePage');
const ReportPage = lazyPage(() => import('./features/action-plan/ReportPage.tsx'), 'ReportPage');
const MyActionPlanPage = lazyPage(() => import('./features/action-plan/MyActionPlanPage.tsx'), 'MyActionPlanPage');
const ReviewsPage = lazyPage(() => import('./features/action-plan/ReviewsPage.tsx'), 'ReviewsPage');
const MeetingsPage = lazyPage(() => import('./features/action-plan/MeetingsPage.tsx'), 'MeetingsPage');
const MeetingPage = lazyPage(() => import('./features/action-plan/MeetingsPage.tsx'), 'MeetingPage');

/** The route tree: public pages, the screens a half-set-up account is held at, then the signed-in shell. */
export function App() {
  return (
    <Suspense fallback={<PageLoading />}>
      <Screens />
    </Suspense>
  );
}

function Screens() {
  const location = useLocation();
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
  // The public statistics: approved releases, no account.
  if (location.pathname === '/public/statistics' || location.pathname.startsWith('/public/statistics/')) {
    return (
      <Routes>
        <Route path="/public/statistics" element={<PublicStatisticsPage />} />
        <Route path="/public/statistics/:id" element={<PublicStatisticsPage />} />
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
  return <SignedIn routes={staffRoutes} />;
}

/**
 * The signed-in screens by permission. `SignedIn` (its own chunk, with the session's code) calls this
 * once it knows the user, so that the public pages load none of it.
 */
function staffRoutes(user: UserView, from: string | undefined) {
  const can = (p: string) => user.permissions.includes(p);
  // The providers' directory holds no personal data: every user of the referral mechanism may search it.
  const readsPlan = ['action_plan:manage', 'action_plan:read', 'action_plan:report'].some(can);
  const nrmUser = can('providers:manage') || user.permissions.some((p) => p.startsWith('case:') || p.startsWith('referral:'));
  const readsStatistics = can('reports:aggregate') || can('statistics:prepare') || can('statistics:approve');
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
        {/* Administrators change the profile; the statistics team reads its population and thresholds. */}
        {(can('agencies:manage') || readsStatistics) && <Route path="admin/country-profile" element={<CountryProfilePage />} />}
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
        {(can('reports:aggregate') || user.permissions.some((p) => p.startsWith('investigation:read:'))) && <Route path="justice/statutes" element={<StatutesPage />} />}
        {user.permissions.some((p) => p.startsWith('investigation:read:')) && <Route path="justice/:id" element={<CriminalCasePage />} />}
        {readsPlan && <Route path="action-plan" element={<PlansPage />} />}
        {readsPlan && <Route path="action-plan/plans/:id" element={<PlanPage />} />}
        {readsPlan && <Route path="action-plan/measures/:id" element={<MeasurePage />} />}
        {readsPlan && <Route path="action-plan/reports/:id" element={<ReportPage />} />}
        {readsPlan && <Route path="action-plan/meetings" element={<MeetingsPage />} />}
        {readsPlan && <Route path="action-plan/meetings/:id" element={<MeetingPage />} />}
        {can('action_plan:report') && <Route path="action-plan/mine" element={<MyActionPlanPage />} />}
        {can('action_plan:manage') && <Route path="action-plan/reviews" element={<ReviewsPage />} />}
        {(can('reports:aggregate') || can('statistics:prepare') || can('statistics:approve')) && <Route path="statistics" element={<NationalStatisticsPage />} />}
        {(can('reports:aggregate') || can('statistics:prepare') || can('statistics:approve')) && <Route path="statistics/releases" element={<ReleasesPage />} />}
        {(can('reports:aggregate') || can('statistics:prepare') || can('statistics:approve')) && <Route path="statistics/releases/:id" element={<ReleasePage />} />}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
