import { sql } from 'kysely';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import type { Config } from '../../config.ts';
import { AppError, badRequest } from '../../errors.ts';
import { auditedTransaction, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
import { decoyHash, hashPassword, verifyPassword } from '../../auth/passwords.ts';
import { loadUserWithAccess, type UserWithAccess } from '../../auth/principal-repository.ts';
import { randomSecret, sha256 } from '../../auth/tokens.ts';
import { addressKey } from '../../auth/address.ts';
import { revokeAllSessions, revokeAllTokens, unlinkIdentitiesOfPasswordUser } from '../../auth/credentials.ts';
export { createToken, listTokens, revokeToken, tokenView } from '../../auth/credentials.ts';
import { newTotpSecret, openTotpSecret, sealTotpSecret, totpStep, totpUri } from '../../auth/totp.ts';
import type { Keys } from '../../crypto/keys.ts';
import type { UserView } from '../../../shared/schemas/auth.ts';
import type { Language } from '../../../shared/schemas/common.ts';

export function toUserView(u: UserWithAccess): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    language: u.language as Language,
    timeZone: u.timeZone,
    reminderEmails: u.reminderEmails,
    agency: { id: u.agencyId, name: u.agencyName, type: u.agencyType as UserView['agency']['type'] },
    roles: u.roles,
    permissions: [...u.permissions].sort(),
    isServiceAccount: u.isServiceAccount,
    totpEnabled: u.totpEnabled,
    totpSetupRequired: u.requireTotp && !u.totpEnabled && !u.isServiceAccount,
    mustChangePassword: u.mustChangePassword,
    isDemo: u.isDemo,
  };
}

export type LoginInput = { email: string; password: string; totp?: string | undefined; language?: Language | undefined };
export type NewSession = { token: string; csrfToken: string; expiresAt: Date; user: UserWithAccess };

const invalid = () => new AppError('invalid_credentials', 401, 'Wrong e-mail or password');
const totpLocked = () => new AppError('totp_locked', 429, 'Too many wrong codes for this account: try again in an hour', { totp: 'too many wrong codes' });

/**
 * The key under which tries at an unknown e-mail are counted, in place of an account's id: a UUID
 * made from a keyed pseudonym of the e-mail (the same e-mail, the same key; the e-mail cannot be read
 * back, and a copy of the database without the master key cannot test guesses). Never a real
 * account's id: those are random.
 */
