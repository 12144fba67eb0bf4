import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import { visibleFilter } from '../../access/policy.ts';
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
