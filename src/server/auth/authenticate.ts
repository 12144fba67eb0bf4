import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError, unauthorized } from '../errors.ts';
import type { Principal } from '../access/principal.ts';
import { loadUserWithAccess, toUserWithAccess, userWithAccessColumns, type UserWithAccess } from './principal-repository.ts';
import { sha256 } from './tokens.ts';
import { secureCookies, sessionCookieName } from './cookies.ts';


export type Authenticated = { principal: Principal; user: UserWithAccess; csrfToken: string | null };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthOptions = {
  /** A session left alone this long ends. */
  idleMinutes: number;
  /** Pathway runs in demo mode: only then do demo accounts (published password) work. */
  demo: boolean;
  /** PATHWAY_PUBLIC_URL: an https address means Secure cookies, hence the `__Host-` session cookie. */
  publicUrl: string | undefined;
};

/**
 * Whether the user behind a live session or token may act now: not disabled (nor their agency), and
 * not a demo account while Pathway is not in demo mode. Demo accounts are refused here, on every
 * request, not only at sign-in: a demo session or token made in demo mode must not outlive it when
 * the same database is started for real.
 */
const mayAct = (user: UserWithAccess | undefined, opts: AuthOptions): user is UserWithAccess => Boolean(user && !user.disabled && (!user.isDemo || opts.demo));

async function activeUser(db: Db, userId: string, opts: AuthOptions): Promise<UserWithAccess | undefined> {
  const user = await loadUserWithAccess(db, userId);
  return mayAct(user, opts) ? user : undefined;
}

const liveToken = (db: Db) =>
  db.selectFrom('apiTokens').select(['apiTokens.id as tokenId', 'apiTokens.userId', 'apiTokens.lastUsedAt']).where('apiTokens.revokedAt', 'is', null).where('apiTokens.expiresAt', '>', sql<Date>`now()`);

const liveSession = (db: Db, idleMinutes: number) =>
  db
    .selectFrom('sessions')
    .select(['sessions.id as sessionId', 'sessions.userId', 'sessions.csrfToken', 'sessions.lastSeenAt'])
    .where('sessions.revokedAt', 'is', null)
    .where('sessions.expiresAt', '>', sql<Date>`now()`)
    // A session left alone ends; last_seen_at moves at most every five minutes (below).
    .where('sessions.lastSeenAt', '>', sql<Date>`now() - make_interval(mins => ${idleMinutes})`);

/**
 * Finds who is calling: a bearer API token, or else the session cookie. A cookie-authenticated write
 * must carry the session's CSRF token in `X-CSRF-Token`. Returns null for an anonymous caller.
 */
export async function authenticate(db: Db, req: FastifyRequest, opts: AuthOptions): Promise<Authenticated | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('The Authorization header must be "Bearer <token>"');
    // The token and its user in one round trip (every request pays it).
    const row = await liveToken(db)
      .innerJoin('users as u', 'u.id', 'apiTokens.userId')
      .innerJoin('agencies as a', 'a.id', 'u.agencyId')
      .select(userWithAccessColumns)
      .where('apiTokens.tokenHash', '=', sha256(match[1]))
      .executeTakeFirst();
    const token = row && { id: row.tokenId, lastUsedAt: row.lastUsedAt };
    const user = row && toUserWithAccess(row);
    if (!token || !mayAct(user, opts)) throw unauthorized('The API token is unknown, revoked or expired');
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
      await db.updateTable('apiTokens').set({ lastUsedAt: new Date() }).where('id', '=', token.id).execute();
    }
    return { principal: toPrincipal(user, 'token', null, token.id), user, csrfToken: null };
  }

  const cookie = req.cookies[sessionCookieName(secureCookies(req, opts.publicUrl))];
  if (!cookie) return null;
  // The session and its user in one round trip (every request pays it).
  const row = await liveSession(db, opts.idleMinutes)
    .innerJoin('users as u', 'u.id', 'sessions.userId')
    .innerJoin('agencies as a', 'a.id', 'u.agencyId')
    .select(userWithAccessColumns)
    .where('sessions.tokenHash', '=', sha256(cookie))
    .executeTakeFirst();
  if (!row) return null;
  const session = { id: row.sessionId, csrfToken: row.csrfToken, lastSeenAt: row.lastSeenAt };
  const user = toUserWithAccess(row);
  if (!mayAct(user, opts)) return null;
  if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
    throw new AppError('csrf_failed', 403, 'Missing or wrong X-CSRF-Token header');
  }
  if (Date.now() - session.lastSeenAt.getTime() > 5 * 60_000) {
    await db.updateTable('sessions').set({ lastSeenAt: new Date() }).where('id', '=', session.id).execute();
  }
  return { principal: toPrincipal(user, 'session', session.id, null), user, csrfToken: session.csrfToken };
}

/**
 * Checks again that the caller a principal was made for may still act: their session or token is
 * live (not signed out, revoked, expired or idle) and the user is active, as `authenticate` would
 * find on a new request. Answers the user as they are now, or undefined. For long-lived responses
 * (the live stream), which would otherwise keep the rights of the moment they were opened.
 */
export async function recheckCaller(db: Db, p: Principal, opts: AuthOptions): Promise<UserWithAccess | undefined> {
  const live =
    p.via === 'token'
      ? p.tokenId && (await liveToken(db).where('apiTokens.id', '=', p.tokenId).where('apiTokens.userId', '=', p.userId).executeTakeFirst())
      : p.sessionId && (await liveSession(db, opts.idleMinutes).where('sessions.id', '=', p.sessionId).where('sessions.userId', '=', p.userId).executeTakeFirst());
  if (!live) return undefined;
  return activeUser(db, p.userId, opts);
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
