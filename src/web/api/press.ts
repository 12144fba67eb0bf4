import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { ImportReport, PublicIncident, PublicListItem, PublicSummary, SourceFileView } from '../../shared/schemas/press.ts';
import { page } from '../../shared/schemas/common.ts';
import { ApiError, csrfHeader, withQuery } from './client.ts';

/** Calls the public press API (/api/public/press): no session, no CSRF token. */
export async function publicApi<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(`/api/public/press${path}`, { headers: { accept: 'application/json' }, credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? res.statusText, e?.fields ?? {});
  }
  return schema.parse(json);
}

export type PublicFilters = Record<string, string | undefined>;

export const usePublicList = (filters: PublicFilters, limit: number) =>
  useQuery({ queryKey: ['press-public', 'list', filters, limit], queryFn: () => publicApi(withQuery('/incidents', { ...filters, limit }), page(PublicListItem)) });

export const usePublicSummary = () => useQuery({ queryKey: ['press-public', 'summary'], queryFn: () => publicApi('/summary', PublicSummary) });

export const usePublicIncident = (id: string) => useQuery({ queryKey: ['press-public', 'incident', id], queryFn: () => publicApi(`/incidents/${id}`, PublicIncident) });

/** Uploads a CSV file to the import; a 422 (bad rows, nothing changed) is a report, not an error. */
export async function importCsv(csv: string, options: { skipBadRows: boolean; dryRun: boolean }): Promise<ImportReport> {
  const res = await fetch(withQuery('/api/v1/press/import', { skipBadRows: options.skipBadRows, dryRun: options.dryRun }), {
    method: 'POST',
    headers: { 'content-type': 'text/csv', accept: 'application/json', ...csrfHeader() },
    credentials: 'same-origin',
    body: csv,
  });
  const json: unknown = await res.json().catch(() => null);
  if (res.ok || res.status === 422) return ImportReport.parse(json);
  const e = (json as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error;
  throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? res.statusText, e?.fields ?? {});
}

/** Attaches a file to a source (replacing its file): the raw bytes, typed as the file says. */
export async function uploadSourceFile(sourceId: string, file: File): Promise<SourceFileView> {
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1/press/sources/${sourceId}/file`, { name: file.name }), {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json', ...csrfHeader() },
      credentials: 'same-origin',
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached');
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return SourceFileView.parse(json);
  const e = (json as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error;
  throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? res.statusText, e?.fields ?? {});
}

/** Where staff download a source's file (an attachment; the server audits the read). */
export const sourceFileUrl = (sourceId: string) => `/api/v1/press/sources/${sourceId}/file`;
