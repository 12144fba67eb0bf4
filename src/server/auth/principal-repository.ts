import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { isPermission, type Permission, type Role } from '../../shared/roles.ts';

export type UserWithAccess = {
  id: string;
  email: string;
  name: string;
  language: string;
  timeZone: string;
  /** Reminder e-mails on (the user may turn them off). */
  reminderEmails: boolean;
  agencyId: string;
  agencyName: string;
  agencyType: string;
  isServiceAccount: boolean;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  disabled: boolean;
  isDemo: boolean;
  roles: Role[];
  permissions: Permission[];
  requireTotp: boolean;
};

/**
 * The columns of a user with their agency, roles and the union of their roles' permissions, on a
 * query that has `users as u` joined with `agencies as a`: one definition for every way a user is
 * loaded (by id, or with the session or token a request carries, in the same round trip).
 */
export const userWithAccessColumns = [
  'u.id',
  'u.email',
  'u.name',
  'u.language',
  'u.timeZone',
  'u.reminderEmails',
  'u.agencyId',
  'a.name as agencyName',
  'a.type as agencyType',
  'u.isServiceAccount',
  'u.mustChangePassword',
  // A user of a demo agency is a demo user too, whoever created them.
  sql<boolean>`u.is_demo OR a.is_demo`.as('isDemo'),
  sql<boolean>`u.totp_enabled_at IS NOT NULL`.as('totpEnabled'),
  sql<boolean>`u.disabled_at IS NOT NULL OR a.disabled_at IS NOT NULL`.as('disabled'),
  sql<string[]>`COALESCE((SELECT array_agg(ur.role_code ORDER BY ur.role_code) FROM user_roles ur WHERE ur.user_id = u.id), '{}')`.as('roles'),
  sql<string[]>`COALESCE((SELECT array_agg(DISTINCT p) FROM user_roles ur JOIN roles r ON r.code = ur.role_code, unnest(r.permissions) p WHERE ur.user_id = u.id), '{}')`.as('permissions'),
  // TOTP is asked of whoever signs in with a password; a user without one signs in only through
  // their identity provider (single sign-on), which asks for its own second factor.
  sql<boolean>`u.password_hash IS NOT NULL AND COALESCE((SELECT bool_or(r.require_totp) FROM user_roles ur JOIN roles r ON r.code = ur.role_code WHERE ur.user_id = u.id), false)`.as('requireTotp'),
] as const;

type UserRow = Omit<UserWithAccess, 'roles' | 'permissions'> & { roles: string[]; permissions: string[] };

/** A row read with `userWithAccessColumns` as the user it describes (permissions this version knows). */
export function toUserWithAccess<R extends UserRow>(row: R): UserWithAccess {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    language: row.language,
    timeZone: row.timeZone,
    reminderEmails: row.reminderEmails,
    agencyId: row.agencyId,
    agencyName: row.agencyName,
    agencyType: row.agencyType,
    isServiceAccount: row.isServiceAccount,
    totpEnabled: row.totpEnabled,
    mustChangePassword: row.mustChangePassword,
    disabled: row.disabled,
    isDemo: row.isDemo,
    roles: row.roles as Role[],
    permissions: row.permissions.filter(isPermission),
    requireTotp: row.requireTotp,
  };
}

/** A user with their agency, roles and the union of their roles' permissions, in one query. */
export async function loadUserWithAccess(db: DbOrTx, userId: string): Promise<UserWithAccess | undefined> {
  const row = await db.selectFrom('users as u').innerJoin('agencies as a', 'a.id', 'u.agencyId').select(userWithAccessColumns).where('u.id', '=', userId).executeTakeFirst();
  return row && toUserWithAccess(row);
}
