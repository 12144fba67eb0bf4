import type { z } from 'zod';
import { ApiError } from '../../../api/client.ts';
import { DEFAULT_TIME_ZONE, formatInstant } from '../../../../shared/format.ts';

/** Calls the public hotline API (/api/public/hotline): no session, no cookies. */
export async function publicHotline<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(`/api/public/hotline${path}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      credentials: 'omit',
      body: JSON.stringify(body),
    });
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

/** Formats an instant for the public pages (no account, so Baku time in the page's language). */
export function formatPublic(iso: string, language: string): string {
  return formatInstant(iso, language === 'ru' || language === 'en' ? language : 'az', 'dateTime', DEFAULT_TIME_ZONE);
}
