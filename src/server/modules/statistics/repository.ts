/**
 * All SQL of the national statistics: grouped counts from the records (never a row about a person
 * leaves the database), and the releases.
 */
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/database.ts';

export type Period = { from: string; to: string };

/** NRM victims: victim people of cases opened in the period, grouped by everything the tables split by. */
export type VictimGroup = {
  sex: string;
  ageGroup: 'child' | 'adult' | 'unknown';
  status: 'identified' | 'presumed' | 'not_identified';
  citizenship: string | null;
  country: string | null;
  form: string | null;
  agencyType: string;
  quarter: string;
  n: number;
};

/**
 * One row per combination. Age: the domain's rule (`treatedAsChild`) with the birth year, on the day
 * the case was opened: disputed age is a child, a birth year 18 or fewer years before is a child.
 * Status: the latest conclusive decision about the person in the case (identified, or not), else a
 * negative reasonable-grounds decision (not identified), else presumed. Form: the case's first form
 * of exploitation. Referring agency: the type of the agency that opened the case.
 */
export async function victimGroups(db: DbOrTx, p: Period, tz: string): Promise<VictimGroup[]> {
  const { rows } = await sql<VictimGroup>`
    WITH v AS (
      SELECT cp.case_id, cp.person_id, cp.age_disputed, pe.sex, pe.birth_year, pe.citizenship,
             c.country, c.exploitation_forms[1] AS form, a.type AS agency_type,
             (c.opened_at AT TIME ZONE ${tz})::date AS opened_on
      FROM cases c
      JOIN case_people cp ON cp.case_id = c.id AND cp.role = 'victim'
      JOIN people pe ON pe.id = cp.person_id AND pe.merged_into IS NULL
      JOIN agencies a ON a.id = c.owner_agency_id
      WHERE c.opened_at >= (${p.from}::date)::timestamp AT TIME ZONE ${tz}
        AND c.opened_at < ((${p.to}::date + 1)::timestamp AT TIME ZONE ${tz})
    )
    SELECT v.sex,
           CASE WHEN v.age_disputed THEN 'child'
                WHEN v.birth_year IS NULL THEN 'unknown'
                WHEN extract(year FROM v.opened_on)::int - v.birth_year <= 18 THEN 'child'
                ELSE 'adult' END AS "ageGroup",
           CASE WHEN d.outcome IN ('identified_trafficking', 'identified_forced_labour') THEN 'identified'
                WHEN d.outcome IN ('not_enough_evidence', 'negative') THEN 'not_identified'
                ELSE 'presumed' END AS status,
           v.citizenship, v.country, v.form, v.agency_type AS "agencyType",
           to_char(v.opened_on, 'YYYY') || '-Q' || to_char(v.opened_on, 'Q') AS quarter,
           count(*)::int AS n
    FROM v
    LEFT JOIN LATERAL (
      SELECT outcome FROM identification_decisions d
      WHERE d.case_id = v.case_id AND d.person_id = v.person_id
      ORDER BY (d.stage = 'conclusive') DESC, d.decided_on DESC, d.created_at DESC
      LIMIT 1
    ) d ON true
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  `.execute(db);
  return rows;
}

export async function referralGroups(db: DbOrTx, p: Period, tz: string) {
  const { rows } = await sql<{ purpose: string; status: string; n: number }>`
    SELECT purpose, status, count(*)::int AS n FROM referrals
    WHERE sent_at >= (${p.from}::date)::timestamp AT TIME ZONE ${tz} AND sent_at < ((${p.to}::date + 1)::timestamp AT TIME ZONE ${tz})
    GROUP BY 1, 2
  `.execute(db);
  return rows;
}

/** Services of the assistance plans that started (or, not started yet, were planned) in the period. */
export async function serviceGroups(db: DbOrTx, p: Period) {
  const { rows } = await sql<{ service: string; status: string; n: number }>`
    SELECT service, status, count(*)::int AS n FROM case_assistance_services
    WHERE coalesce(started_on, planned_on, created_at::date) BETWEEN ${p.from}::date AND ${p.to}::date
    GROUP BY 1, 2
  `.execute(db);
  return rows;
}

