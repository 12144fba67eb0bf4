import { useQuery } from '@tanstack/react-query';
import { AgencyView } from '../../../shared/schemas/admin.ts';
import { page } from '../../../shared/schemas/common.ts';
import { api } from '../../api/client.ts';

export const AGENCIES_KEY = ['agencies'];

/** Agencies for a select box: the first 200 by name (a directory of a country's agencies fits). */
export function useAgencyOptions() {
  return useQuery({
    queryKey: [...AGENCIES_KEY, 'options'],
    queryFn: () => api('GET', '/agencies?limit=200', undefined, page(AgencyView)),
    select: (p) => p.items.filter((a) => !a.disabled).map((a) => ({ value: a.id, label: a.name })),
  });
}
