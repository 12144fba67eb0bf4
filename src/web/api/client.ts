import type { z } from 'zod';
import { ErrorBody } from '../../shared/schemas/common.ts';
import { clearContactDrafts } from './localCopies.ts';

// ApiError lives in errors.ts, which loads no zod, for the public pages; everything else imports it from here.
export { ApiError, isApiError } from './errors.ts';
import { ApiError } from './errors.ts';

// The session's CSRF token, learnt from sign-in and GET /me; every cookie-authenticated write sends it.
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
/** The header a write needs, for the few calls that send something other than JSON (CSV uploads). */
export const csrfHeader = (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Calls /api/v1<path>; parses the response with `schema` when given, throws ApiError on a non-2xx answer. */
export async function api<S extends z.ZodType>(method: Method, path: string, body: unknown, schema: S): Promise<z.infer<S>>;
export async function api(method: Method, path: string, body?: unknown): Promise<unknown>;
export async function api(method: Method, path: string, body?: unknown, schema?: z.ZodType): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached');
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    // No session (expired, revoked, signed out elsewhere): what it typed must not stay in this browser.
    if (res.status === 401) clearContactDrafts();
    const parsed = ErrorBody.safeParse(json);
    if (parsed.success) {
      const e = parsed.data.error;
      throw new ApiError(res.status, e.code, e.message, e.fields ?? {}, e.requestId);
    }
    throw new ApiError(res.status, 'http_error', `HTTP ${res.status}`);
  }
  return schema ? schema.parse(json) : json;
}
