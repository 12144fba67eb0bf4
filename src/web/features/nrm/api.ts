import { useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { CaseDetail } from '../../../shared/schemas/cases.ts';
import { QueueView } from '../../../shared/schemas/identification.ts';
import { CatalogueView } from '../../../shared/schemas/screening.ts';
import { api } from '../../api/client.ts';

export const CASES_KEY = ['nrm', 'cases'];
export const REFERRALS_KEY = ['nrm', 'referrals'];
export const PROVIDERS_KEY = ['nrm', 'providers'];

export const useCase = (id: string) => useQuery({ queryKey: [...CASES_KEY, id], queryFn: () => api('GET', `/cases/${id}`, undefined, CaseDetail) });
export const useQueue = () => useQuery({ queryKey: ['nrm', 'queue'], queryFn: () => api('GET', '/identification/queue', undefined, QueueView) });
export const useCatalogue = () => useQuery({ queryKey: ['screening', 'catalogue'], queryFn: () => api('GET', '/screenings/catalogue', undefined, CatalogueView), staleTime: Infinity });

/** After any write to a case: its page, the lists and the queue load again. */
export function useRefreshNrm() {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: CASES_KEY }), qc.invalidateQueries({ queryKey: REFERRALS_KEY }), qc.invalidateQueries({ queryKey: ['nrm', 'queue'] })]);
}

export const Created = z.object({ id: z.uuid(), caseNumber: z.string() });
