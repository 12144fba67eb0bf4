import type { z } from 'zod';
import { ApiError } from '../../../api/errors.ts';
import { DEFAULT_TIME_ZONE, formatInstant } from '../../../../shared/format.ts';

type Schemas = typeof import('../../../../shared/schemas/public-reports.ts');
let schemas: Promise<Schemas> | null = null;

/**
 * The public pages' request and response schemas, and zod with them (a fifth of the page's weight),
 * fetched when the reporter first focuses the form or submits it, not before the form is shown: on a
 * slow phone connection the form appears sooner. A failed fetch is tried again next time.
 */
export function publicSchemas(): Promise<Schemas> {
  schemas ??= import('../../../../shared/schemas/public-reports.ts').catch((e: unknown) => {
    schemas = null;
    throw e instanceof ApiError ? e : new ApiError(0, 'network_error', 'The server cannot be reached');
  });
  return schemas;
}

/** Starts fetching the schemas (on focus), ignoring a failure that the submit will report. */
export const prefetchPublicSchemas = (): void => void publicSchemas().catch(() => undefined);

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
