import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useUser } from '../../api/session.ts';
import { agencyTypeLabel, roleLabel } from '../../components/labels.ts';
import { Page } from '../../components/Page.tsx';

/** Where a user lands: who they are here, and the areas their roles open. */
export function HomePage() {
  const { t } = useTranslation();
  const user = useUser();
  const can = (p: string) => user.permissions.includes(p);
  const areas = [
    { to: '/admin/users', title: t('nav.users'), text: t('home.usersText'), show: can('users:manage') },
    { to: '/admin/agencies', title: t('nav.agencies'), text: t('home.agenciesText'), show: can('agencies:manage') },
    { to: '/admin/roles', title: t('nav.roles'), text: t('home.rolesText'), show: can('roles:manage') },
    { to: '/audit', title: t('nav.audit'), text: t('home.auditText'), show: can('audit:read') || can('audit:verify') },
    { to: '/account/security', title: t('nav.security'), text: t('home.securityText'), show: true },
  ].filter((a) => a.show);

  return (
    <Page title={t('home.welcome', { name: user.name })} description={t('home.intro')}>
      <Card withBorder padding="lg">
        <Stack gap="xs">
          <Group gap="xs">
            <Text fw={600}>{user.agency.name}</Text>
            <Badge variant="light" color="gray">{agencyTypeLabel(t, user.agency.type)}</Badge>
          </Group>
          <Group gap="xs" aria-label={t('field.roles')}>
            {user.roles.length === 0 ? <Text size="sm" c="dimmed">{t('home.noRoles')}</Text> : user.roles.map((r) => <Badge key={r} variant="outline">{roleLabel(t, r)}</Badge>)}
          </Group>
          <Text size="sm" c={user.totpEnabled ? 'teal.8' : 'dimmed'}>{user.totpEnabled ? t('home.totpOn') : t('home.totpOff')}</Text>
        </Stack>
      </Card>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {areas.map((a) => (
          <Card key={a.to} withBorder padding="lg" component={Link} to={a.to}>
            <Title order={2} size="h4" mb={4}>{a.title}</Title>
            <Text size="sm" c="dimmed">{a.text}</Text>
          </Card>
        ))}
      </SimpleGrid>
    </Page>
  );
}
