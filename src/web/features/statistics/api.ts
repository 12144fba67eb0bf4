import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { NationalView, PublicRelease, PublicReleaseItem, ReleaseDetail, ReleaseListItem } from '../../../shared/schemas/statistics.ts';
import { api, ApiError, withQuery } from '../../api/client.ts';

export const STATISTICS_KEY = ['statistics'];

export const useNational = (params: { from: string; to: string; lang: string } | null) =>
  useQuery({ queryKey: [...STATISTICS_KEY, 'national', params], queryFn: () => api('GET', withQuery('/statistics/national', params!), undefined, NationalView), enabled: params !== null, placeholderData: (p) => p });
export const nationalExportUrl = (params: { from: string; to: string; lang: string }, format: 'csv' | 'xlsx') => `/api/v1${withQuery('/statistics/national/export', { ...params, format })}`;

export const useReleases = () => useQuery({ queryKey: [...STATISTICS_KEY, 'releases'], queryFn: () => api('GET', '/statistics/releases', undefined, z.object({ items: z.array(ReleaseListItem) })) });
export const useRelease = (id: string, lang: string) => useQuery({ queryKey: [...STATISTICS_KEY, 'release', id, lang], queryFn: () => api('GET', withQuery(`/statistics/releases/${id}`, { lang }), undefined, ReleaseDetail) });
export const prepareRelease = (body: { title: string; from: string; to: string; threshold?: number }) => api('POST', '/statistics/releases', body, z.object({ id: z.string() }));
export const approveRelease = (id: string) => api('POST', `/statistics/releases/${id}/approve`, undefined, ReleaseDetail);
export const withdrawRelease = (id: string, body: { reason: string }) => api('POST', `/statistics/releases/${id}/withdraw`, body, ReleaseDetail);

/** The public statistics API: no session, no CSRF token. */
async function publicStatistics<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(`/api/public/statistics${path}`, { headers: { accept: 'application/json' }, credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? res.statusText, {});
  }
  return schema.parse(json);
}

export const usePublicReleases = (lang: string) => useQuery({ queryKey: ['statistics-public', 'list', lang], queryFn: () => publicStatistics(withQuery('', { lang }), z.object({ items: z.array(PublicReleaseItem) })) });
export const usePublicRelease = (id: string | null, lang: string) =>
  useQuery({ queryKey: ['statistics-public', 'release', id, lang], queryFn: () => publicStatistics(withQuery(`/${id}`, { lang }), PublicRelease), enabled: id !== null });
