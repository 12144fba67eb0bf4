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
 * The months of a period that lie wholly inside it (`[first, last]` as the first days of those months),
 * or null: those are read from the monthly counts, the days before and after them one victim at a time.
 */
export function wholeMonths(p: Period): { first: string; last: string } | null {
  const [fy, fm, fd] = p.from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = p.to.split('-').map(Number) as [number, number, number];
  const first = fd === 1 ? { y: fy, m: fm } : fm === 12 ? { y: fy + 1, m: 1 } : { y: fy, m: fm + 1 };
  const lastDay = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const last = td === lastDay ? { y: ty, m: tm } : tm === 1 ? { y: ty - 1, m: 12 } : { y: ty, m: tm - 1 };
  if (first.y * 12 + first.m > last.y * 12 + last.m) return null;
  const day1 = (x: { y: number; m: number }) => `${String(x.y).padStart(4, '0')}-${String(x.m).padStart(2, '0')}-01`;
  return { first: day1(first), last: day1(last) };
}

/**
 * One row per combination, from the counts kept as the records change (migration 0142,
 * `statistics_victim_refresh`, which defines every value: age on the day the case opened, the latest
 * conclusive decision, the case's first form, the owner agency's type). The whole months of the period
 * come from the monthly counts, the days at its edges from the victims' rows.
 */
export async function victimGroups(db: DbOrTx, p: Period): Promise<VictimGroup[]> {
  const whole = wholeMonths(p);
  const monthly = whole
    ? sql`SELECT month, sex, age_group, status, citizenship, country, form, agency_type, n FROM statistics_victim_months WHERE month BETWEEN ${whole.first}::date AND ${whole.last}::date`
    : sql`SELECT NULL::date, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 WHERE false`;
  // The days outside the whole months, as up to two ranges of the index (one with no whole month).
  const ranges = whole
    ? sql`opened_on BETWEEN ${p.from}::date AND (${whole.first}::date - 1) OR opened_on BETWEEN (${whole.last}::date + interval '1 month')::date AND ${p.to}::date`
    : sql`opened_on BETWEEN ${p.from}::date AND ${p.to}::date`;
  const { rows } = await sql<VictimGroup>`
    WITH g (month, sex, age_group, status, citizenship, country, form, agency_type, n) AS (
      ${monthly}
      UNION ALL
      SELECT date_trunc('month', opened_on)::date, sex, age_group, status, citizenship, country, form, agency_type, 1 FROM statistics_victims WHERE ${ranges}
    )
    SELECT sex, age_group AS "ageGroup", status, nullif(citizenship, '') AS citizenship, nullif(country, '') AS country,
           nullif(form, '') AS form, agency_type AS "agencyType", to_char(month, 'YYYY') || '-Q' || to_char(month, 'Q') AS quarter,
           sum(n)::int AS n
    FROM g
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING sum(n) <> 0
  `.execute(db);
  return rows;
}

export async function referralGroups(db: DbOrTx, p: Period) {
  const { rows } = await sql<{ purpose: string; status: string; n: number }>`
    SELECT purpose, status, sum(n)::int AS n FROM statistics_referral_days
    WHERE day BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1, 2 HAVING sum(n) <> 0
  `.execute(db);
  return rows;
}

/** Services of the assistance plans that started (or, not started yet, were planned; else were recorded) in the period. */
export async function serviceGroups(db: DbOrTx, p: Period) {
  const { rows } = await sql<{ service: string; status: string; n: number }>`
    SELECT service, status, sum(n)::int AS n FROM statistics_service_days
    WHERE day BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1, 2 HAVING sum(n) <> 0
  `.execute(db);
  return rows;
}

export async function hotlineContactGroups(db: DbOrTx, p: Period) {
  const { rows } = await sql<{ contactType: string | null; n: number }>`
    SELECT nullif(contact_type, '') AS "contactType", sum(n)::int AS n FROM statistics_contact_days
    WHERE day BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1 HAVING sum(n) <> 0
  `.execute(db);
  return rows;
}

/** The hotline's presumed victims: the potential victims named in its contacts, apart from the NRM. */
export async function hotlineVictimGroups(db: DbOrTx, p: Period) {
  const { rows } = await sql<{ sex: string; ageGroup: string; n: number }>`
    SELECT sex, age_group AS "ageGroup", sum(n)::int AS n FROM statistics_hotline_victim_days
    WHERE day BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1, 2 HAVING sum(n) <> 0
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
