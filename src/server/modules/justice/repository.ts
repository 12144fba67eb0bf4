/** All SQL of criminal justice: cases and their parts, the facts the figures count, and the figures' reads. */
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import { visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest } from '../../errors.ts';
import type { FormGroup } from '../../../shared/justice.ts';
import { CRIMINAL_CASES } from './policy.ts';
import type { DefendantFacts } from './counting.ts';

export const caseColumns = [
  'cc.id', 'cc.ownerAgencyId', 'cc.ownerUserId', 'cc.body', 'cc.caseNumber', 'cc.openedOn', 'cc.articles', 'cc.forms', 'cc.places', 'cc.transnational',
  'cc.officialComplicity', 'cc.complicityAgencyType', 'cc.status', 'cc.terminationGround', 'cc.investigationExtendedUntil', 'cc.version', 'cc.createdAt', 'cc.updatedAt',
  'a.name as ownerAgencyName',
] as const;

const defendantCount = sql<number>`(SELECT count(*)::int FROM criminal_defendants d WHERE d.criminal_case_id = cc.id)`.as('defendantCount');

export const findCase = (db: DbOrTx, id: string) =>
  db.selectFrom('criminalCases as cc').innerJoin('agencies as a', 'a.id', 'cc.ownerAgencyId').select([...caseColumns, defendantCount]).where('cc.id', '=', id).executeTakeFirst();
export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

export const lockCase = (tx: Tx, id: string) => tx.selectFrom('criminalCases').select(['id', 'version']).where('id', '=', id).forUpdate().executeTakeFirst();

export type ListFilters = {
  sort: 'opened_desc' | 'opened_asc';
  status?: string | undefined;
  body?: string | undefined;
  forms?: readonly string[] | undefined;
  articleParts?: readonly string[] | undefined;
  complicity?: boolean | undefined;
  mine?: boolean | undefined;
  number?: string | undefined;
  openedFrom?: string | undefined;
  openedTo?: string | undefined;
  cursor?: { openedOn: string; id: string } | undefined;
  limit: number;
};

export function encodeListCursor(r: { openedOn: string; id: string }): string {
  return Buffer.from(JSON.stringify([r.openedOn, r.id])).toString('base64url');
}
export function decodeListCursor(cursor: string | undefined): { openedOn: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [openedOn, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(openedOn) || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error();
    return { openedOn, id };
  } catch {
    throw badRequest('validation_failed', 'The cursor is not one this API gave out', { cursor: 'invalid cursor' });
  }
}

/** The criminal cases the principal may read (`visibleFilter`, the one rule), filtered and sorted by opening date, keyset. */
export async function listCases(db: DbOrTx, p: Principal, f: ListFilters) {
  const conds: RawBuilder<boolean>[] = [visibleFilter(p, 'read', CRIMINAL_CASES, undefined, { probe: true })];
  if (f.status) conds.push(sql<boolean>`cc.status = ${f.status}`);
  if (f.body) conds.push(sql<boolean>`cc.body = ${f.body}`);
  if (f.forms) conds.push(sql<boolean>`cc.forms && ${sql.val(f.forms)}::text[]`);
  // An article (144-1) or one part (144-1.2.3): the parts it covers, matched on the articles' index.
  if (f.articleParts) conds.push(sql<boolean>`cc.articles && ${sql.val([...f.articleParts])}::text[]`);
  if (f.complicity !== undefined) conds.push(sql<boolean>`cc.official_complicity = ${f.complicity}`);
  if (f.mine) conds.push(sql<boolean>`cc.owner_user_id = ${p.userId}`);
  if (f.number) conds.push(sql<boolean>`lower(cc.case_number) LIKE ${`${f.number.toLowerCase().replace(/[%_\\]/g, '')}%`}`);
  if (f.openedFrom) conds.push(sql<boolean>`cc.opened_on >= ${f.openedFrom}::date`);
  if (f.openedTo) conds.push(sql<boolean>`cc.opened_on <= ${f.openedTo}::date`);
  const desc = f.sort === 'opened_desc';
  if (f.cursor)
    conds.push(desc ? sql<boolean>`(cc.opened_on, cc.id) < (${f.cursor.openedOn}::date, ${f.cursor.id}::uuid)` : sql<boolean>`(cc.opened_on, cc.id) > (${f.cursor.openedOn}::date, ${f.cursor.id}::uuid)`);
  return db
    .selectFrom('criminalCases as cc')
    .innerJoin('agencies as a', 'a.id', 'cc.ownerAgencyId')
    .select([...caseColumns, defendantCount])
    .where(sql<boolean>`${sql.join(conds, sql` AND `)}`)
    .orderBy('cc.openedOn', desc ? 'desc' : 'asc')
    .orderBy('cc.id', desc ? 'desc' : 'asc')
    .limit(f.limit + 1)
    .execute();
}

