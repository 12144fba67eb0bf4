import { AppShell, Avatar, Badge, Burger, Group, Menu, NavLink, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { Suspense } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { Notifications, notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterLink, Outlet, useLocation, useNavigate } from 'react-router';
import { LANGUAGES, type Language } from '../../shared/languages.ts';
import { useSignOut, useUpdateMe } from '../api/account.ts';
import { useMe, useUser } from '../api/session.ts';
import { errorText } from './errors.tsx';
import { Logo } from './Logo.tsx';
import { LANGUAGE_NAMES } from '../i18n/index.ts';
import { PageLoading } from './lazyPage.tsx';
import { MAIN_ID, SkipLink } from './SkipLink.tsx';

type NavItem = { to: string; label: string; show: boolean };


export function AppLayout() {
  const { t } = useTranslation();
  const user = useUser();
  const { data: me } = useMe();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const updateMe = useUpdateMe();
  const signOut = useSignOut();
  const can = (p: string) => user.permissions.includes(p);
  const demo = Boolean(me?.demo || user.isDemo);

  const admin: NavItem[] = [
    { to: '/admin/users', label: t('nav.users'), show: can('users:manage') },
    { to: '/admin/agencies', label: t('nav.agencies'), show: can('agencies:manage') },
    { to: '/admin/sso', label: t('sso.nav'), show: can('users:manage') },
    { to: '/admin/channels', label: t('channels.nav'), show: can('channels:manage') },
    { to: '/admin/roles', label: t('nav.roles'), show: can('roles:manage') },
    { to: '/admin/country-profile', label: t('nrm.profile.nav'), show: can('agencies:manage') },
  ];
  const readsPress = user.permissions.some((p) => p.startsWith('incident:read:'));
  const press: NavItem[] = [
    { to: '/press', label: t('press.nav.incidents'), show: readsPress },
    { to: '/press/people', label: t('pressEditing.nav.people'), show: readsPress },
    { to: '/press/impunity-index', label: t('pressEditing.nav.index'), show: readsPress },
  ];
  const hotline: NavItem[] = [
    { to: '/hotline/console', label: t('hotlineConsole.nav.console'), show: user.permissions.some((p) => p.startsWith('contact:update:')) },
    { to: '/hotline/supervisor', label: t('hotlineConsole.nav.supervisor'), show: can('contacts:supervise') },
    { to: '/hotline/alerts', label: t('hotlineConsole.nav.alerts'), show: can('contacts:supervise') || user.agency.type === 'police' },
    { to: '/hotline/dashboard', label: t('hotlineDashboard.nav'), show: can('hotline:reports') },
  ];
  const nrm: NavItem[] = [
    { to: '/cases', label: t('nrm.nav.cases'), show: user.permissions.some((p) => p.startsWith('case:')) },
    { to: '/people', label: t('people.nav.people'), show: user.permissions.some((p) => p.startsWith('person:read:')) },
    { to: '/referrals', label: t('nrm.nav.referrals'), show: user.permissions.some((p) => p.startsWith('referral:')) },
    { to: '/providers', label: t('nrmProviders.nav'), show: can('providers:manage') || user.permissions.some((p) => p.startsWith('case:') || p.startsWith('referral:')) },
    { to: '/identification', label: t('nrm.nav.identification'), show: can('identification:decide') },
    { to: '/tasks', label: t('nrmOversight.myTasks.nav'), show: user.permissions.some((p) => p.startsWith('case:read:')) },
    { to: '/overdue', label: t('nrm.nav.overdue'), show: can('contacts:supervise') || (can('reports:aggregate') && can('referral:read:all')) },
  ];
  const readsJustice = user.permissions.some((p) => p.startsWith('investigation:read:'));
  const justice: NavItem[] = [
    { to: '/justice', label: t('justice.nav.cases'), show: readsJustice },
    { to: '/justice/statistics', label: t('justice.nav.statistics'), show: readsJustice || can('reports:aggregate') },
    { to: '/justice/statutes', label: t('justice.nav.statutes'), show: readsJustice || can('reports:aggregate') },
  ];
  const readsPlan = ['action_plan:manage', 'action_plan:read', 'action_plan:report'].some(can);
  const actionPlan: NavItem[] = [
    { to: '/action-plan/mine', label: t('actionPlan.nav.mine'), show: can('action_plan:report') },
    { to: '/action-plan', label: t('actionPlan.nav.plans'), show: readsPlan },
    { to: '/action-plan/reviews', label: t('actionPlan.nav.reviews'), show: can('action_plan:manage') },
    { to: '/action-plan/meetings', label: t('actionPlan.nav.meetings'), show: readsPlan },
  ];
  const statistics = can('reports:aggregate') || can('statistics:prepare') || can('statistics:approve');
  const national: NavItem[] = [
    { to: '/statistics', label: t('statistics.nav'), show: statistics },
    { to: '/statistics/releases', label: t('statistics.releases.title'), show: statistics },
    // Read-only for the statistics team: the population and thresholds its tables and releases use.
    { to: '/admin/country-profile', label: t('nrm.profile.nav'), show: statistics && !can('agencies:manage') },
  ];
  const oversight: NavItem[] = [{ to: '/audit', label: t('nav.audit'), show: can('audit:read') || can('audit:verify') }];
  const personal: NavItem[] = [
    { to: '/', label: t('nav.home'), show: true },
    { to: '/account/profile', label: t('nav.profile'), show: true },
    { to: '/account/security', label: t('nav.security'), show: true },
  ];

  const section = (title: string, items: NavItem[]) => {
    const shown = items.filter((i) => i.show);
    if (shown.length === 0) return null;
    return (
      <div>
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>{title}</Text>
        {shown.map((i) => (
          <NavLink
            key={i.to}
            component={RouterLink}
            to={i.to}
            end={i.to === '/'}
            label={i.label}
            active={i.to === '/' ? location.pathname === '/' : location.pathname.startsWith(i.to)}
            onClick={close}
          />
        ))}
      </div>
    );
  };

  const changeLanguage = async (language: Language) => {
    try {
      await updateMe({ language });
    } catch (e) {
      notifications.show({ color: 'red', message: errorText(t, e) });
    }
  };

  const initials = user.name.split(/\s+/).map((w) => w[0] ?? '').join('').slice(0, 2).toUpperCase();

  return (
    <AppShell header={{ height: demo ? 92 : 60 }} navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <SkipLink />
      {/* Only the signed-in screens show notifications: the public pages load none of their code. */}
      <Notifications position="top-right" />
      <AppShell.Header>
        {demo && (
          <Group h={32} px="xs" justify="center" wrap="nowrap" bg="orange.6" c="white" role="status" data-testid="demo-banner">
            {/* One line in the banner's height: on a phone the end is cut with an ellipsis, not below the header. */}
            <Text size="sm" fw={700} truncate="end" title={t('demo.banner')}>
              {t('demo.banner')}
            </Text>
          </Group>
        )}
        <Group h={60} px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
            <Logo />
            {demo && <Badge color="orange" variant="filled">{t('demo.badge')}</Badge>}
          </Group>
          <Menu position="bottom-end" width={240} withArrow>
            <Menu.Target>
              <UnstyledButton aria-label={t('account.menu')} data-testid="user-menu">
                <Group gap="xs" wrap="nowrap">
                  <Avatar color="pathway" radius="xl" size="md">{initials}</Avatar>
                  <div style={{ lineHeight: 1.1 }}>
                    <Text size="sm" fw={600} visibleFrom="sm">{user.name}</Text>
                    <Text size="xs" c="dimmed" visibleFrom="sm">{user.agency.name}</Text>
                  </div>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{t('account.language')}</Menu.Label>
              {LANGUAGES.map((l) => (
                <Menu.Item key={l} onClick={() => void changeLanguage(l)} rightSection={user.language === l ? '✓' : null} lang={l}>
                  {LANGUAGE_NAMES[l]}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Item onClick={() => void navigate('/account/profile')}>{t('nav.profile')}</Menu.Item>
              <Menu.Item onClick={() => void navigate('/account/security?tab=password')}>{t('account.changePassword')}</Menu.Item>
              <Menu.Item onClick={() => void navigate('/account/security?tab=totp')}>{t('account.twoFactor')}</Menu.Item>
              <Menu.Item onClick={() => void navigate('/account/security?tab=tokens')}>{t('account.apiTokens')}</Menu.Item>
              <Menu.Divider />
              <Menu.Item onClick={() => void signOut()}>{t('account.signOut')}</Menu.Item>
              <Menu.Item color="red" onClick={() => void signOut(true)}>{t('account.signOutEverywhere')}</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.main')}>
        <ScrollArea>
          {section(t('nav.sectionPersonal'), personal)}
          {section(t('hotlineConsole.nav.section'), hotline)}
          {section(t('nrm.nav.section'), nrm)}
          {section(t('justice.nav.section'), justice)}
          {section(t('actionPlan.nav.section'), actionPlan)}
          {section(t('statistics.nav'), national)}
          {section(t('press.nav.section'), press)}
          {section(t('nav.sectionAdmin'), admin)}
          {section(t('nav.sectionOversight'), oversight)}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0" id={MAIN_ID} tabIndex={-1}>
        {/* The shell stays while a screen's chunk loads. */}
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
