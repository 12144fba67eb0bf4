/** All SQL of criminal justice: cases and their parts, the facts the figures count, and the figures' reads. */
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import { scopesFor, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest } from '../../errors.ts';
import { openField, sealField } from '../../crypto/record-keys.ts';
import { CRIMINAL_CASE_STATUSES, type FormGroup } from '../../../shared/justice.ts';
import type { CRIMINAL_CASE_SORTS } from '../../../shared/schemas/justice.ts';
import { CRIMINAL_CASES } from './policy.ts';
import type { CaseAttrs, DefendantFacts, FactAttrs, FactKind } from './counting.ts';

export const caseColumns = [
  'cc.id', 'cc.ownerAgencyId', 'cc.ownerUserId', 'cc.body', 'cc.caseNumber', 'cc.openedOn', 'cc.articles', 'cc.forms', 'cc.placesEnc', 'cc.transnational',
  'cc.officialComplicity', 'cc.complicityAgencyType', 'cc.status', 'cc.terminationGround', 'cc.investigationExtendedUntil', 'cc.version', 'cc.createdAt', 'cc.updatedAt',
  'a.name as ownerAgencyName',
] as const;

const defendantCount = sql<number>`(SELECT count(*)::int FROM criminal_defendants d WHERE d.criminal_case_id = cc.id)`.as('defendantCount');

export const findCase = (db: DbOrTx, id: string) =>
  db.selectFrom('criminalCases as cc').innerJoin('agencies as a', 'a.id', 'cc.ownerAgencyId').select([...caseColumns, defendantCount]).where('cc.id', '=', id).executeTakeFirst();
export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>;

/** A case's places, sealed to the case as a JSON array (migration 0114); none is null. */
export const sealPlaces = (caseId: string, places: readonly string[]) => (places.length === 0 ? null : sealField('criminal_cases', 'places', caseId, JSON.stringify(places)));
export const openPlaces = (r: { id: string; placesEnc: Buffer | null }): string[] => {
  const text = openField('criminal_cases', 'places', r.id, r.placesEnc);
  return text === null ? [] : (JSON.parse(text) as string[]);
};
/** A sentence's below-minimum ground (the court's words), sealed to the sentence (migration 0114). */
export const sealBelowMinimumGround = (sentenceId: string, ground: string | null) => sealField('criminal_sentences', 'below_minimum_ground', sentenceId, ground);
export const openBelowMinimumGround = (s: { id: string; belowMinimumGroundEnc: Buffer | null }) => openField('criminal_sentences', 'below_minimum_ground', s.id, s.belowMinimumGroundEnc);

export const lockCase = (tx: Tx, id: string) => tx.selectFrom('criminalCases').select(['id', 'version']).where('id', '=', id).forUpdate().executeTakeFirst();

export type ListSort = (typeof CRIMINAL_CASE_SORTS)[number];

export type ListFilters = {
  sort: ListSort;
  status?: string | undefined;
  body?: string | undefined;
  forms?: readonly string[] | undefined;
  articleParts?: readonly string[] | undefined;
  complicity?: boolean | undefined;
  mine?: boolean | undefined;
  number?: string | undefined;
  openedFrom?: string | undefined;
  openedTo?: string | undefined;
  cursor?: ListCursor | undefined;
  limit: number;
};

/** A status's place in the order of procedure: the same expression as the indexes of migration 0129. */
const STATUS_RANK = sql.raw(`(CASE cc.status ${CRIMINAL_CASE_STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END)`);

type KeyType = 'date' | 'text' | 'int';
/**
 * The columns a sort orders by (all in its direction, then the id): opening date; case number; status
 * in the order of procedure, then opening date. Each has an index by agency and one over all cases
 * (migrations 0107, 0129), so a page reads a page of index entries.
 */