export function unknownAccountKey(keys: Keys, email: string): string {
  const h = sha256(keys.pseudonym('sign_in_unknown_account', email.trim().toLowerCase())).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Takes one try of `userId` from `address` before its password is checked, in one statement, so
 * that guesses sent in parallel are all counted before any of them is judged. Answers the tries
 * taken in a row (this one included) and whether the pair is locked. A lock or a run of failures
 * ends after `lockoutMinutes`; a success clears the pair (`clearTries`).
 */
async function takeTry(db: DbOrTx, userId: string, address: string, lockoutMinutes: number): Promise<{ tries: number; locked: boolean }> {
  const r = await sql<{ tries: number; locked: boolean }>`
    INSERT INTO sign_in_attempts AS s (user_id, address_key, failures, locked_until, updated_at)
    VALUES (${userId}, ${address}, 1, NULL, now())
    ON CONFLICT (user_id, address_key) DO UPDATE SET
      failures = CASE WHEN s.locked_until <= now() OR (s.locked_until IS NULL AND s.updated_at < now() - make_interval(mins => ${lockoutMinutes}))
                      THEN 1 ELSE s.failures + 1 END,
      locked_until = CASE WHEN s.locked_until <= now() THEN NULL ELSE s.locked_until END,
      updated_at = now()
    RETURNING failures AS tries, COALESCE(locked_until > now(), false) AS locked`.execute(db);
  return r.rows[0]!;
}

const clearTries = async (db: DbOrTx, userId: string, address: string) => {
  await db.deleteFrom('signInAttempts').where('userId', '=', userId).where('addressKey', '=', address).execute();
  await db
    .insertInto('knownSignInAddresses')
    .values({ userId, addressKey: address })
    .onConflict((oc) => oc.columns(['userId', 'addressKey']).doUpdateSet({ lastSuccessAt: new Date() }))
    .execute();
};

// --- failures per account, whatever the address -----------------------------------------------------

/** Wrong TOTP codes (each one after the right password) an account may have in `TOTP_WINDOW_MINUTES`. */
export const TOTP_MAX_FAILURES = 10;
export const TOTP_WINDOW_MINUTES = 60;
/** Wrong passwords asked again of a signed-in user (re-authentication) before the session ends. */
export const REAUTH_MAX_FAILURES = 5;
export const REAUTH_WINDOW_MINUTES = 60;
/** Wrong passwords to one account from all addresses together, in `lockoutMinutes`, past which only known addresses may try. */
export const accountPasswordCap = (config: Config) => config.loginMaxFailures * 10;
/** An address the account signed in from this recently is known. */
const KNOWN_ADDRESS_DAYS = 90;

type FailureKind = 'totp' | 'password' | 'reauth';

/** Counts one failure of `kind` for the account; a window starts at the first. Answers the failures in the window, this one included. */
export async function countAccountFailure(db: DbOrTx, userId: string, kind: FailureKind, windowMinutes: number): Promise<number> {
  const r = await sql<{ failures: number }>`
    INSERT INTO account_failures AS f (user_id, kind, failures, window_started_at) VALUES (${userId}, ${kind}, 1, now())
    ON CONFLICT (user_id, kind) DO UPDATE SET
      failures = CASE WHEN f.window_started_at < now() - make_interval(mins => ${windowMinutes}) THEN 1 ELSE f.failures + 1 END,
      window_started_at = CASE WHEN f.window_started_at < now() - make_interval(mins => ${windowMinutes}) THEN now() ELSE f.window_started_at END
    RETURNING failures`.execute(db);
  return r.rows[0]!.failures;
}

/** The failures of `kind` in the current window. */
export async function accountFailures(db: DbOrTx, userId: string, kind: FailureKind, windowMinutes: number): Promise<number> {
  const row = await db
    .selectFrom('accountFailures')
    .select('failures')
    .where('userId', '=', userId)
    .where('kind', '=', kind)
    .where('windowStartedAt', '>=', sql<Date>`now() - make_interval(mins => ${windowMinutes})`)
    .executeTakeFirst();
  return row?.failures ?? 0;
}

const isKnownAddress = async (db: DbOrTx, userId: string, address: string) =>
  !!(await db
    .selectFrom('knownSignInAddresses')
    .select('userId')
    .where('userId', '=', userId)
    .where('addressKey', '=', address)
    .where('lastSuccessAt', '>', sql<Date>`now() - make_interval(days => ${KNOWN_ADDRESS_DAYS})`)
    .executeTakeFirst());

/**
 * Checks the password (and the TOTP code when the user has one). Failed tries are counted per
 * account and client address (an IPv6 address by its /64, see `addressKey`): after
 * `loginMaxFailures` tries in a row without success, that address may not try that account for
 * `lockoutMinutes`. So a stranger guessing locks out only themselves, never the owner signing in from
 * elsewhere. The try is taken before the password is checked, atomically, so parallel guesses get no
 * more tries than allowed. An unknown, locked or disabled account answers exactly like a wrong
 * password (same status, body and work), so answers do not tell which accounts exist or are locked.
 * Failures are audited and committed before the refusal is answered.
 */
export async function login(db: Db, config: Config, keys: Keys, input: LoginInput, actor: AuditActor, meta: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
  const user = await db
    .selectFrom('users as u')
    .innerJoin('agencies as a', 'a.id', 'u.agencyId')
    .select(['u.id', 'u.agencyId', 'u.passwordHash', 'u.totpSecret', 'u.totpEnabledAt', 'u.totpLastStep', 'u.isServiceAccount', 'u.language'])
    .select(sql<boolean>`u.disabled_at IS NOT NULL OR a.disabled_at IS NOT NULL`.as('disabled'))
    .select(sql<boolean>`u.is_demo OR a.is_demo`.as('isDemo'))
    .where(sql`lower(u.email)`, '=', input.email.toLowerCase())
    .executeTakeFirst();
  const address = addressKey(meta.ip);
  // An unknown e-mail takes its tries exactly like an account (under a keyed pseudonym of the e-mail,
  // never the e-mail itself) and checks a password hash: the same statements, the same argon2 work,
  // the same lock, the same answer. Neither timing nor the lock tells which accounts exist.
  const account = user && !user.isServiceAccount && user.passwordHash ? user : null;
  const tryKey = account ? account.id : unknownAccountKey(keys, input.email);
  const { tries, locked } = await takeTry(db, tryKey, address, config.lockoutMinutes);
  /** The last allowed try failed (or one past it is refused): this address may not try this account for a while. Not when a success in between cleared the tries. */
  const lockIfDue = async (tx: DbOrTx) =>
    !locked &&
    tries >= config.loginMaxFailures &&
    Number(
      (
        await tx
          .updateTable('signInAttempts')
          .set({ lockedUntil: new Date(Date.now() + config.lockoutMinutes * 60_000) })
          .where('userId', '=', tryKey)
          .where('addressKey', '=', address)
          .where('failures', '>=', config.loginMaxFailures)
          .where('lockedUntil', 'is', null)
          .executeTakeFirst()
      ).numUpdatedRows,
    ) === 1;
  if (!account) {
    await verifyPassword(await decoyHash(), input.password);
    await auditedTransaction(db, actor, async (tx) => {
      const lock = await lockIfDue(tx);
      return { result: null, audit: { action: lock ? 'auth.locked_out' : 'auth.login_failed', changes: { failure: 'unknown_user' } } };
    });
    throw invalid();
  }
  const who: AuditActor = { ...actor, userId: account.id, agencyId: account.agencyId };
  const fail = async (reason: string, error: AppError, also: AuditEntry[] = []) => {
    await auditedTransaction(db, who, async (tx) => {
      const lock = await lockIfDue(tx);
      return { result: null, audit: [{ action: lock ? 'auth.locked_out' : 'auth.login_failed', recordType: 'user', recordId: account.id, changes: { failure: reason } }, ...also] };
    });
    throw error;
  };
  if (locked || tries > config.loginMaxFailures) {
    // The password is not checked at all, but the same work is done so that timing tells nothing.
    await verifyPassword(await decoyHash(), input.password);
    await auditedTransaction(db, who, async (tx) => {
      // Past the allowed tries with no lock yet (the last allowed one still being judged, or lost): lock now.
      const lockedNow = await lockIfDue(tx);
      return { result: null, audit: { action: lockedNow ? 'auth.locked_out' : 'auth.login_failed', recordType: 'user', recordId: account.id, changes: { failure: 'locked' } } };
    });
    throw invalid();
  }
  // Many addresses together (a botnet) guessing one account: past the cap, only addresses the account
  // has signed in from may try until the window ends. The owner keeps their usual places; a stranger
  // cannot lock them out entirely.
  if ((await accountFailures(db, account.id, 'password', config.lockoutMinutes)) >= accountPasswordCap(config) && !(await isKnownAddress(db, account.id, address))) {
    await verifyPassword(await decoyHash(), input.password);
    return fail('account_guarded', invalid());
  }
  if (!(await verifyPassword(account.passwordHash, input.password))) {
    const n = await countAccountFailure(db, account.id, 'password', config.lockoutMinutes);
    const guarded: AuditEntry[] = n === accountPasswordCap(config) ? [{ action: 'auth.account_guarded', recordType: 'user', recordId: account.id, changes: { failures: n } }] : [];
    return fail('wrong_password', invalid(), guarded);
  }
  // Answered like a wrong password: the right password of a disabled account must not show it exists.
  if (account.disabled) return fail('account_disabled', invalid());
  // Demo accounts have a published password: they work only while Pathway runs in demo mode.
  if (account.isDemo && !config.demo) throw new AppError('demo_account', 403, 'Demo accounts work only in demo mode (npm run demo)');
  let step: number | null = null;
  if (account.totpEnabledAt && account.totpSecret) {
    if (!input.totp) {
      // The right password without the code is not a guess: give the try back.
      await db
        .updateTable('signInAttempts')
        .set((eb) => ({ failures: eb('failures', '-', 1) }))
        .where('userId', '=', account.id)
        .where('addressKey', '=', address)
        .where('failures', '>', 0)
        .execute();
      throw new AppError('totp_required', 401, 'Enter the six-digit code from your authenticator app', { totp: 'required' });
    }
    // Each wrong code came with the right password: whoever sends them knows it. Counted per account
    // whatever the address, so that many addresses together cannot guess the code either.
    if ((await accountFailures(db, account.id, 'totp', TOTP_WINDOW_MINUTES)) >= TOTP_MAX_FAILURES)
      return fail('totp_locked', totpLocked());
    step = totpStep(openTotpSecret(keys, account.totpSecret, account.id), input.totp);
    if (step === null || (account.totpLastStep !== null && step <= Number(account.totpLastStep))) {
      const n = await countAccountFailure(db, account.id, 'totp', TOTP_WINDOW_MINUTES);
      const locked: AuditEntry[] = n === TOTP_MAX_FAILURES ? [{ action: 'auth.totp_locked', recordType: 'user', recordId: account.id, changes: { failures: n } }] : [];
      return fail('wrong_totp', new AppError('invalid_totp', 401, 'The code is wrong or already used', { totp: 'wrong code' }), locked);
    }
  }
  const spent = step;
  // A language chosen on the sign-in page is kept: it becomes the account's language.
  const language = input.language !== undefined && input.language !== account.language ? input.language : undefined;
  const session = await auditedTransaction(db, who, async (tx) => {
    // A TOTP step is spent once: of two sign-ins racing with the same code, one updates the row.
    let q = tx
      .updateTable('users')
      .set({ lastLoginAt: new Date(), ...(spent !== null ? { totpLastStep: spent } : {}), ...(language ? { language, updatedAt: new Date() } : {}) })
      .where('id', '=', account.id);
    if (spent !== null) q = q.where((eb) => eb.or([eb('totpLastStep', 'is', null), eb('totpLastStep', '<', String(spent))]));
    const updated = await q.executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { result: null, audit: { action: 'auth.login_failed', recordType: 'user', recordId: account.id, changes: { failure: 'totp_replayed' } } };
    await clearTries(tx, account.id, address);
    const session = await createSession(tx, config, account.id, meta);
    const loaded = await loadUserWithAccess(tx, account.id);
    if (!loaded) throw invalid();
    return {
      result: { ...session, user: loaded },
      audit: { action: 'auth.login', recordType: 'user', recordId: account.id, changes: { session: session.id, ...(language ? { language: { old: account.language, new: language } } : {}) } },
    };
  });
  if (!session) throw new AppError('invalid_totp', 401, 'The code is wrong or already used', { totp: 'wrong code' });
  return session;
}

export async function createSession(tx: Tx, config: Config, userId: string, meta: { ip: string | null; userAgent: string | null }) {
  const token = randomSecret();
  const csrfToken = randomSecret(24);
  const expiresAt = new Date(Date.now() + config.sessionHours * 3600_000);
  const row = await tx
    .insertInto('sessions')
    .values({ tokenHash: sha256(token), csrfToken, userId, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, csrfToken, expiresAt };
}

export async function logout(db: Db, actor: AuditActor, sessionId: string): Promise<void> {
  await auditedTransaction(db, actor, async (tx) => {
    await tx.updateTable('sessions').set({ revokedAt: new Date() }).where('id', '=', sessionId).execute();
    return { result: null, audit: { action: 'auth.logout', recordType: 'session', recordId: sessionId } };
  });
}

/** "Sign out everywhere" is what a user does after a suspected break-in: sessions, API tokens and linked single sign-ons (of a password user) end. */
export async function logoutEverywhere(db: Db, actor: AuditActor, userId: string): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  return auditedTransaction(db, actor, async (tx) => {
    const sessionsEnded = await revokeAllSessions(tx, userId);
    const tokensRevoked = await revokeAllTokens(tx, userId);
    const identitiesRemoved = await unlinkIdentitiesOfPasswordUser(tx, actor, userId);
    return {
      result: { sessionsEnded, tokensRevoked },
      audit: { action: 'auth.logout_everywhere', recordType: 'user', recordId: userId, changes: { sessions: sessionsEnded, tokens: tokensRevoked, identities: identitiesRemoved } },
    };
  });
}

export async function changePassword(db: Db, actor: AuditActor, userId: string, sessionId: string | null, current: string, next: string): Promise<void> {
  await checkCurrentPassword(db, actor, { userId, sessionId }, current, 'password_change', 'currentPassword');
  if (current === next) throw badRequest('validation_failed', 'Choose a new password', { newPassword: 'same as the current one' });
  const passwordHash = await hashPassword(next);
  await auditedTransaction(db, actor, async (tx) => {
    await tx.updateTable('users').set({ passwordHash, passwordChangedAt: new Date(), mustChangePassword: false, updatedAt: new Date() }).where('id', '=', userId).execute();
    // Other sessions and every API token may belong to whoever knew the old password.
    const sessionsEnded = await revokeAllSessions(tx, userId, sessionId);
    const tokensRevoked = await revokeAllTokens(tx, userId);
    return { result: null, audit: { action: 'auth.password_changed', recordType: 'user', recordId: userId, changes: { passwordHash: { changed: true }, sessionsEnded, tokensRevoked } } };
  });
}

export async function updateProfile(db: Db, actor: AuditActor, userId: string, patch: { name?: string | undefined; language?: string | undefined; timeZone?: string | undefined; reminderEmails?: boolean | undefined }) {
  if (patch.timeZone !== undefined && !Intl.supportedValuesOf('timeZone').includes(patch.timeZone) && patch.timeZone !== 'UTC')
    throw badRequest('validation_failed', 'Unknown time zone', { timeZone: 'unknown time zone' });
  await auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('users').select(['name', 'language', 'timeZone', 'reminderEmails']).where('id', '=', userId).executeTakeFirstOrThrow();
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    await tx.updateTable('users').set({ ...set, updatedAt: new Date() }).where('id', '=', userId).execute();
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(set)) if (before[k as keyof typeof before] !== v) changes[k] = { old: before[k as keyof typeof before], new: v };
    return { result: null, audit: { action: 'user.profile_updated', recordType: 'user', recordId: userId, changes } };
  });
}