// ------------------------------------------------------------------------------------------------
// The parts of one case

export const defendantsQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('criminalDefendants').selectAll().where('criminalCaseId', '=', caseId).orderBy('addedAt').orderBy('id');
export const chargesQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('criminalCharges').selectAll().where('criminalCaseId', '=', caseId).orderBy('broughtOn').orderBy('createdAt');
export const verdictsQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('criminalVerdicts as v')
    .innerJoin('criminalDefendants as d', 'd.id', 'v.defendantId')
    .selectAll('v')
    .where('d.criminalCaseId', '=', caseId)
    .orderBy('v.decidedOn')
    .orderBy('v.createdAt');
export const sentencesQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('criminalSentences as s')
    .innerJoin('criminalDefendants as d', 'd.id', 's.defendantId')
    .selectAll('s')
    .where('d.criminalCaseId', '=', caseId)
    .orderBy('s.imposedOn')
    .orderBy('s.createdAt');
export const eventsQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('criminalCaseEvents').selectAll().where('criminalCaseId', '=', caseId).where('withdrawnAt', 'is', null).orderBy('occurredOn').orderBy('createdAt');
export const victimsQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('criminalCaseVictims as v')
    .leftJoin('cases as c', 'c.id', 'v.nrmCaseId')
    .selectAll('v')
    .select('c.caseNumber as nrmCaseNumber')
    .where('v.criminalCaseId', '=', caseId)
    .orderBy('v.addedAt')
    .orderBy('v.id');
export const cooperationQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('criminalCooperationRequests').selectAll().where('criminalCaseId', '=', caseId).orderBy('requestedOn').orderBy('createdAt');

export type DefendantRow = Awaited<ReturnType<ReturnType<typeof defendantsQuery>['execute']>>[number];
export type ChargeRow = Awaited<ReturnType<ReturnType<typeof chargesQuery>['execute']>>[number];
export type VerdictRow = Awaited<ReturnType<ReturnType<typeof verdictsQuery>['execute']>>[number];
export type SentenceRow = Awaited<ReturnType<ReturnType<typeof sentencesQuery>['execute']>>[number];
export type EventRow = Awaited<ReturnType<ReturnType<typeof eventsQuery>['execute']>>[number];
export type VictimRow = Awaited<ReturnType<ReturnType<typeof victimsQuery>['execute']>>[number];
export type CooperationRow = Awaited<ReturnType<ReturnType<typeof cooperationQuery>['execute']>>[number];

/** Writes a defendant's facts (computed by `defendantFacts`). */
export async function upsertFacts(tx: Tx, defendantId: string, caseId: string, f: DefendantFacts) {
  const row = {
    criminalCaseId: caseId,
    caseOpenedOn: f.caseOpenedOn,
    formGroups: [...f.formGroups],
    articles: f.articles,
    convictedArticles: f.convictedArticles,
    sex: f.sex,
    complicity: f.complicity,
    indictedOn: f.indictedOn,
    convictedOn: f.convictedOn,
    finalOn: f.finalOn,
    acquittedOn: f.acquittedOn,
    reversedOn: f.reversedOn,
    terminatedOn: f.terminatedOn,
    terminationGround: f.terminationGround,
  };
  await tx
    .insertInto('justiceDefendantFacts')
    .values({ defendantId, ...row })
    .onConflict((oc) => oc.column('defendantId').doUpdateSet(row))
    .execute();
}

// ------------------------------------------------------------------------------------------------
// Figures

type Period = { from: string; to: string };
const between = (col: string, p: Period) => sql<boolean>`(${sql.ref(col)} BETWEEN ${p.from}::date AND ${p.to}::date)`;

/** Conditions of the `form` and `article` filters on a facts row. */
function factFilters(filters: { form?: FormGroup | undefined; article?: string | undefined }): RawBuilder<boolean>[] {
  const out: RawBuilder<boolean>[] = [];
  if (filters.form) out.push(sql<boolean>`${filters.form} = ANY (f.form_groups)`);
  if (filters.article) out.push(sql<boolean>`${filters.article} = ANY (f.articles)`);
  return out;
}

