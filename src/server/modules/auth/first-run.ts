import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Config } from '../../config.ts';
import { appendAudit, auditedTransaction, SYSTEM_ACTOR, type AuditActor } from '../../audit/audit.ts';
import { AppError } from '../../errors.ts';
import { randomSecret, sha256 } from '../../auth/tokens.ts';
import { countUsers } from '../users/repository.ts';
import { insertUser } from '../users/service.ts';
import type { Tx } from '../../db/database.ts';
import type { Language } from '../../../shared/schemas/common.ts';

const SETUP_LOCK = 7231002;
export const DEFAULT_ADMIN_AGENCY = 'System administration';

async function createAdministrator(tx: Tx, input: { email: string; name: string; password: string; agencyName?: string | undefined; language?: Language | undefined }) {
  const agencyName = input.agencyName ?? DEFAULT_ADMIN_AGENCY;
  const agency =
    (await tx.selectFrom('agencies').select('id').where(sql`lower(name)`, '=', agencyName.toLowerCase()).executeTakeFirst()) ??
    (await tx.insertInto('agencies').values({ name: agencyName, type: 'coordinator' }).returning('id').executeTakeFirstOrThrow());
  return insertUser(tx, { email: input.email, name: input.name, language: input.language ?? 'az', agencyId: agency.id, roles: ['administrator'], isServiceAccount: false, password: input.password });
}

export type FirstRun = { kind: 'has_users' } | { kind: 'admin_created'; email: string } | { kind: 'setup_link'; token: string };

/**
 * On a database with no users: create the administrator from PATHWAY_ADMIN_EMAIL and
 * PATHWAY_ADMIN_PASSWORD, or else issue a one-time setup token for the browser (valid 24 hours).
 */
export async function ensureFirstAdministrator(db: Db, config: Config): Promise<FirstRun> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`.execute(tx);
    if ((await countUsers(tx)) > 0) return { kind: 'has_users' } as const;
    if (config.adminEmail && config.adminPassword) {
      const { id } = await createAdministrator(tx, { email: config.adminEmail, name: 'Administrator', password: config.adminPassword });
      await appendAudit(tx, SYSTEM_ACTOR, { action: 'setup.administrator_created', recordType: 'user', recordId: id, changes: { email: config.adminEmail, from: 'environment' } });
      return { kind: 'admin_created', email: config.adminEmail } as const;
    }
    const token = randomSecret();
    await tx.deleteFrom('setupTokens').execute();
    await tx.insertInto('setupTokens').values({ tokenHash: sha256(token), expiresAt: new Date(Date.now() + 24 * 3600_000) }).execute();
    return { kind: 'setup_link', token } as const;
  });
}

export async function needsSetup(db: Db): Promise<boolean> {
  return (await countUsers(db)) === 0;
}

/** The setup page's submit: the token must be the live one and no user may exist yet. */
export async function completeSetup(
  db: Db,
  actor: AuditActor,
  input: { token: string; email: string; name: string; password: string; agencyName?: string | undefined; language?: Language | undefined },
): Promise<{ userId: string }> {
  return auditedTransaction(db, actor, async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`.execute(tx);
    if ((await countUsers(tx)) > 0) throw new AppError('setup_done', 409, 'Pathway is already set up: sign in instead');
    const used = await tx
      .updateTable('setupTokens')
      .set({ usedAt: new Date() })
      .where('tokenHash', '=', sha256(input.token))
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', new Date())
      .returning('tokenHash')
      .executeTakeFirst();
    if (!used) throw new AppError('invalid_setup_token', 403, 'This setup link is wrong or expired: restart Pathway for a new one', { token: 'invalid or expired' });
    const { id } = await createAdministrator(tx, input);
    return { result: { userId: id }, audit: { action: 'setup.administrator_created', recordType: 'user', recordId: id, changes: { email: input.email, from: 'setup_link' } } };
  });
}