// --- re-authentication ----------------------------------------------------------------------------

/** A user without a password (single sign-on) counts as present when their session began this recently. */
export const REAUTH_RECENT_MINUTES = 10;

export type Presence = { userId: string; sessionId: string | null };

/**
 * Checks the current password a signed-in user gave again before something a stolen session must
 * not do alone. A wrong one answers 400 `wrong_password` naming `field`; wrong ones are counted per
 * account, and the `REAUTH_MAX_FAILURES`-th in `REAUTH_WINDOW_MINUTES` ends the session it came
 * from (401 `session_ended`): whoever holds only a cookie gets a handful of guesses, not a stream.
 */
export async function checkCurrentPassword(db: Db, actor: AuditActor, who: Presence, password: string | undefined, purpose: string, field: string): Promise<void> {
  const u = await db.selectFrom('users').select(['passwordHash']).where('id', '=', who.userId).executeTakeFirstOrThrow();
  if (password !== undefined && (await verifyPassword(u.passwordHash, password))) return;
  if (password === undefined) throw badRequest('validation_failed', 'Give your current password', { [field]: 'required' });
  const ended = await auditedTransaction(db, actor, async (tx) => {
    const n = await countAccountFailure(tx, who.userId, 'reauth', REAUTH_WINDOW_MINUTES);
    const entries: AuditEntry[] = [{ action: 'auth.reauth_failed', recordType: 'user', recordId: who.userId, changes: { purpose, failures: n } }];
    const end = n >= REAUTH_MAX_FAILURES && who.sessionId !== null;
    if (end) {
      await tx.updateTable('sessions').set({ revokedAt: new Date() }).where('id', '=', who.sessionId).where('revokedAt', 'is', null).execute();
      entries.push({ action: 'auth.session_ended', recordType: 'session', recordId: who.sessionId!, changes: { cause: 'reauth_failures', failures: n } });
    }
    return { result: end, audit: entries };
  });
  if (ended) throw new AppError('session_ended', 401, 'Too many wrong passwords: this session has ended; sign in again');
  throw badRequest('wrong_password', 'The password is wrong', { [field]: 'wrong password' });
}