/**
 * The defendants of a period grouped by everything the counting rules look at, with their number
 * (`periodFlags` of counting.ts, said in SQL): a defendant is in the period when their case was
 * opened, or they were indicted, convicted, finally convicted, acquitted, reversed or terminated in
 * it. The sentence is the one in force on `asOf` of a defendant convicted in the period.
 */
export async function tallyRows(db: DbOrTx, p: Period, asOf: string, filters: { form?: FormGroup | undefined; article?: string | undefined }) {
  const dated = ['f.caseOpenedOn', 'f.indictedOn', 'f.convictedOn', 'f.finalOn', 'f.acquittedOn', 'f.reversedOn', 'f.terminatedOn'];
  // In the period by any of its dates: one OR of ranges, which PostgreSQL answers with the date indexes
  // for a year (a bitmap OR) and with one scan for all years.
  const conds = [sql<boolean>`(${sql.join(dated.map((c) => between(c, p)), sql` OR `)})`, ...factFilters(filters)];
  // The sentence in force on `asOf`: imposed on or before it, and not replaced by then (its successor,
  // if any, imposed after). Joined, not looked up per defendant.
  const { rows } = await sql<{
    formGroups: FormGroup[];
    articles: string[];
    convictedArticles: string[];
    sex: string;
    complicity: boolean;
    opened: boolean;
    indicted: boolean;
    convicted: boolean;
    final: boolean;
    reversed: boolean;
    acquitted: boolean;
    terminated: boolean;
    terminationGround: string | null;
    band: string | null;
    suspended: boolean | null;
    deferred: boolean | null;
    belowMinimum: boolean | null;
    deferralGround: string | null;
    flagged: boolean | null;
    termMonths: number | null;
    type: string | null;
    weight: number;
  }>`
    SELECT f.form_groups AS "formGroups", f.articles, f.convicted_articles AS "convictedArticles", f.sex, f.complicity,
      ${between('f.caseOpenedOn', p)} AS opened, coalesce(${between('f.indictedOn', p)}, false) AS indicted,
      coalesce(${between('f.convictedOn', p)}, false) AS convicted, coalesce(${between('f.finalOn', p)}, false) AS final,
      coalesce(${between('f.reversedOn', p)}, false) AS reversed, coalesce(${between('f.acquittedOn', p)}, false) AS acquitted,
      coalesce(${between('f.terminatedOn', p)}, false) AS terminated,
      CASE WHEN ${between('f.terminatedOn', p)} THEN f.termination_ground END AS "terminationGround",
      s.band, s.suspended, s.deferred, s.below_minimum AS "belowMinimum", s.deferral_ground AS "deferralGround",
      s.review_flag IS NOT NULL AS flagged, s.term_months AS "termMonths", s.type,
      count(*)::int AS weight
    FROM justice_defendant_facts f
    LEFT JOIN (criminal_sentences s LEFT JOIN criminal_sentences nx ON nx.id = s.superseded_by)
      ON s.defendant_id = f.defendant_id AND ${between('f.convictedOn', p)} AND s.imposed_on <= ${asOf}::date
        AND (nx.id IS NULL OR nx.imposed_on > ${asOf}::date)
    WHERE ${sql.join(conds, sql` AND `)}
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21`.execute(db);
  return rows;
}

/** The cases opened in the period, grouped by forms, articles, complicity and the sexes of their suspects. */
export async function caseTallyRows(db: DbOrTx, p: Period, filters: { forms?: readonly string[] | undefined; article?: string | undefined }) {
  const conds = [between('cc.openedOn', p)];
  if (filters.forms) conds.push(sql<boolean>`cc.forms && ${sql.val(filters.forms)}::text[]`);
  if (filters.article) conds.push(sql<boolean>`EXISTS (SELECT 1 FROM unnest(cc.articles) art WHERE split_part(art, '.', 1) = ${filters.article})`);
  // The sexes of each case's suspects from the facts, grouped once (not looked up per case).
  const { rows } = await sql<{ forms: string[]; articles: string[]; complicity: boolean; sexes: string[]; weight: number }>`
    WITH period AS (SELECT cc.id, cc.forms, cc.articles, cc.official_complicity FROM criminal_cases cc WHERE ${sql.join(conds, sql` AND `)}),
      sexes AS (SELECT f.criminal_case_id, array_agg(DISTINCT f.sex ORDER BY f.sex) AS sexes FROM justice_defendant_facts f
        WHERE ${between('f.caseOpenedOn', p)} GROUP BY 1)
    SELECT period.forms, ARRAY(SELECT DISTINCT split_part(art, '.', 1) FROM unnest(period.articles) art ORDER BY 1) AS articles,
      period.official_complicity AS complicity, coalesce(sexes.sexes, '{}') AS sexes, count(*)::int AS weight
    FROM period LEFT JOIN sexes ON sexes.criminal_case_id = period.id
    GROUP BY 1, 2, 3, 4`.execute(db);
  return rows;
}

