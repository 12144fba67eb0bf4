import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { SortCursor } from '../../db/pagination.ts';
import type { UserSort } from '../../../shared/schemas/admin.ts';

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

/**
 * The users list's order as an expression on `u` and its direction: never signed in sorts as the
 * earliest sign-in (`-infinity`), so that the keyset over (value, id) has no nulls.
 */
function userOrder(sort: UserSort) {
  const key = sort.replace(/^-/, '');
  const expr = key === 'name' ? sql`u.name` : key === 'lastLogin' ? sql`COALESCE(u.last_login_at, '-infinity'::timestamptz)` : sql`u.created_at`;
  return { expr, desc: sort.startsWith('-'), time: key !== 'name' };
}

/** The value a cursor carries for a listed user in `sort`'s order. */
export function userSortValue(sort: UserSort, row: { name: string; createdAt: Date; lastLoginAt: Date | null }): string {
  const key = sort.replace(/^-/, '');
  if (key === 'name') return row.name;
  if (key === 'lastLogin') return row.lastLoginAt ? row.lastLoginAt.toISOString() : '-infinity';
  return row.createdAt.toISOString();
}

export function listUsers(db: DbOrTx, f: { q?: string | undefined; agencyId?: string | undefined; sort?: UserSort | undefined; cursor?: SortCursor | undefined; limit: number }) {
  const o = userOrder(f.sort ?? 'created');
  let q = userColumns(db);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('u.email', 'ilike', like), eb('u.name', 'ilike', like)]));
  }
  if (f.agencyId) q = q.where('u.agencyId', '=', f.agencyId);
  if (f.cursor) {
    const { value, id } = f.cursor;
    const typed = o.time ? sql`${value}::timestamptz` : sql`${value}::text`;
    q = q.where(sql<boolean>`(${o.expr}, u.id) ${sql.raw(o.desc ? '<' : '>')} (${typed}, ${id}::uuid)`);
  }
  const dir = sql.raw(o.desc ? 'DESC' : 'ASC');
  return q.orderBy(sql`${o.expr} ${dir}`).orderBy(sql`u.id ${dir}`).limit(f.limit + 1).execute();
}

export async function setRoles(db: DbOrTx, userId: string, roles: readonly string[]): Promise<void> {
  await db.deleteFrom('userRoles').where('userId', '=', userId).execute();
  if (roles.length > 0) await db.insertInto('userRoles').values(roles.map((roleCode) => ({ userId, roleCode }))).execute();
}

export const countUsers = async (db: DbOrTx): Promise<number> =>
  Number((await db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
