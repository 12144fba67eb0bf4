import crypto from 'node:crypto';
import { sql } from 'kysely';
import { fieldAad } from '../../crypto/keys.ts';
import { recordKeys } from '../../crypto/record-keys.ts';
import type { DbOrTx, Tx } from '../../db/database.ts';
import { scopesFor, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { RecordAction } from '../../../shared/roles.ts';
import type { NameKind, NameScript } from '../../../shared/people.ts';
import { PEOPLE } from './policy.ts';

/*
 * Identity at rest (docs/nrm.md, "Identity at rest"). A person's names and date of birth are stored
 * sealed under the master key (AES-256-GCM), each bound to its record by associated data: a name to
 * its `person_names` row, a date of birth to its `people` row. The name keys the search looks up
 * (`nameMatchKeys`) are stored as keyed blind-index tokens (`keys.nameKeyHash`), never as the keys
 * themselves, so a copy of the database holds neither a name nor anything to try names against.
 */

/** The blind-index tokens of name keys, as `people.name_keys`, `person_names.keys` and `person_grant_keys` hold them. */
export const nameKeyTokens = (keys: readonly string[]): string[] => {
  const k = recordKeys();
  return [...new Set(keys.map((x) => k.nameKeyHash(x)))].sort();
};

export const sealBirthDate = (personId: string, birthDate: string | null): Buffer | null =>
  birthDate === null ? null : recordKeys().encrypt(birthDate, fieldAad('people', 'birth_date', personId));

export const openBirthDate = (personId: string, sealed: Buffer | null): string | null =>
  sealed === null ? null : recordKeys().decrypt(sealed, fieldAad('people', 'birth_date', personId));

/** A row of `people` with its date of birth opened. */
export function openPerson<R extends { id: string; birthDateEnc: Buffer | null }>(row: R): Omit<R, 'birthDateEnc'> & { birthDate: string | null } {
  const { birthDateEnc, ...rest } = row;
  return { ...rest, birthDate: openBirthDate(row.id, birthDateEnc) };
}

export const personColumns = [
  'p.id', 'p.ownerAgencyId', 'p.createdBy', 'p.sex', 'p.birthDateEnc', 'p.birthYear', 'p.birthYearEstimated', 'p.citizenship',
  'p.languages', 'p.nameKeys', 'p.mergedInto', 'p.mergedAt', 'p.createdAt', 'p.updatedAt',
] as const;

export type PersonRow = NonNullable<Awaited<ReturnType<typeof findPerson>>>;

/** The person if the principal may `action` them; undefined otherwise (unknown and not allowed read the same). */
export const findPerson = async (db: DbOrTx, p: Principal, id: string, action: RecordAction = 'read') => {
  const row = await db.selectFrom('people as p').select(personColumns).where('p.id', '=', id).where(visibleFilter(p, action, PEOPLE)).executeTakeFirst();
  return row && openPerson(row);
};

/** The person whatever the principal may see: only for a record the caller has just written. */
export const loadPerson = async (db: DbOrTx, id: string) => openPerson(await db.selectFrom('people as p').select(personColumns).where('p.id', '=', id).executeTakeFirstOrThrow());

/** Locks the person for a write the principal may make. */
export const lockPerson = async (tx: Tx, p: Principal, id: string) => {
  const row = await tx.selectFrom('people as p').select(personColumns).where('p.id', '=', id).where(visibleFilter(p, 'update', PEOPLE)).forUpdate().executeTakeFirst();
  return row && openPerson(row);
};

/** A name as the service sees it: its parts opened. */
export type NameRow = {
  id: string;
  personId: string;
  givenName: string | null;
  familyName: string | null;
  patronymic: string | null;
  asEntered: string;
  script: string;
  kind: string;
  createdAt: Date;
};

type NameParts = Pick<NameRow, 'givenName' | 'familyName' | 'patronymic' | 'asEntered'>;

const sealName = (id: string, n: NameParts): Buffer =>
  recordKeys().encrypt(JSON.stringify([n.givenName, n.familyName, n.patronymic, n.asEntered]), fieldAad('person_names', 'name', id));

/** A stored name row with its parts opened. */
export function openName<R extends { id: string; nameEnc: Buffer | null }>(row: R): Omit<R, 'nameEnc'> & NameParts {
  const { nameEnc, ...rest } = row;
  if (nameEnc === null) throw new Error(`person name ${row.id} is not sealed: run the data steps (pathway migrate)`);
  const [givenName, familyName, patronymic, asEntered] = JSON.parse(recordKeys().decrypt(nameEnc, fieldAad('person_names', 'name', row.id))) as [string | null, string | null, string | null, string];
  return { ...rest, givenName, familyName, patronymic, asEntered };
}

export const openNames = <R extends { id: string; nameEnc: Buffer | null }>(rows: readonly R[]) => rows.map((r) => openName(r));

/** Names, each person's primary first, sealed (`openNames` opens them); the caller says whose. */
export const namesQuery = (db: DbOrTx) =>
  db
    .selectFrom('personNames')
    .select(['id', 'personId', 'nameEnc', 'script', 'kind', 'createdAt'])
    .orderBy('personId')
    .orderBy(sql`(kind = 'primary')`, 'desc')
    .orderBy('seq');

export const listNames = async (db: DbOrTx, personIds: readonly string[]): Promise<NameRow[]> =>
  personIds.length === 0 ? [] : openNames(await namesQuery(db).where('personId', 'in', personIds).execute());

export type NewName = {
  givenName: string | null;
  familyName: string | null;
  patronymic: string | null;
  asEntered: string;
  script: NameScript;
  kind: NameKind;
  keys: string[];
};

/** Stores names sealed, with their keys as blind-index tokens. */
export async function insertNames(tx: Tx, personId: string, createdBy: string | null, names: readonly NewName[]) {
  if (names.length === 0) return [];
  return tx
    .insertInto('personNames')
    .values(
      names.map((n) => {
        const id = crypto.randomUUID();
        return { id, personId, createdBy, nameEnc: sealName(id, n), script: n.script, kind: n.kind, keys: nameKeyTokens(n.keys) };
      }),
    )
    .returning(['id', 'kind'])
    .execute();
}

/** Recomputes the person's search tokens from all their names' tokens. */
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

type SealedNameJson = { id: string; personId: string; nameEnc: string; script: string; kind: string; createdAt: string };

// All of a person's names as one JSON array, primary first, so that candidates come in one query
// (sealed: the parts are opened here, after the query).
const namesOf = sql<SealedNameJson[]>`COALESCE((
  SELECT json_agg(json_build_object('id', n.id, 'personId', n.person_id, 'nameEnc', encode(n.name_enc, 'base64'),
    'script', n.script, 'kind', n.kind, 'createdAt', n.created_at)
    ORDER BY n.kind = 'primary' DESC, n.seq)
  FROM person_names n WHERE n.person_id = p.id), '[]'::json)`;

/**
 * People the principal may read whose names carry every one of `keys` (name keys; looked up as their
 * blind-index tokens), not merged away, with their names opened. The access rule is `visibleFilter`, applied to every row; the look-up is split by the way a
 * row can be visible (the user's agency, their own records, grants to them), each part one index
 * scan, joined with UNION ALL: a single OR across them with the grant look-up would scan every
 * bearer of a common surname in the country to find the few the user may see.
 */
export async function searchCandidates(db: DbOrTx, p: Principal, keys: readonly string[], exclude: readonly string[] = [], max = SEARCH_CANDIDATES): Promise<CandidateRow[]> {
  if (keys.length === 0) return [];
  const tokens = nameKeyTokens(keys);
  const scopes = scopesFor(p, 'person', 'read');
  const base = () => {
    let q = db
      .selectFrom('people as p')
      .select([...personColumns, namesOf.as('names')])
      .where('p.mergedInto', 'is', null)
      .where(sql<boolean>`p.name_keys @> ${sql.val(tokens)}::text[]`)
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
    const keyed = sql<boolean>`(${sql.join(grantees.map((g) => sql`(k.grantee = ${g} AND k.name_keys @> ${sql.val(tokens)}::text[])`), sql` OR `)})`;
    branches.push(notOwn(base()).where('p.id', 'in', (eb) => eb.selectFrom('personGrantKeys as k').select('k.personId').where(keyed)));
  }
  type Raw = Omit<CandidateRow, 'names' | 'birthDate'> & { birthDateEnc: Buffer | null; names: SealedNameJson[] };
  const { rows } = await sql<Raw>`${sql.join(branches.map((b) => sql`(${b})`), sql` UNION ALL `)}`.execute(db);
  const seen = new Set<string>();
  return rows
    .filter((r) => !seen.has(r.id) && Boolean(seen.add(r.id)))
    .map((r) => ({ ...openPerson(r), names: r.names.map((n) => openName({ ...n, nameEnc: Buffer.from(n.nameEnc, 'base64'), createdAt: new Date(n.createdAt) })) }));
}
