import type { FastifyRequest } from 'fastify';

/**
 * The names of Pathway's cookies, one function for whoever sets or reads them (the authentication
 * hook, sign-in and sign-out, single sign-on, the tests' helpers).
 *
 * Over HTTPS the session cookie is `__Host-pathway_session`: browsers accept a cookie with that
 * prefix only when it is Secure, has `Path=/` and no `Domain`, so a sibling subdomain or a plain-HTTP
 * page on the way cannot plant or overwrite a session (session fixation, cookie tossing). The single
 * sign-on cookies are limited to `/api/v1/auth/sso`, which `__Host-` forbids; they get `__Secure-`
 * (Secure, set only from HTTPS). Over plain HTTP (local development, the demo on 127.0.0.1) browsers
 * refuse both prefixes, so the plain names are used. A request is read under the name it would be
 * given, never the other: over HTTPS a plain-named cookie is ignored.
 */
export const SESSION_COOKIE = 'pathway_session';
export const SSO_STATE_COOKIE = 'pathway_sso';
export const SSO_TOTP_COOKIE = 'pathway_sso_totp';

/** Cookies are Secure when the browser reached us over HTTPS, or the public address is https (TLS ends at a proxy). */
export const secureCookies = (req: FastifyRequest, publicUrl: string | undefined): boolean => req.protocol === 'https' || (publicUrl?.startsWith('https:') ?? false);

export const sessionCookieName = (secure: boolean): string => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

export const ssoCookieName = (base: typeof SSO_STATE_COOKIE | typeof SSO_TOTP_COOKIE, secure: boolean): string => (secure ? `__Secure-${base}` : base);