/** Per year (by `yearStart`, the month-day the reporting year starts), the few figures the trend chart draws. */
export async function trendRows(db: DbOrTx, from: string, to: string, counted: readonly string[], shift: string) {
  // The reporting year of a day: its calendar year after shifting by `shift` (e.g. 9 months for 1 April).
  const year = (col: string) => sql`extract(year FROM (${sql.ref(col)} + ${shift}::interval))::int`;
  const hit = (col: string) => sql<boolean>`${sql.ref(col)} && ${sql.val([...counted])}::text[]`;
  const { rows: cases } = await sql<{ year: number; cases: number }>`
    SELECT ${year('cc.openedOn')} AS year, count(*)::int AS cases FROM criminal_cases cc
    WHERE ${between('cc.openedOn', { from, to })}
      AND ARRAY(SELECT split_part(art, '.', 1) FROM unnest(cc.articles) art) && ${sql.val([...counted])}::text[]
    GROUP BY 1`.execute(db);
  const figure = (col: string, extra: RawBuilder<boolean> = sql<boolean>`true`, articles = 'f.articles') =>
    sql<{ year: number; n: number }>`SELECT ${year(col)} AS year, count(*)::int AS n FROM justice_defendant_facts f
      WHERE ${between(col, { from, to })} AND ${hit(articles)} AND ${extra} GROUP BY 1`.execute(db);
  const inForce = sql<boolean>`EXISTS (SELECT 1 FROM (SELECT s.suspended, s.deferred, s.type, s.term_months FROM criminal_sentences s WHERE s.defendant_id = f.defendant_id
      ORDER BY s.imposed_on DESC, CASE s.instance WHEN 'cassation' THEN 2 WHEN 'appeal' THEN 1 ELSE 0 END DESC, s.created_at DESC LIMIT 1) last`;
  const [suspects, prosecutions, convictions, sexual, labour, acquittals, light, serious] = await Promise.all([
    figure('f.caseOpenedOn'),
    figure('f.indictedOn'),
    figure('f.convictedOn', sql<boolean>`true`, 'f.convictedArticles'),
    figure('f.convictedOn', sql<boolean>`'sexual' = ANY (f.form_groups)`, 'f.convictedArticles'),
    figure('f.convictedOn', sql<boolean>`'labour' = ANY (f.form_groups)`, 'f.convictedArticles'),
    figure('f.acquittedOn'),
    figure('f.convictedOn', sql<boolean>`${inForce} WHERE last.suspended OR last.deferred)`, 'f.convictedArticles'),
    figure('f.convictedOn', sql<boolean>`${inForce} WHERE last.type = 'imprisonment' AND NOT last.suspended AND NOT last.deferred AND last.term_months >= 12)`, 'f.convictedArticles'),
  ]);
  return { cases, suspects: suspects.rows, prosecutions: prosecutions.rows, convictions: convictions.rows, sexual: sexual.rows, labour: labour.rows, acquittals: acquittals.rows, light: light.rows, serious: serious.rows };
}

export type RecordFilter = {
  period: Period;
  asOf: string;
  figure: string;
  form?: FormGroup | undefined;
  article?: string | undefined;
  sex?: string | undefined;
  complicity?: boolean | undefined;
  counted: readonly string[];
  limit: number;
};

/**
 * The defendants (or, for `investigations`, the cases) behind one figure, with no names: case number,
 * agency, the defendant's pseudonym, sex, articles and the date that put them in the figure. Only
 * rows the principal may read when `restrictTo` is given (the access rule in the same SQL).
 */
