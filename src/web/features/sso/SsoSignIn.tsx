import { Alert, Button, Divider, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { z } from 'zod';
import { SSO_OUTCOMES, SsoProviderButton, type SsoOutcome } from '../../../shared/schemas/sso.ts';
import { api } from '../../api/client.ts';

const Buttons = z.object({ items: z.array(SsoProviderButton) });
const isOutcome = (v: string | null): v is SsoOutcome => v !== null && (SSO_OUTCOMES as readonly string[]).includes(v);

/** What became of a single sign-on that came back without a session (`/login?sso=<outcome>`). */
export function SsoOutcomeAlert() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const outcome = params.get('sso');
  if (!isOutcome(outcome)) return null;
  return (
    <Alert color={outcome === 'pending' || outcome === 'totp' ? 'blue' : 'red'} role="alert" title={t('sso.outcomeTitle')} mb="md">
      {t(`sso.outcome.${outcome}`)}
    </Alert>
  );
}

/**
 * "Sign in with <provider>" for every enabled identity provider. The buttons are plain links: the
 * browser leaves for the provider and comes back through the server.
 */
export function SsoButtons() {
  const { t } = useTranslation();
  const providers = useQuery({ queryKey: ['sso-providers'], queryFn: () => api('GET', '/auth/sso/providers', undefined, Buttons) });
  const items = providers.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap="sm" mt="md">
      <Divider label={t('sso.or')} labelPosition="center" />
      {items.map((p) => (
        <Button key={p.id} component="a" href={`/api/v1/auth/sso/${p.id}/start`} variant="default" fullWidth>
          {t('sso.signInWith', { name: p.name })}
        </Button>
      ))}
    </Stack>
  );
}
