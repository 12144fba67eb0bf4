import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { Cursor } from '../../db/pagination.ts';

const userColumns = (db: DbOrTx) =>
  db
    .selectFrom('users as u')
    .innerJoin('agencies as a', 'a.id', 'u.agencyId')
    .select([
      'u.id',
      'u.email',
      'u.name',
      'u.language',
      'u.agencyId',
      'a.name as agencyName',
      'u.isServiceAccount',
      // Locked out from at least one address (failed sign-ins are counted per account and address).
      sql<Date | null>`(SELECT max(s.locked_until) FROM sign_in_attempts s WHERE s.user_id = u.id AND s.locked_until > now())`.as('lockedUntil'),
      'u.lastLoginAt',
      'u.createdAt',
      'u.isDemo',
      sql<boolean>`u.disabled_at IS NOT NULL`.as('disabled'),
      sql<boolean>`u.totp_enabled_at IS NOT NULL`.as('totpEnabled'),
      sql<string[]>`COALESCE((SELECT array_agg(ur.role_code ORDER BY ur.role_code) FROM user_roles ur WHERE ur.user_id = u.id), '{}')`.as('roles'),
    ]);

export type UserRow = Awaited<ReturnType<typeof findUser>> & {};

export const findUser = (db: DbOrTx, id: string) => userColumns(db).where('u.id', '=', id).executeTakeFirst();

export function listUsers(db: DbOrTx, f: { q?: string | undefined; agencyId?: string | undefined; cursor?: Cursor | undefined; limit: number }) {
  let q = userColumns(db);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('u.email', 'ilike', like), eb('u.name', 'ilike', like)]));
  }
  if (f.agencyId) q = q.where('u.agencyId', '=', f.agencyId);
  if (f.cursor) {
    const c = f.cursor;
    q = q.where((eb) => eb.or([eb('u.createdAt', '>', c.createdAt), eb.and([eb('u.createdAt', '=', c.createdAt), eb('u.id', '>', c.id)])]));
  }
  return q.orderBy('u.createdAt').orderBy('u.id').limit(f.limit + 1).execute();
}

export async function setRoles(db: DbOrTx, userId: string, roles: readonly string[]): Promise<void> {
  await db.deleteFrom('userRoles').where('userId', '=', userId).execute();
  if (roles.length > 0) await db.insertInto('userRoles').values(roles.map((roleCode) => ({ userId, roleCode }))).execute();
}

export const countUsers = async (db: DbOrTx): Promise<number> =>
  Number((await db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
