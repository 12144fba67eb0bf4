import { sql } from 'kysely';
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

/** A period of local days: [from 00:00, the day after `to` 00:00) in the country's time zone. */
export type LocalPeriod = { from: string; to: string; timeZone: string };

const start = (p: LocalPeriod) => sql<Date>`(${p.from}::date::timestamp AT TIME ZONE ${p.timeZone})`;
const end = (p: LocalPeriod) => sql<Date>`((${p.to}::date + 1)::timestamp AT TIME ZONE ${p.timeZone})`;

export type CountRow = { key: Record<string, string>; n: number };

/**
 * Victims of the NRM cases opened in the period, each person once per group: by sex and age group
 * (a disputed age counts as a child, CETS art. 10(3); from a birth year alone, 18 in the opening year may
 * still be 17 then, so it counts as a child, as in the national tables). Merged-away people are not counted again.
 */
export async function victimsBySexAge(db: DbOrTx, p: LocalPeriod): Promise<CountRow[]> {
  const rows = await sql<{ sex: string; ageGroup: string; n: string }>`
    SELECT pe.sex, CASE WHEN cp.age_disputed THEN 'child'
                        WHEN pe.birth_year IS NULL THEN 'unknown'
                        WHEN extract(year FROM c.opened_at AT TIME ZONE ${p.timeZone}) - pe.birth_year <= 18 THEN 'child'
                        ELSE 'adult' END AS age_group,
           count(DISTINCT cp.person_id) AS n
      FROM cases c
      JOIN case_people cp ON cp.case_id = c.id AND cp.role = 'victim'
      JOIN people pe ON pe.id = cp.person_id AND pe.merged_into IS NULL
     WHERE c.opened_at >= ${start(p)} AND c.opened_at < ${end(p)}
     GROUP BY 1, 2`.execute(db);
  return rows.rows.map((r) => ({ key: { sex: r.sex, ageGroup: r.ageGroup }, n: Number(r.n) }));
}

/** Victims of the cases opened in the period by form of exploitation (a victim of several forms counts under each). */
export async function victimsByForm(db: DbOrTx, p: LocalPeriod): Promise<CountRow[]> {
  const rows = await sql<{ form: string; n: string }>`
    SELECT f.form, count(DISTINCT cp.person_id) AS n
      FROM cases c
      CROSS JOIN LATERAL unnest(c.exploitation_forms) AS f(form)
      JOIN case_people cp ON cp.case_id = c.id AND cp.role = 'victim'
     WHERE c.opened_at >= ${start(p)} AND c.opened_at < ${end(p)}
     GROUP BY 1`.execute(db);
  return rows.rows.map((r) => ({ key: { form: r.form }, n: Number(r.n) }));
}

/** Victims of the cases opened in the period by citizenship ('' when not recorded). */
export async function victimsByCitizenship(db: DbOrTx, p: LocalPeriod): Promise<CountRow[]> {
  const rows = await sql<{ citizenship: string; n: string }>`
    SELECT coalesce(pe.citizenship, '') AS citizenship, count(DISTINCT cp.person_id) AS n
      FROM cases c
      JOIN case_people cp ON cp.case_id = c.id AND cp.role = 'victim'
      JOIN people pe ON pe.id = cp.person_id AND pe.merged_into IS NULL
     WHERE c.opened_at >= ${start(p)} AND c.opened_at < ${end(p)}
     GROUP BY 1`.execute(db);
  return rows.rows.map((r) => ({ key: { citizenship: r.citizenship }, n: Number(r.n) }));
}

/** Identification decisions taken in the period, by stage and outcome (reconsidered ones included). */
export async function decisionsByStageOutcome(db: DbOrTx, p: LocalPeriod): Promise<CountRow[]> {
  const rows = await db
    .selectFrom('identificationDecisions')
    .select(['stage', 'outcome', (eb) => eb.fn.countAll<string>().as('n')])
    .where('decidedOn', '>=', p.from)
    .where('decidedOn', '<=', p.to)
    .groupBy(['stage', 'outcome'])
    .execute();
  return rows.map((r) => ({ key: { stage: r.stage, outcome: r.outcome }, n: Number(r.n) }));
}

/** Referrals sent in the period by purpose. */
export async function referralsByPurpose(db: DbOrTx, p: LocalPeriod): Promise<CountRow[]> {
  const rows = await db
    .selectFrom('referrals')
    .select(['purpose', (eb) => eb.fn.countAll<string>().as('n')])
    .where('sentAt', '>=', start(p))
    .where('sentAt', '<', end(p))
    .groupBy('purpose')
    .execute();
  return rows.map((r) => ({ key: { purpose: r.purpose }, n: Number(r.n) }));
}

/** Hotline contacts received in the period by channel (test contacts left out). */
export async function contactsByChannel(db: DbOrTx, p: LocalPeriod): Promise<CountRow[]> {
  const rows = await db
    .selectFrom('contacts')
    .select(['channel', (eb) => eb.fn.countAll<string>().as('n')])
    .where('receivedAt', '>=', start(p))
    .where('receivedAt', '<', end(p))
    .where('isTest', '=', false)
    .groupBy('channel')
    .execute();
  return rows.map((r) => ({ key: { channel: r.channel }, n: Number(r.n) }));
}