const SORT_KEYS: Record<Exclude<ListSort, `-${string}`>, { cols: RawBuilder<unknown>[]; types: KeyType[]; values: (r: { openedOn: string; caseNumber: string; status: string }) => (string | number)[] }> = {
  openedOn: { cols: [sql`cc.opened_on`], types: ['date'], values: (r) => [r.openedOn] },
  caseNumber: { cols: [sql`cc.case_number`], types: ['text'], values: (r) => [r.caseNumber] },
  status: { cols: [STATUS_RANK, sql`cc.opened_on`], types: ['int', 'date'], values: (r) => [CRIMINAL_CASE_STATUSES.indexOf(r.status as (typeof CRIMINAL_CASE_STATUSES)[number]), r.openedOn] },
};
const sortOf = (sort: ListSort) => ({ desc: sort.startsWith('-'), ...SORT_KEYS[sort.replace(/^-/, '') as keyof typeof SORT_KEYS] });

/** Where the next page starts: the sort it was given out for, the last row's sort values and its id. */
export type ListCursor = { sort: ListSort; values: (string | number)[]; id: string };

export function encodeListCursor(sort: ListSort, r: { id: string; openedOn: string; caseNumber: string; status: string }): string {
  return Buffer.from(JSON.stringify([sort, ...sortOf(sort).values(r), r.id])).toString('base64url');
}

/** A cursor given out for this sort; anything else (another sort, a made-up value) is a 400 naming `cursor`. */
export function decodeListCursor(cursor: string | undefined, sort: ListSort): ListCursor | undefined {
  if (cursor === undefined) return undefined;
  const bad = (why: string) => badRequest('validation_failed', 'The cursor is not one this API gave out for this sort', { cursor: why });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('invalid cursor');
  }
  if (!Array.isArray(parsed) || parsed.length < 3) throw bad('invalid cursor');
  const [given, ...rest] = parsed as unknown[];
  if (given !== sort) throw bad('a cursor of another sort');
  const { types } = sortOf(sort);
  const id = rest.pop();
  if (rest.length !== types.length || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw bad('invalid cursor');
  const ok = rest.every((v, i) =>
    types[i] === 'date' ? typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) : types[i] === 'int' ? Number.isInteger(v) : typeof v === 'string' && v.length <= 60);
  if (!ok) throw bad('invalid cursor');
  return { sort, values: rest as (string | number)[], id };
}

