import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import { scopesFor, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { RecordAction } from '../../../shared/roles.ts';
import type { NameKind, NameScript } from '../../../shared/people.ts';
import { PEOPLE } from './policy.ts';

export const personColumns = [
  'p.id', 'p.ownerAgencyId', 'p.createdBy', 'p.sex', 'p.birthDate', 'p.birthYear', 'p.birthYearEstimated', 'p.citizenship',
  'p.languages', 'p.nameKeys', 'p.mergedInto', 'p.mergedAt', 'p.createdAt', 'p.updatedAt',
] as const;

export type PersonRow = NonNullable<Awaited<ReturnType<typeof findPerson>>>;

/** The person if the principal may `action` them; undefined otherwise (unknown and not allowed read the same). */
export const findPerson = (db: DbOrTx, p: Principal, id: string, action: RecordAction = 'read') =>
  db.selectFrom('people as p').select(personColumns).where('p.id', '=', id).where(visibleFilter(p, action, PEOPLE)).executeTakeFirst();

/** Locks the person for a write the principal may make. */
export const lockPerson = (tx: Tx, p: Principal, id: string) =>
  tx.selectFrom('people as p').select(personColumns).where('p.id', '=', id).where(visibleFilter(p, 'update', PEOPLE)).forUpdate().executeTakeFirst();

export type NameRow = Awaited<ReturnType<typeof listNames>>[number];

export const listNames = (db: DbOrTx, personIds: readonly string[]) =>
  personIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('personNames')
        .select(['id', 'personId', 'givenName', 'familyName', 'patronymic', 'asEntered', 'script', 'kind', 'keys', 'createdAt'])
        .where('personId', 'in', personIds)
        .orderBy('personId')
        .orderBy(sql`(kind = 'primary')`, 'desc')
        .orderBy('createdAt')
        .orderBy('id')
        .execute();

export type NewName = {
  givenName: string | null;
  familyName: string | null;
  patronymic: string | null;
  asEntered: string;
  script: NameScript;
  kind: NameKind;
  keys: string[];
};

export async function insertNames(tx: Tx, personId: string, createdBy: string | null, names: readonly NewName[]) {
  if (names.length === 0) return [];
  return tx
    .insertInto('personNames')
    .values(names.map((n) => ({ ...n, personId, createdBy })))
    .returning(['id', 'kind'])
    .execute();
}

/** Recomputes the person's search keys from all their names. */
export async function refreshNameKeys(tx: Tx, personId: string) {
  const names = await tx.selectFrom('personNames').select('keys').where('personId', '=', personId).execute();
  const keys = [...new Set(names.flatMap((n) => n.keys))].sort();
  await tx.updateTable('people').set({ nameKeys: keys }).where('id', '=', personId).execute();
  return keys;
}

/** How many candidates each access branch of a search hands to the ranking, at most. */
export const SEARCH_CANDIDATES = 200;

/**
 * Ids of people the principal may read whose names carry every one of `keys`, not merged away.
 * The access rule is `visibleFilter`, applied to every row; the query is split by the branch that
 * can make a row visible (the user's agency, their own records, grants to them) so that each branch
 * is one index scan: a single OR across them with the grant look-up would scan every bearer of a
 * common surname in the country to find the few the user may see.
 */
export async function searchCandidateIds(db: DbOrTx, p: Principal, keys: readonly string[], exclude: readonly string[] = [], max = SEARCH_CANDIDATES): Promise<string[]> {
  if (keys.length === 0) return [];
  const scopes = scopesFor(p, 'person', 'read');
  const base = () => {
    let q = db
      .selectFrom('people as p')
      .select('p.id')
      .where('p.mergedInto', 'is', null)
      .where(sql<boolean>`p.name_keys @> ${sql.val([...keys])}::text[]`)
      .where(visibleFilter(p, 'read', PEOPLE));
    if (exclude.length > 0) q = q.where('p.id', 'not in', [...exclude]);
    return q.limit(max);
  };
  const branches = [];
  if (scopes.has('all')) branches.push(base());
  else {
    if (scopes.has('agency')) branches.push(base().where('p.ownerAgencyId', '=', p.agencyId));
    if (scopes.has('agency') || scopes.has('own')) branches.push(base().where('p.createdBy', '=', p.userId));
    // Grants to the user's agency (with `granted`) and to the user alone (break-glass) open a read.
    branches.push(
      base().where('p.id', 'in', (eb) =>
        eb
          .selectFrom('accessGrants as g')
          .select('g.recordId')
          .where('g.recordType', '=', 'person')
          .where('g.revokedAt', 'is', null)
          .where((w) => w.or([w('g.granteeUserId', '=', p.userId), ...(scopes.has('granted') ? [w('g.granteeAgencyId', '=', p.agencyId)] : [])])),
      ),
    );
  }
  const found = await Promise.all(branches.map((b) => b.execute()));
  return [...new Set(found.flat().map((r) => r.id))];
}

/** The people with these ids the principal may read (the same rule again: ids may come from anywhere). */
export const findPeople = (db: DbOrTx, p: Principal, ids: readonly string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom('people as p').select(personColumns).where('p.id', 'in', [...ids]).where(visibleFilter(p, 'read', PEOPLE)).execute();
