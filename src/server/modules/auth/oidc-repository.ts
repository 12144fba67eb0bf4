import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { Cursor } from '../../db/pagination.ts';

const providerColumns = [
  'p.id',
  'p.name',
  'p.issuer',
  'p.clientId',
  'p.clientSecret',
  'p.scope',
  'p.agencyId',
  'a.name as agencyName',
  'p.assignment',
  'p.agencyClaim',
  'p.agencyMap',
  'p.rolesClaim',
  'p.roleMap',
  'p.enabled',
  'p.isDemo',
  'p.requiredAcr',
  'p.fromEnvironment',
  'p.createdAt',
  'p.updatedAt',
] as const;

const providers = (db: DbOrTx) => db.selectFrom('identityProviders as p').leftJoin('agencies as a', 'a.id', 'p.agencyId').select(providerColumns);

export type ProviderRow = NonNullable<Awaited<ReturnType<typeof findProvider>>>;

export const findProvider = (db: DbOrTx, id: string) => providers(db).where('p.id', '=', id).executeTakeFirst();
export const listProviders = (db: DbOrTx) => providers(db).orderBy('p.name').orderBy('p.id').execute();
/** Providers made in demo mode are offered only in demo mode. */
export function listEnabledButtons(db: DbOrTx, demo: boolean) {
  let q = db.selectFrom('identityProviders').select(['id', 'name']).where('enabled', '=', true);
  if (!demo) q = q.where('isDemo', '=', false);
  return q.orderBy('name').orderBy('id').execute();
}

export const agencyExists = async (db: DbOrTx, id: string) => !!(await db.selectFrom('agencies').select('id').where('id', '=', id).executeTakeFirst());
export const existingAgencies = async (db: DbOrTx, ids: readonly string[]): Promise<Set<string>> =>
  ids.length === 0 ? new Set() : new Set((await db.selectFrom('agencies').select('id').where('id', 'in', ids).execute()).map((r) => r.id));

// --- sign-ins in flight ---------------------------------------------------------------------------

export async function saveRequest(db: DbOrTx, row: { stateHash: Buffer; providerId: string; nonce: string; codeVerifier: string; redirectUri: string; expiresAt: Date }) {
  await db.deleteFrom('ssoRequests').where('expiresAt', '<', sql<Date>`now()`).execute();
  await db.insertInto('ssoRequests').values(row).execute();
}

/** Takes a sign-in in flight out of the table: each state is used once, whatever comes of it. */
export const takeRequest = (db: DbOrTx, stateHash: Buffer) =>
  db.deleteFrom('ssoRequests').where('stateHash', '=', stateHash).where('expiresAt', '>', sql<Date>`now()`).returningAll().executeTakeFirst();

/**
 * Counts one refused anonymous callback from `addressKey` in a window of `windowMinutes` (a window
 * starts at its first refusal). Answers the refusals in the window, this one included: 1 means the
 * first, the one that is audited.
 */
export async function countAnonymousRefusal(db: DbOrTx, addressKey: string, windowMinutes: number): Promise<number> {
  const r = await sql<{ failures: number }>`
    INSERT INTO sso_refusal_windows AS w (address_key, window_started_at, failures) VALUES (${addressKey}, now(), 1)
    ON CONFLICT (address_key) DO UPDATE SET
      failures = CASE WHEN w.window_started_at < now() - make_interval(mins => ${windowMinutes}) THEN 1 ELSE w.failures + 1 END,
      window_started_at = CASE WHEN w.window_started_at < now() - make_interval(mins => ${windowMinutes}) THEN now() ELSE w.window_started_at END
    RETURNING failures`.execute(db);
  return r.rows[0]!.failures;
}

// --- identities -----------------------------------------------------------------------------------

export const findIdentityForUpdate = (tx: Tx, issuer: string, subject: string) =>
  tx.selectFrom('userIdentities').selectAll().where('issuer', '=', issuer).where('subject', '=', subject).forUpdate().executeTakeFirst();

export const findIdentityByIdForUpdate = (tx: Tx, id: string) => tx.selectFrom('userIdentities').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/** Null when the same person's first sign-in, racing in another request, got there first. */
export async function insertIdentity(
  tx: Tx,
  row: { providerId: string; issuer: string; subject: string; userId: string | null; placedBy: 'claims' | 'admin'; email: string | null; name: string | null; emailVerified: boolean },
) {
  const inserted = await tx
    .insertInto('userIdentities')
    .values(row)
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export async function touchIdentity(tx: Tx, id: string, seen: { email: string | null; name: string | null; emailVerified: boolean }) {
  await tx.updateTable('userIdentities').set({ ...seen, lastSignInAt: new Date() }).where('id', '=', id).execute();
}

/** An administrator's decision: the claims will not change this user's roles. */
export async function linkIdentity(tx: Tx, id: string, userId: string) {
  await tx.updateTable('userIdentities').set({ userId, placedBy: 'admin' }).where('id', '=', id).execute();
}

export const deleteIdentity = (tx: Tx, id: string) => tx.deleteFrom('userIdentities').where('id', '=', id).returning(['id', 'providerId', 'userId']).executeTakeFirst();

const identities = (db: DbOrTx) =>
  db
    .selectFrom('userIdentities as i')
    .innerJoin('identityProviders as p', 'p.id', 'i.providerId')
    .leftJoin('users as u', 'u.id', 'i.userId')
    .select(['i.id', 'i.providerId', 'p.name as providerName', 'i.subject', 'i.email', 'i.name', 'i.emailVerified', 'i.userId', 'u.email as userEmail', 'u.name as userName', 'i.createdAt', 'i.lastSignInAt']);

export type IdentityRow = Awaited<ReturnType<typeof listIdentities>>[number];

export function listIdentities(db: DbOrTx, f: { pending: boolean; cursor?: Cursor | undefined; limit: number }) {
  let q = identities(db).where('i.userId', f.pending ? 'is' : 'is not', null);
  if (f.cursor) {
    const c = f.cursor;
    q = q.where((eb) => eb.or([eb('i.createdAt', '>', c.createdAt), eb.and([eb('i.createdAt', '=', c.createdAt), eb('i.id', '>', c.id)])]));
  }
  return q.orderBy('i.createdAt').orderBy('i.id').limit(f.limit + 1).execute();
}

export const findIdentity = (db: DbOrTx, id: string) => identities(db).where('i.id', '=', id).executeTakeFirst();

/** A user without a password: they sign in only through their identity provider. Null when the e-mail is taken. */
export async function insertSsoUser(tx: Tx, u: { email: string; name: string; language: string; agencyId: string; isDemo: boolean }): Promise<string | null> {
  const row = await tx
    .insertInto('users')
    .values({ email: u.email.toLowerCase(), name: u.name, language: u.language, agencyId: u.agencyId, passwordHash: null, mustChangePassword: false, isDemo: u.isDemo })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}
