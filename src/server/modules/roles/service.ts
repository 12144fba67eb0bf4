import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { notFound } from '../../errors.ts';
import { DEFAULT_ROLE_PERMISSIONS, ROLES, type Role } from '../../../shared/roles.ts';

/** Inserts the roles this version knows and the database lacks; an administrator's edits are kept. */
export async function ensureRoles(db: DbOrTx): Promise<void> {
  await db
    .insertInto('roles')
    .values(ROLES.map((code) => ({ code, permissions: [...DEFAULT_ROLE_PERMISSIONS[code]] })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

export async function listRoles(db: DbOrTx) {
  const rows = await db
    .selectFrom('roles as r')
    .select(['r.code', 'r.permissions', 'r.requireTotp', sql<number>`(SELECT count(*)::int FROM user_roles ur WHERE ur.role_code = r.code)`.as('userCount')])
    .execute();
  const order = new Map(ROLES.map((r, i) => [r as string, i]));
  return rows
    .map((r) => ({ ...r, code: r.code as Role, permissions: [...r.permissions].sort() }))
    .sort((a, b) => (order.get(a.code) ?? 99) - (order.get(b.code) ?? 99));
}

export async function updateRole(db: Db, actor: AuditActor, code: Role, patch: { permissions?: string[] | undefined; requireTotp?: boolean | undefined }) {
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('roles').select(['permissions', 'requireTotp']).where('code', '=', code).executeTakeFirst();
    if (!before) throw notFound('Role');
    const set: { updatedAt: Date; permissions?: string[]; requireTotp?: boolean } = { updatedAt: new Date() };
    if (patch.permissions) set.permissions = [...new Set(patch.permissions)].sort();
    if (patch.requireTotp !== undefined) set.requireTotp = patch.requireTotp;
    await tx.updateTable('roles').set(set).where('code', '=', code).execute();
    const after = (await listRoles(tx)).find((r) => r.code === code)!;
    return {
      result: after,
      audit: { action: 'role.updated', recordType: 'role', recordId: code, changes: diff({ ...before, permissions: [...before.permissions].sort() }, { permissions: after.permissions, requireTotp: after.requireTotp }) },
    };
  });
}
