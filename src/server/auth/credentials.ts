import type { Db, DbOrTx, Tx } from '../db/database.ts';
import { notFound } from '../errors.ts';
import { appendAudit, auditedTransaction, type AuditActor } from '../audit/audit.ts';
import { newApiToken, sha256 } from './tokens.ts';

/*
 * A user's credentials other than the password: sessions ended, API tokens, linked single sign-on
 * identities. Both the sign-in capability (modules/auth) and user administration (modules/users)
 * use them, so they sit here, below both, and neither module imports the other for them.
 */

/** Ends every session of the user, or every one but `exceptSessionId`. */
export async function revokeAllSessions(tx: Tx, userId: string, exceptSessionId: string | null = null): Promise<number> {
  let q = tx.updateTable('sessions').set({ revokedAt: new Date() }).where('userId', '=', userId).where('revokedAt', 'is', null);
  if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Revokes every live API token of the user; returns how many. */
export async function revokeAllTokens(tx: Tx, userId: string): Promise<number> {
  const res = await tx.updateTable('apiTokens').set({ revokedAt: new Date() }).where('userId', '=', userId).where('revokedAt', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Forgets the single sign-on identities linked to a user who has a password: after a suspected
 * break-in, a sign-in an intruder linked to the account (with a stolen administrator's session) must
 * not stay behind as a way in. A user without a password keeps theirs (it is their only way in). An
 * administrator links a genuine one again. Answers how many, each audited as `sso.identity_removed`.
 */
export async function unlinkIdentitiesOfPasswordUser(tx: Tx, actor: AuditActor, userId: string): Promise<number> {
  const gone = await tx
    .deleteFrom('userIdentities')
    .where('userId', '=', userId)
    .where((eb) => eb.exists(eb.selectFrom('users').select('id').where('id', '=', userId).where('passwordHash', 'is not', null)))
    .returning(['id', 'providerId'])
    .execute();
  for (const i of gone)
    await appendAudit(tx, actor, { action: 'sso.identity_removed', recordType: 'sso_identity', recordId: i.id, changes: { userId, providerId: i.providerId, cause: 'break_in_response' } });
  return gone.length;
}

// --- API tokens -----------------------------------------------------------------------------------

const tokenColumns = ['id', 'name', 'prefix', 'createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt'] as const;
type TokenRow = { id: string; name: string; prefix: string; createdAt: Date; expiresAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };
export const tokenView = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

export async function listTokens(db: DbOrTx, userId: string) {
  const rows = await db.selectFrom('apiTokens').select(tokenColumns).where('userId', '=', userId).orderBy('createdAt', 'desc').execute();
  return rows.map(tokenView);
}

/** Creates a token for `userId` (the caller, or a service account an administrator manages); the secret is returned once. */
export async function createToken(db: Db, actor: AuditActor, userId: string, createdBy: string, name: string, expiresInDays: number) {
  const { token, prefix } = newApiToken();
  return auditedTransaction(db, actor, async (tx) => {
    const row = await tx
      .insertInto('apiTokens')
      .values({ userId, name, prefix, tokenHash: sha256(token), createdBy, expiresAt: new Date(Date.now() + expiresInDays * 86400_000) })
      .returning(tokenColumns)
      .executeTakeFirstOrThrow();
    return {
      result: { token, tokenInfo: tokenView(row) },
      audit: { action: 'token.created', recordType: 'api_token', recordId: row.id, changes: { userId, name, prefix, expiresAt: row.expiresAt.toISOString() } },
    };
  });
}

export async function revokeToken(db: Db, actor: AuditActor, userId: string, tokenId: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await tx
      .updateTable('apiTokens')
      .set({ revokedAt: new Date() })
      .where('id', '=', tokenId)
      .where('userId', '=', userId)
      .where('revokedAt', 'is', null)
      .returning(tokenColumns)
      .executeTakeFirst();
    if (!row) throw notFound('Token');
    return { result: tokenView(row), audit: { action: 'token.revoked', recordType: 'api_token', recordId: tokenId, changes: { userId } } };
  });
}