/**
 * Proves that the signed-in administrator is at the keyboard, for what could leave a way in behind
 * (an identity provider, a sign-in linked to a user): a user with a password gives it
 * (`checkCurrentPassword`, field `currentPassword`); a user without one (single sign-on) must have
 * signed in within `REAUTH_RECENT_MINUTES` (403 `reauthentication_required` otherwise). An API token
 * never proves it for a user without a password.
 */
export async function confirmPresence(db: Db, actor: AuditActor, who: Presence, password: string | undefined, purpose: string): Promise<void> {
  const u = await db.selectFrom('users').select(['passwordHash']).where('id', '=', who.userId).executeTakeFirstOrThrow();
  if (u.passwordHash) return checkCurrentPassword(db, actor, who, password, purpose, 'currentPassword');
  const recent =
    who.sessionId !== null &&
    !!(await db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', who.sessionId)
      .where('createdAt', '>', sql<Date>`now() - make_interval(mins => ${REAUTH_RECENT_MINUTES})`)
      .executeTakeFirst());
  if (!recent)
    throw new AppError('reauthentication_required', 403, `Sign in again (through your identity provider) within ${REAUTH_RECENT_MINUTES} minutes before doing this`, {
      currentPassword: 'a recent sign-in is required',
    });
}

// --- TOTP -----------------------------------------------------------------------------------------