export async function recordRows(db: DbOrTx, f: RecordFilter, restrictTo: Principal | null) {
  const visible = restrictTo ? visibleFilter(restrictTo, 'read', CRIMINAL_CASES) : sql<boolean>`true`;
  const openable = restrictTo ? visible : sql<boolean>`false`;
  if (f.figure === 'investigations') {
    const conds = [between('cc.openedOn', f.period), visible, sql<boolean>`ARRAY(SELECT split_part(art, '.', 1) FROM unnest(cc.articles) art) && ${sql.val([...(f.article ? [f.article] : f.counted)])}::text[]`];
    if (f.form) conds.push(sql<boolean>`EXISTS (SELECT 1 FROM justice_defendant_facts f WHERE f.criminal_case_id = cc.id AND ${f.form} = ANY (f.form_groups))`);
    if (f.complicity !== undefined) conds.push(sql<boolean>`cc.official_complicity = ${f.complicity}`);
    const { rows } = await sql<{ criminalCaseId: string; caseNumber: string; agencyName: string; articles: string[]; on: string; openable: boolean }>`
      SELECT cc.id AS "criminalCaseId", cc.case_number AS "caseNumber", a.name AS "agencyName", cc.articles, cc.opened_on::text AS "on", ${openable} AS openable,
        count(*) OVER ()::int AS total
      FROM criminal_cases cc JOIN agencies a ON a.id = cc.owner_agency_id
      WHERE ${sql.join(conds, sql` AND `)} ORDER BY cc.opened_on, cc.id LIMIT ${f.limit}`.execute(db);
    return rows.map((r) => ({ ...r, defendant: null, sex: null, total: (r as unknown as { total: number }).total }));
  }
  const col: Record<string, string> = {
    suspects: 'f.caseOpenedOn', prosecutions: 'f.indictedOn', convictions: 'f.convictedOn', final: 'f.finalOn', reversed: 'f.reversedOn',
    acquittals: 'f.acquittedOn', terminations: 'f.terminatedOn', suspended_or_deferred: 'f.convictedOn', below_minimum: 'f.convictedOn', flagged: 'f.convictedOn',
  };
  const dateCol = col[f.figure]!;
  const convictionFigure = ['convictions', 'final', 'reversed', 'suspended_or_deferred', 'below_minimum', 'flagged'].includes(f.figure);
  const articlesCol = convictionFigure ? 'f.convictedArticles' : 'f.articles';
  const conds: RawBuilder<boolean>[] = [between(dateCol, f.period), visible, sql<boolean>`${sql.ref(articlesCol)} && ${sql.val([...(f.article ? [f.article] : f.counted)])}::text[]`];
  if (f.form) conds.push(sql<boolean>`${f.form} = ANY (f.form_groups)`);
  if (f.sex) conds.push(sql<boolean>`f.sex = ${f.sex}`);
  if (f.complicity !== undefined) conds.push(sql<boolean>`f.complicity = ${f.complicity}`);
  const sentence = sql`(SELECT s FROM criminal_sentences s WHERE s.defendant_id = f.defendant_id AND s.imposed_on <= ${f.asOf}::date
    ORDER BY s.imposed_on DESC, CASE s.instance WHEN 'cassation' THEN 2 WHEN 'appeal' THEN 1 ELSE 0 END DESC, s.created_at DESC LIMIT 1)`;
  if (f.figure === 'suspended_or_deferred') conds.push(sql<boolean>`coalesce((${sentence}).suspended OR (${sentence}).deferred, false)`);
  if (f.figure === 'below_minimum') conds.push(sql<boolean>`coalesce((${sentence}).below_minimum, false)`);
  if (f.figure === 'flagged') conds.push(sql<boolean>`(${sentence}).review_flag IS NOT NULL`);
  const { rows } = await sql<{ criminalCaseId: string; caseNumber: string; agencyName: string; defendant: string; sex: string; articles: string[]; on: string; openable: boolean; total: number }>`
    SELECT cc.id AS "criminalCaseId", cc.case_number AS "caseNumber", a.name AS "agencyName", d.pseudonym AS defendant, f.sex,
      ${sql.ref(articlesCol)} AS articles, ${sql.ref(dateCol)}::text AS "on", ${openable} AS openable, count(*) OVER ()::int AS total
    FROM justice_defendant_facts f
    JOIN criminal_defendants d ON d.id = f.defendant_id
    JOIN criminal_cases cc ON cc.id = f.criminal_case_id
    JOIN agencies a ON a.id = cc.owner_agency_id
    WHERE ${sql.join(conds, sql` AND `)} ORDER BY ${sql.ref(dateCol)}, d.id LIMIT ${f.limit}`.execute(db);
  return rows;
}

/** Open cases in investigation the principal may read, with their opening and extension, for the deadline list. */
export const deadlineCandidates = (db: DbOrTx, p: Principal, mine: boolean) =>
  db
    .selectFrom('criminalCases as cc')
    .select(['cc.id', 'cc.caseNumber', 'cc.openedOn', 'cc.investigationExtendedUntil', 'cc.ownerUserId'])
    .where('cc.status', '=', 'investigation')
    .where(visibleFilter(p, 'read', CRIMINAL_CASES))
    .$if(mine, (q) => q.where('cc.ownerUserId', '=', p.userId))
    .orderBy('cc.openedOn')
    .limit(500)
    .execute();