/**
 * The criminal cases the principal may read (`visibleFilter`, the one rule), filtered and sorted
 * (`sort`: opening date, case number or status, either way), keyset on the sort's values and the id.
 *
 * A user who may read every case is served from the cases table directly. Anyone else sees their
 * agency's cases, their own, and those granted to their agency or to them: each way in is read
 * separately, in order and at most a page long (the agency's on its index for the sort, the user's
 * own on their index, the granted ones through the grants' index), and the page is the first of their
 * union. An `OR EXISTS` over the grants in one query kept PostgreSQL from walking the agency's index
 * alone. Every row still passes `visibleFilter`: the index decides where to look, never who may see
 * what.
 */
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
  const s = sortOf(f.sort);
  const dir = sql.raw(s.desc ? 'DESC' : 'ASC');
  if (f.cursor) {
    const at = f.cursor.values.map((v, i) => (s.types[i] === 'date' ? sql`${v}::date` : s.types[i] === 'int' ? sql`${v}::int` : sql`${v}::text`));
    conds.push(sql<boolean>`(${sql.join([...s.cols, sql`cc.id`])}) ${sql.raw(s.desc ? '<' : '>')} (${sql.join([...at, sql`${f.cursor.id}::uuid`])})`);
  }
  const where = sql<boolean>`${sql.join(conds, sql` AND `)}`;
  const order = sql.join([...s.cols, sql`cc.id`].map((c) => sql`${c} ${dir}`));
  let q = db.selectFrom('criminalCases as cc').innerJoin('agencies as a', 'a.id', 'cc.ownerAgencyId').select([...caseColumns, defendantCount]).where(where);
  const scopes = scopesFor(p, 'investigation', 'read');
  if (!scopes.has('all')) {
    const n = f.limit + 1;
    const branch = (by: RawBuilder<boolean>) => sql`(SELECT cc.id FROM criminal_cases cc WHERE ${by} AND ${where} ORDER BY ${order} LIMIT ${n})`;
    const branches: RawBuilder<unknown>[] = [];
    if (f.mine) branches.push(branch(sql<boolean>`cc.owner_user_id = ${p.userId}`));
    else {
      if (scopes.has('agency')) branches.push(branch(sql<boolean>`cc.owner_agency_id = ${p.agencyId}`));
      else if (scopes.has('own')) branches.push(branch(sql<boolean>`cc.owner_user_id = ${p.userId}`));
      // Grants to the agency or to the user (the exact rule, in `where`, decides whether they open a read).
      branches.push(branch(sql<boolean>`cc.id IN (SELECT g.record_id FROM access_grants g WHERE g.record_type = 'investigation' AND g.revoked_at IS NULL
        AND (g.grantee_agency_id = ${p.agencyId} OR g.grantee_user_id = ${p.userId}))`));
    }
    q = q.where(sql<boolean>`cc.id IN (SELECT u.id FROM (${sql.join(branches, sql` UNION ALL `)}) u)`);
  }
  return q.orderBy(order).limit(f.limit + 1).execute();
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
    // The latest sentence, for the figures (migration 0112): in the same statement, from the sentences table.
    sentenceOn: sql<string | null>`(SELECT s.imposed_on FROM justice_sentence_on(${defendantId}::uuid, 'infinity') s)`,
    sentence: sql<unknown>`(SELECT s.attrs FROM justice_sentence_on(${defendantId}::uuid, 'infinity') s)`,
  };
  await tx
    .insertInto('justiceDefendantFacts')
    .values({ defendantId, ...row })
    .onConflict((oc) => oc.column('defendantId').doUpdateSet(row))
    .execute();
}

/** Makes the case's row of `justice_case_facts` exact (after its defendants' facts were written). */
export async function refreshCaseFacts(tx: Tx, caseId: string) {
  await sql`SELECT justice_case_facts_refresh(ARRAY[${caseId}::uuid])`.execute(tx);
}

// ------------------------------------------------------------------------------------------------
// Figures

type Period = { from: string; to: string };
const between = (col: string, p: Period) => sql<boolean>`(${sql.ref(col)} BETWEEN ${p.from}::date AND ${p.to}::date)`;

/** The first day of the month of an ISO day. */
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
const nextDay = (day: string, by: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  return d.toISOString().slice(0, 10);
};
const nextMonth = (month: string) => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * A period split into its whole months (summed in `justice_figure_months`) and the days at its ends
 * (read from the facts rows): `months` is null when no whole month is in it.
 */
export function splitPeriod(p: Period): { months: { first: string; last: string } | null; days: Period[] } {
  const first = p.from === monthOf(p.from) ? p.from : nextMonth(monthOf(p.from));
  const afterLast = monthOf(nextDay(p.to, 1)) === nextDay(p.to, 1) ? nextDay(p.to, 1) : monthOf(p.to);
  if (first >= afterLast) return { months: null, days: [p] };
  const days: Period[] = [];
  if (p.from < first) days.push({ from: p.from, to: nextDay(first, -1) });
  if (afterLast <= p.to) days.push({ from: afterLast, to: p.to });
  return { months: { first, last: nextDay(afterLast, -1) }, days };
}

/** The last day of the month of an ISO day. */
const monthEnd = (day: string) => nextDay(nextMonth(monthOf(day)), -1);

