import { useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { MeResponse, type UserView } from '../../shared/schemas/auth.ts';
import { api, isApiError, setCsrfToken } from './client.ts';
import { clearContactDrafts } from './localCopies.ts';

export type Me = z.infer<typeof MeResponse>;
export const ME_KEY = ['me'] as const;

/** Who is signed in (null when nobody is); also keeps the CSRF token for later writes. */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await api('GET', '/me', undefined, MeResponse);
        setCsrfToken(me.csrfToken);
        return me;
      } catch (e) {
        if (isApiError(e) && e.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw e;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** The signed-in user; only for components rendered inside the signed-in shell. */
export function useUser(): UserView {
  const { data } = useMe();
  if (!data) throw new Error('useUser outside the signed-in shell');
  return data.user;
}

export function useCan() {
  const user = useUser();
  return (permission: string) => user.permissions.includes(permission);
}

/** After sign-in or setup: remember the token and the user without another round trip. */
export function useSignedIn() {
  const qc = useQueryClient();
  return (user: UserView, csrfToken: string) => {
    setCsrfToken(csrfToken);
    clearContactDrafts(user.id);
    const prev = qc.getQueryData<Me | null>(ME_KEY);
    const next: Me = { user, csrfToken, demo: prev?.demo ?? false };
    qc.setQueryData<Me | null>(ME_KEY, next);
  };
}

/** After sign-out: forget everything cached for the previous user. */
export function useSignedOut() {
  const qc = useQueryClient();
  return () => {
    setCsrfToken(null);
    clearContactDrafts();
    qc.clear();
    qc.setQueryData<Me | null>(ME_KEY, null);
  };
}
