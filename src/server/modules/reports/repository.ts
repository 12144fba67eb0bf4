import type { DbOrTx } from '../../db/database.ts';

/** The decision's person and their recorded languages, if the decision belongs to the case. Languages name no one. */
export async function decisionOfCase(db: DbOrTx, caseId: string, decisionId: string) {
  return db
    .selectFrom('identificationDecisions as d')
    .innerJoin('people as p', 'p.id', 'd.personId')
    .select(['d.personId', 'p.languages'])
    .where('d.id', '=', decisionId)
    .where('d.caseId', '=', caseId)
    .executeTakeFirst();
}

export async function agencyName(db: DbOrTx, id: string): Promise<string | null> {
  return (await db.selectFrom('agencies').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null;
}
