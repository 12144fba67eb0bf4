import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import {
  DuplicatesResult,
  PersonSearchResult,
  PersonView,
  type CreatePersonBody,
  type DuplicatesBody,
  type PersonNameInput,
} from '../../../shared/schemas/people.ts';
import { api, withQuery } from '../../api/client.ts';

export const PEOPLE_KEY = ['people'];

/** People the user may see whose names answer `q`, best first (nothing is asked for an empty query). */
export const usePeopleSearch = (q: string, limit = 20) =>
  useQuery({
    queryKey: [...PEOPLE_KEY, 'search', q, limit],
    queryFn: () => api('GET', withQuery('/people/search', { q, limit }), undefined, PersonSearchResult),
    enabled: q.trim().length > 0,
    placeholderData: (previous) => previous,
  });

/** Likely duplicates of a person being typed in (nothing is asked until there is a name). */
export const useDuplicates = (body: z.input<typeof DuplicatesBody> | null) =>
  useQuery({
    queryKey: [...PEOPLE_KEY, 'duplicates', body],
    queryFn: () => api('POST', '/people/duplicates', body, DuplicatesResult),
    enabled: body !== null,
    placeholderData: (previous) => previous,
  });

export const usePerson = (id: string) => useQuery({ queryKey: [...PEOPLE_KEY, 'person', id], queryFn: () => api('GET', `/people/${id}`, undefined, PersonView) });

export const createPerson = (body: CreatePersonBody) => api('POST', '/people', body, PersonView);
export const addAlias = (id: string, name: PersonNameInput) => api('POST', `/people/${id}/names`, name, PersonView);
export const removeAlias = (id: string, nameId: string) => api('DELETE', `/people/${id}/names/${nameId}`, undefined, PersonView);
export const mergePerson = (id: string, intoId: string, reason: string) => api('POST', `/people/${id}/merge`, { intoId, reason }, PersonView);

/** The name to show for a person: their primary name as entered. */
export const displayName = (p: PersonView): string | null => p.names?.find((n) => n.kind === 'primary')?.asEntered ?? p.names?.[0]?.asEntered ?? null;