export async function hotlineContactGroups(db: DbOrTx, p: Period, tz: string) {
  const { rows } = await sql<{ contactType: string | null; n: number }>`
    SELECT contact_type AS "contactType", count(*)::int AS n FROM contacts
    WHERE received_at >= (${p.from}::date)::timestamp AT TIME ZONE ${tz} AND received_at < ((${p.to}::date + 1)::timestamp AT TIME ZONE ${tz})
      AND NOT is_test
    GROUP BY 1
  `.execute(db);
  return rows;
}

/** The hotline's presumed victims: the potential victims named in its contacts, apart from the NRM. */
export async function hotlineVictimGroups(db: DbOrTx, p: Period, tz: string) {
  const { rows } = await sql<{ sex: string; ageGroup: string; n: number }>`
    SELECT coalesce(x->>'sex', 'unknown') AS sex,
           CASE WHEN (x->>'possiblyChild')::boolean OR (x->>'age')::int < 18 THEN 'child'
                WHEN x->>'age' IS NULL THEN 'unknown' ELSE 'adult' END AS "ageGroup",
           count(*)::int AS n
    FROM contacts c, jsonb_array_elements(CASE WHEN jsonb_typeof(c.persons::jsonb) = 'array' THEN c.persons::jsonb ELSE '[]'::jsonb END) x
    WHERE c.received_at >= (${p.from}::date)::timestamp AT TIME ZONE ${tz} AND c.received_at < ((${p.to}::date + 1)::timestamp AT TIME ZONE ${tz})
      AND NOT c.is_test AND x->>'role' = 'potential_victim'
    GROUP BY 1, 2
  `.execute(db);
  return rows;
}

// ------------------------------------------------------------------------------------------------
// Releases

export const releaseColumns = ['id', 'series', 'version', 'title', 'periodFrom', 'periodTo', 'threshold', 'rounding', 'status', 'preparedBy', 'preparedAt', 'approvedBy', 'approvedAt', 'withdrawnAt', 'withdrawalReason', 'flags'] as const;

export const findRelease = (db: DbOrTx, id: string) => db.selectFrom('statisticsReleases').selectAll().where('id', '=', id).executeTakeFirst();

export const listReleases = (db: DbOrTx, limit: number) =>
  db.selectFrom('statisticsReleases').select([...releaseColumns]).orderBy('preparedAt', 'desc').orderBy('id', 'desc').limit(limit).execute();

export const approvedReleases = (db: DbOrTx) =>
  db.selectFrom('statisticsReleases').select(['id', 'title', 'periodFrom', 'periodTo', 'version', 'series', 'approvedAt', 'threshold', 'rounding']).where('status', '=', 'approved').orderBy('approvedAt', 'desc').orderBy('id', 'desc').execute();

/** The ledger of every approved release but `except`: what a new release is audited against. */
export async function approvedLedgers(db: DbOrTx, except?: string) {
  // A superseded release is still public (its page stays up), and a withdrawn one was public once and
  // may have been copied: what either published still counts.
  let q = db.selectFrom('statisticsReleases').select(['id', 'ledger']).where('status', 'in', ['approved', 'superseded', 'withdrawn']);
  if (except) q = q.where('id', '<>', except);
  return q.execute();
}

export async function nextVersion(db: DbOrTx, series: string): Promise<number> {
  const r = await db.selectFrom('statisticsReleases').select((eb) => eb.fn.max('version').as('v')).where('series', '=', series).executeTakeFirst();
  return (r?.v ?? 0) + 1;
}

/** A number that moves whenever a release is approved or withdrawn: the public list's cache key. */
export async function publicVersion(db: Db): Promise<string> {
  const r = await db
    .selectFrom('statisticsReleases')
    .select((eb) => [
      eb.fn.count<string>('id').filterWhere('status', '=', 'approved').as('n'),
      eb.fn.max('approvedAt').filterWhere('status', '=', 'approved').as('at'),
      eb.fn.max('withdrawnAt').as('w'),
    ])
    .where('status', 'in', ['approved', 'withdrawn'])
    .executeTakeFirst();
  const time = (d: unknown) => (d ? new Date(d as string).getTime() : 0);
  return `${r?.n ?? 0}:${time(r?.at)}:${time(r?.w)}`;
}

/** The status of one release: read on every public page request, so a withdrawal elsewhere is seen at once. */
export const releaseStatus = async (db: DbOrTx, id: string) =>
  (await db.selectFrom('statisticsReleases').select('status').where('id', '=', id).executeTakeFirst())?.status ?? null;
