import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { AgencyView } from '../../../shared/schemas/admin.ts';
import { page } from '../../../shared/schemas/common.ts';
import {
  CriminalCaseDetail,
  DeadlineView,
  JusticeProfileView,
  RecordsView,
  StatisticsView,
  TrendView,
} from '../../../shared/schemas/justice.ts';
import { api, withQuery } from '../../api/client.ts';

export const JUSTICE_KEY = ['justice'];

export const useJusticeProfile = () => useQuery({ queryKey: [...JUSTICE_KEY, 'profile'], queryFn: () => api('GET', '/justice/profile', undefined, JusticeProfileView), staleTime: Infinity });
export const useCriminalCase = (id: string) => useQuery({ queryKey: [...JUSTICE_KEY, 'case', id], queryFn: () => api('GET', `/justice/cases/${id}`, undefined, CriminalCaseDetail) });
export const useDeadlines = (mine: boolean) =>
  useQuery({ queryKey: [...JUSTICE_KEY, 'deadlines', mine], queryFn: () => api('GET', withQuery('/justice/deadlines', { mine }), undefined, z.object({ items: z.array(DeadlineView) })) });

export type StatsParams = { from?: string; to?: string; year?: number; yearKind?: 'calendar' | 'us_tip'; form?: string; article?: string };
export const useStatistics = (params: StatsParams) =>
  useQuery({ queryKey: [...JUSTICE_KEY, 'statistics', params], queryFn: () => api('GET', withQuery('/justice/statistics', params), undefined, StatisticsView), placeholderData: (p) => p });
export const useTrend = (fromYear: number, toYear: number, yearKind: 'calendar' | 'us_tip') =>
  useQuery({ queryKey: [...JUSTICE_KEY, 'trend', fromYear, toYear, yearKind], queryFn: () => api('GET', withQuery('/justice/statistics/trend', { fromYear, toYear, yearKind }), undefined, TrendView) });
export type RecordsParams = { from: string; to: string; figure: string; form?: string; article?: string; sex?: string; complicity?: string };
export const useRecords = (params: RecordsParams | null) =>
  useQuery({ queryKey: [...JUSTICE_KEY, 'records', params], queryFn: () => api('GET', withQuery('/justice/statistics/records', params!), undefined, RecordsView), enabled: params !== null });
export const exportUrl = (params: StatsParams, format: 'csv' | 'xlsx') => `/api/v1${withQuery('/justice/statistics/export', { ...params, format })}`;

/** Agencies of one type, for the prosecutor's office and court selects. */
export const useAgenciesOfType = (type: 'prosecution' | 'court') =>
  useQuery({
    queryKey: ['agencies', 'type', type],
    queryFn: () => api('GET', withQuery('/agencies', { type, limit: 200 }), undefined, page(AgencyView)),
    select: (p) => p.items.filter((a) => !a.disabled).map((a) => ({ value: a.id, label: a.name })),
  });

export const post = (path: string, body: unknown) => api('POST', path, body);
export const patch = (path: string, body: unknown) => api('PATCH', path, body);