/**
 * The figures' rows of a period: every dated fact of a defendant (opened, indicted, convicted, final,
 * reversed, acquitted, terminated) and every case opening in it, grouped by the attributes the counting
 * rules look at, with their number (migration 0112). Whole months come from the monthly sums, the
 * days at the period's ends from the facts rows through the same functions.
 *
 * A conviction carries the sentence in force on `asOf`. The sums hold each conviction's sentence
 * history as signed changes by month (migration 0128): those up to `asOf`'s month give the sentence in
 * force at its end, exact when `asOf` is that month's last day. When it is not (today, or a period
 * ending mid-month), the sums are taken up to the month before, and the few defendants sentenced
 * between `asOf`'s month's start and `asOf` are corrected one by one: their sentence at the previous
 * month's end taken away, the one in force on `asOf` added. The days at a period's ends look up the
 * sentence in force where the latest came after `asOf`.
 */
export async function figureRows(db: DbOrTx, p: Period, asOf: string) {
  const { months, days } = splitPeriod(p);
  const asOfMonth = monthOf(asOf);
  const inDays = (col: RawBuilder<unknown>) => (days.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(days.map((d) => sql`${col} BETWEEN ${d.from}::date AND ${d.to}::date`), sql` OR `)})`);
  const dated = ['f.case_opened_on', 'f.indicted_on', 'f.convicted_on', 'f.final_on', 'f.acquitted_on', 'f.reversed_on', 'f.terminated_on'];
  const inForceOn = (on: RawBuilder<unknown>) => sql`jsonb_set(c.attrs, '{sentence}', coalesce((SELECT s.attrs FROM justice_sentence_on(f.defendant_id, ${on}) s), 'null'::jsonb))`;
  // A conviction whose latest sentence came after `asOf`: the sentence in force on `asOf` instead.
  const attrs = sql`CASE WHEN c.kind = 'convicted' AND f.sentence_on > ${asOf}::date THEN ${inForceOn(sql`${asOf}::date`)} ELSE c.attrs END`;
  const parts: RawBuilder<unknown>[] = [];
  if (days.length > 0) {
    parts.push(sql`SELECT c.kind, ${attrs} AS attrs, 1 AS n FROM justice_defendant_facts f, LATERAL justice_fact_contributions(f) c
      WHERE (${sql.join(dated.map((d) => inDays(sql.raw(d))), sql` OR `)}) AND ${inDays(sql`c.day`)}`);
    parts.push(sql`SELECT c.kind, c.attrs, 1 AS n FROM justice_case_facts cf, LATERAL justice_case_contribution(cf) c WHERE ${inDays(sql`cf.opened_on`)}`);
  }
  if (months) {
    const wholeMonth = asOf === monthEnd(asOf);
    const upTo = wholeMonth ? nextMonth(asOfMonth) : asOfMonth;
    parts.push(sql`SELECT m.kind, m.attrs, m.n FROM justice_figure_months m
      WHERE m.month BETWEEN ${months.first}::date AND ${months.last}::date AND m.sentence_month < ${upTo}::date`);
    if (!wholeMonth) {
      const sentenced = sql`f.defendant_id IN (SELECT s.defendant_id FROM criminal_sentences s WHERE s.imposed_on BETWEEN ${asOfMonth}::date AND ${asOf}::date)
        AND f.convicted_on BETWEEN ${months.first}::date AND ${months.last}::date AND c.kind = 'convicted'`;
      parts.push(sql`SELECT c.kind, ${inForceOn(sql`${nextDay(asOfMonth, -1)}::date`)} AS attrs, -1 AS n FROM justice_defendant_facts f, LATERAL justice_fact_contributions(f) c WHERE ${sentenced}`);
      parts.push(sql`SELECT c.kind, ${inForceOn(sql`${asOf}::date`)} AS attrs, 1 AS n FROM justice_defendant_facts f, LATERAL justice_fact_contributions(f) c WHERE ${sentenced}`);
    }
  }
  const { rows } = await sql<{ kind: FactKind | 'case'; attrs: FactAttrs | CaseAttrs; weight: number }>`
    SELECT x.kind, x.attrs, sum(x.n)::int AS weight FROM (${sql.join(parts, sql` UNION ALL `)}) x
    GROUP BY 1, 2 HAVING sum(x.n) <> 0`.execute(db);
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
