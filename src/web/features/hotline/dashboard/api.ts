import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../../../api/client.ts';
import { DashboardView, type ExportFormat } from '../../../../shared/schemas/hotline-dashboard.ts';

export type DashboardParams = { from: string; to: string; region?: string | undefined; tz: string };

export const useDashboard = (params: DashboardParams, enabled: boolean) =>
  useQuery({
    queryKey: ['hotline-dashboard', params],
    queryFn: () => api('GET', withQuery('/hotline/dashboard', params), undefined, DashboardView),
    enabled,
    placeholderData: keepPreviousData,
  });

/** The download's address: a plain link, so that the browser saves the server's attachment as it is; labelled in the page's language. */
export const exportUrl = (params: DashboardParams, format: ExportFormat, lang: string) => `/api/v1${withQuery('/hotline/dashboard/export', { ...params, format, lang })}`;

/** The date `days` before a date. */

export function daysBefore(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}
