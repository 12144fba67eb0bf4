import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Config } from '../config.ts';
import { REAUTH_WINDOW_MINUTES, TOTP_WINDOW_MINUTES } from '../modules/auth/service.ts';
import { ANONYMOUS_REFUSAL_WINDOW_MINUTES } from '../modules/auth/oidc-service.ts';

export type PruneWindows = Pick<Config, 'lockoutMinutes' | 'sessionIdleMinutes'>;
export type Pruned = { signInAttempts: number; accountFailures: number; sessions: number; ssoRequests: number; ssoTotpPending: number; ssoRefusalWindows: number; rateLimitCounters: number };

/**
 * Deletes sign-in state whose window has passed, so that tables written by anyone who tries to sign
 * in (unknown e-mails included) do not grow without end and a stolen database holds no more than
 * the live state:
 * - tries of an account (or an unknown e-mail) from an address, no lock in force, untouched for
 *   `lockoutMinutes` (a run of failures is forgotten after that long anyway);
 * - per-account failure counts whose window (the longest of the kinds) has ended;
 * - sessions that can no longer be used: expired, signed out, or idle past `sessionIdleMinutes`;
 * - single sign-ons in flight and TOTP tickets past their expiry, anonymous refusal windows ended;
 * - rate-limit counters whose window has ended (src/server/rate-limit.ts).
 * Nothing here is audited: none of it is a record, and its creation was audited or logged.
 */
export async function pruneExpired(db: Db, w: PruneWindows): Promise<Pruned> {
  const n = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  const signInAttempts = n(
    await db
      .deleteFrom('signInAttempts')
      .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<=', sql<Date>`now()`)]))
      .where('updatedAt', '<', sql<Date>`now() - make_interval(mins => ${w.lockoutMinutes})`)
      .executeTakeFirst(),
  );
  const failureWindow = Math.max(TOTP_WINDOW_MINUTES, REAUTH_WINDOW_MINUTES, w.lockoutMinutes);
  const accountFailures = n(await db.deleteFrom('accountFailures').where('windowStartedAt', '<', sql<Date>`now() - make_interval(mins => ${failureWindow})`).executeTakeFirst());
  const sessions = n(
    await db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('expiresAt', '<=', sql<Date>`now()`),
          eb('revokedAt', 'is not', null),
          eb('lastSeenAt', '<', sql<Date>`now() - make_interval(mins => ${w.sessionIdleMinutes})`),
        ]),
      )
      .executeTakeFirst(),
  );
  const ssoRequests = n(await db.deleteFrom('ssoRequests').where('expiresAt', '<=', sql<Date>`now()`).executeTakeFirst());
  const ssoTotpPending = n(await db.deleteFrom('ssoTotpPending').where('expiresAt', '<=', sql<Date>`now()`).executeTakeFirst());
  const ssoRefusalWindows = n(
    await db.deleteFrom('ssoRefusalWindows').where('windowStartedAt', '<', sql<Date>`now() - make_interval(mins => ${ANONYMOUS_REFUSAL_WINDOW_MINUTES})`).executeTakeFirst(),
  );
  const rateLimitCounters = n(await db.deleteFrom('rateLimitCounters').where('windowEndsAt', '<=', sql<Date>`now()`).executeTakeFirst());
  return { signInAttempts, accountFailures, sessions, ssoRequests, ssoTotpPending, ssoRefusalWindows, rateLimitCounters };
}
