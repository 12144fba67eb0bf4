import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError, unauthorized } from '../errors.ts';
import type { Principal } from '../access/principal.ts';
import { loadUserWithAccess, type UserWithAccess } from './principal-repository.ts';
import { sha256 } from './tokens.ts';

export const SESSION_COOKIE = 'pathway_session';

export type Authenticated = { principal: Principal; user: UserWithAccess; csrfToken: string | null };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds who is calling: a bearer API token, or else the session cookie. A cookie-authenticated write
 * must carry the session's CSRF token in `X-CSRF-Token`. Returns null for an anonymous caller.
 */
export async function authenticate(db: Db, req: FastifyRequest, idleMinutes: number): Promise<Authenticated | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('The Authorization header must be "Bearer <token>"');
    const token = await db
      .selectFrom('apiTokens')
      .select(['id', 'userId', 'lastUsedAt'])
      .where('tokenHash', '=', sha256(match[1]))
      .where('revokedAt', 'is', null)
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!token) throw unauthorized('The API token is unknown, revoked or expired');
    const user = await loadUserWithAccess(db, token.userId);
    if (!user || user.disabled) throw unauthorized('The API token is unknown, revoked or expired');
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
      await db.updateTable('apiTokens').set({ lastUsedAt: new Date() }).where('id', '=', token.id).execute();
    }
    return { principal: toPrincipal(user, 'token', null, token.id), user, csrfToken: null };
  }

  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const session = await db
    .selectFrom('sessions')
    .select(['id', 'userId', 'csrfToken', 'lastSeenAt'])
    .where('tokenHash', '=', sha256(cookie))
    .where('revokedAt', 'is', null)
    .where('expiresAt', '>', sql<Date>`now()`)
    // A session left alone ends; last_seen_at moves at most every five minutes (below).
    .where('lastSeenAt', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`)
    .executeTakeFirst();
  if (!session) return null;
  const user = await loadUserWithAccess(db, session.userId);
  if (!user || user.disabled) return null;
  if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
    throw new AppError('csrf_failed', 403, 'Missing or wrong X-CSRF-Token header');
  }
  if (Date.now() - session.lastSeenAt.getTime() > 5 * 60_000) {
    await db.updateTable('sessions').set({ lastSeenAt: new Date() }).where('id', '=', session.id).execute();
  }
  return { principal: toPrincipal(user, 'session', session.id, null), user, csrfToken: session.csrfToken };
}

export function toPrincipal(u: UserWithAccess, via: 'session' | 'token', sessionId: string | null, tokenId: string | null): Principal {
  return {
    userId: u.id,
    agencyId: u.agencyId,
    email: u.email,
    roles: u.roles,
    permissions: new Set(u.permissions),
    via,
    sessionId,
    tokenId,
  };
}