/**
 * Starts setting up a second factor. The current password is asked again: whoever holds only a
 * session (a stolen cookie, an unlocked screen) must not enrol their own factor and lock the owner out.
 */
export async function startTotpSetup(db: Db, keys: Keys, actor: AuditActor, who: Presence, email: string, password: string) {
  const userId = who.userId;
  await checkCurrentPassword(db, actor, who, password, 'totp_setup', 'password');
  const current = await db.selectFrom('users').select(['totpEnabledAt']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (current.totpEnabledAt) throw new AppError('totp_already_enabled', 409, 'A second factor is already set up; turn it off first');
  const secret = newTotpSecret();
  await auditedTransaction(db, actor, async (tx) => {
    await tx.updateTable('users').set({ totpSecret: sealTotpSecret(keys, secret, userId), totpLastStep: null }).where('id', '=', userId).execute();
    return { result: null, audit: { action: 'auth.totp_setup_started', recordType: 'user', recordId: userId } };
  });
  return { secret, uri: totpUri(secret, email) };
}

export async function enableTotp(db: Db, keys: Keys, actor: AuditActor, userId: string, code: string): Promise<void> {
  const u = await db.selectFrom('users').select(['totpSecret', 'totpEnabledAt']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (u.totpEnabledAt) throw new AppError('totp_already_enabled', 409, 'A second factor is already set up');
  if (!u.totpSecret) throw new AppError('totp_not_started', 409, 'Start the TOTP setup first');
  const step = totpStep(openTotpSecret(keys, u.totpSecret, userId), code);
  if (step === null) throw badRequest('invalid_totp', 'The code is wrong', { code: 'wrong code' });
  await auditedTransaction(db, actor, async (tx) => {
    await tx.updateTable('users').set({ totpEnabledAt: new Date(), totpLastStep: step }).where('id', '=', userId).execute();
    return { result: null, audit: { action: 'auth.totp_enabled', recordType: 'user', recordId: userId } };
  });
}

export async function disableTotp(db: Db, actor: AuditActor, who: Presence, password: string, requiredByRole: boolean): Promise<void> {
  if (requiredByRole) throw new AppError('totp_required_by_role', 409, 'Your role requires a second factor; it cannot be turned off');
  const userId = who.userId;
  await checkCurrentPassword(db, actor, who, password, 'totp_disable', 'password');
  await auditedTransaction(db, actor, async (tx) => {
    await tx.updateTable('users').set({ totpEnabledAt: null, totpSecret: null, totpLastStep: null }).where('id', '=', userId).execute();
    return { result: null, audit: { action: 'auth.totp_disabled', recordType: 'user', recordId: userId } };
  });
}
