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

/** The person whatever the principal may see: only for a record the caller has just written. */
export const loadPerson = (db: DbOrTx, id: string) => db.selectFrom('people as p').select(personColumns).where('p.id', '=', id).executeTakeFirstOrThrow();

/** Locks the person for a write the principal may make. */
export const lockPerson = (tx: Tx, p: Principal, id: string) =>
  tx.selectFrom('people as p').select(personColumns).where('p.id', '=', id).where(visibleFilter(p, 'update', PEOPLE)).forUpdate().executeTakeFirst();

export type NameRow = Awaited<ReturnType<typeof listNames>>[number];

/** Names, each person's primary first; the caller says whose. */
export const namesQuery = (db: DbOrTx) =>
  db
    .selectFrom('personNames')
    .select(['id', 'personId', 'givenName', 'familyName', 'patronymic', 'asEntered', 'script', 'kind', 'keys', 'createdAt'])
    .orderBy('personId')
    .orderBy(sql`(kind = 'primary')`, 'desc')
    .orderBy('seq');

export const listNames = (db: DbOrTx, personIds: readonly string[]) =>
  personIds.length === 0 ? Promise.resolve([]) : namesQuery(db).where('personId', 'in', personIds).execute();

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
export const SEARCH_CANDIDATES = 60;

/** A candidate of a search: the person and all their names (primary first), in one row. */
export type CandidateRow = PersonRow & { names: NameRow[] };

// All of a person's names as one JSON array, primary first, so that candidates come in one query.
const namesOf = sql<Array<Omit<NameRow, 'createdAt'> & { createdAt: string }>>`COALESCE((
  SELECT json_agg(json_build_object('id', n.id, 'personId', n.person_id, 'givenName', n.given_name, 'familyName', n.family_name,
    'patronymic', n.patronymic, 'asEntered', n.as_entered, 'script', n.script, 'kind', n.kind, 'keys', n.keys, 'createdAt', n.created_at)
    ORDER BY n.kind = 'primary' DESC, n.seq)
  FROM person_names n WHERE n.person_id = p.id), '[]'::json)`;

/**
 * People the principal may read whose names carry every one of `keys`, not merged away, with their
 * names. The access rule is `visibleFilter`, applied to every row; the look-up is split by the way a
 * row can be visible (the user's agency, their own records, grants to them), each part one index
 * scan, joined with UNION ALL: a single OR across them with the grant look-up would scan every
 * bearer of a common surname in the country to find the few the user may see.
 */
export async function searchCandidates(db: DbOrTx, p: Principal, keys: readonly string[], exclude: readonly string[] = [], max = SEARCH_CANDIDATES): Promise<CandidateRow[]> {
  if (keys.length === 0) return [];
  const scopes = scopesFor(p, 'person', 'read');
  const base = () => {
    let q = db
      .selectFrom('people as p')
      .select([...personColumns, namesOf.as('names')])
      .where('p.mergedInto', 'is', null)
      .where(sql<boolean>`p.name_keys @> ${sql.val([...keys])}::text[]`)
      .where(visibleFilter(p, 'read', PEOPLE, undefined, { probe: true }));
    if (exclude.length > 0) q = q.where('p.id', 'not in', [...exclude]);
    return q.limit(max);
  };
  const branches = [];
  if (scopes.has('all')) branches.push(base());
  else {
    if (scopes.has('agency')) branches.push(base().where('p.ownerAgencyId', '=', p.agencyId));
    // "Own" holds only within the user's agency (a moved user leaves their old records behind), so
    // with `agency` it adds nothing.
    else if (scopes.has('own')) branches.push(base().where('p.createdBy', '=', p.userId).where('p.ownerAgencyId', '=', p.agencyId));
    // Rows the agency branch already finds are left out of the others (`notOwn`), so each branch is short.
    const notOwn = <Q extends ReturnType<typeof base>>(q: Q) => (scopes.has('agency') ? q.where('p.ownerAgencyId', '<>', p.agencyId) : q);
    // Grants to the user's agency (with `granted`) and to the user alone (break-glass) open a read.
    // Who holds a grant and the granted people's name keys are together in `person_grant_keys`
    // (migration 0086), one index scan per grantee.
    const grantees = [p.userId, ...(scopes.has('granted') ? [p.agencyId] : [])];
    const keyed = sql<boolean>`(${sql.join(grantees.map((g) => sql`(k.grantee = ${g} AND k.name_keys @> ${sql.val([...keys])}::text[])`), sql` OR `)})`;
    branches.push(notOwn(base()).where('p.id', 'in', (eb) => eb.selectFrom('personGrantKeys as k').select('k.personId').where(keyed)));
  }
  type Raw = Omit<CandidateRow, 'names'> & { names: Array<Omit<NameRow, 'createdAt'> & { createdAt: string }> };
  const { rows } = await sql<Raw>`${sql.join(branches.map((b) => sql`(${b})`), sql` UNION ALL `)}`.execute(db);
  const seen = new Set<string>();
  return rows
    .filter((r) => !seen.has(r.id) && Boolean(seen.add(r.id)))
    .map((r) => ({ ...r, names: r.names.map((n) => ({ ...n, createdAt: new Date(n.createdAt) })) }));
}
