import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { z } from 'zod';
import { UserView } from '../../shared/schemas/auth.ts';
import type { Language } from '../../shared/schemas/common.ts';
import { applyLanguage } from '../i18n/index.ts';
import { api } from './client.ts';
import { ME_KEY, useSignedOut, type Me } from './session.ts';

const MeUpdated = z.object({ user: UserView });

/** PATCH /me, then the cached user; a new language applies at once. */
export function useUpdateMe() {
  const qc = useQueryClient();
  return async (changes: { name?: string; language?: Language; timeZone?: string }) => {
    const { user } = await api('PATCH', '/me', changes, MeUpdated);
    if (changes.language) await applyLanguage(user.language);
    qc.setQueryData<Me | null>(ME_KEY, (prev) => (prev ? { ...prev, user } : prev));
    return user;
  };
}

export function useRefreshMe() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ME_KEY });
}

export function useSignOut() {
  const signedOut = useSignedOut();
  const navigate = useNavigate();
  return async (everywhere = false) => {
    await api('POST', everywhere ? '/auth/logout-everywhere' : '/auth/logout').catch(() => undefined);
    signedOut();
    await navigate('/login', { replace: true });
  };
}
