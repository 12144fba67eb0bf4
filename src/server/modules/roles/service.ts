import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { AppError, notFound } from '../../errors.ts';
import { DEFAULT_ROLE_PERMISSIONS, ROLES, type Role } from '../../../shared/roles.ts';

/** Permissions a role cannot lose: without them nobody could manage users and roles again. */
const KEPT_PERMISSIONS: Partial<Record<Role, readonly string[]>> = { administrator: ['users:manage', 'roles:manage'] };

const widensAccess = (p: string) => /^(sensitive:|audit:)/.test(p) || p === 'break_glass' || p.endsWith(':all') || p.endsWith(':granted');

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
    if (patch.permissions) {
      set.permissions = [...new Set(patch.permissions)].sort();
      const missing = (KEPT_PERMISSIONS[code] ?? []).filter((p) => !set.permissions!.includes(p));
      if (missing.length > 0)
        throw new AppError('role_minimum', 409, `The ${code} role must keep ${missing.join(', ')}, or no one could manage users and roles again`, { permissions: `must keep ${missing.join(', ')}` });
    }
    if (patch.requireTotp !== undefined) set.requireTotp = patch.requireTotp;
    await tx.updateTable('roles').set(set).where('code', '=', code).execute();
    const after = (await listRoles(tx)).find((r) => r.code === code)!;
    const added = after.permissions.filter((p) => !before.permissions.includes(p));
    return {
      result: after,
      audit: {
        action: 'role.updated',
        recordType: 'role',
        recordId: code,
        changes: diff({ ...before, permissions: [...before.permissions].sort() }, { permissions: after.permissions, requireTotp: after.requireTotp }),
        // Widening access to personal data, the audit log or every record is brought to the auditors.
        flagged: added.some(widensAccess) || (before.requireTotp && !after.requireTotp),
      },
    };
  });
}
