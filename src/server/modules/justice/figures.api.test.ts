/**
 * The figures read from the monthly sums (migrations 0112 and 0128) against the straightforward computation:
 * every defendant's facts row and sentences through the pure counting rules (`periodFlags`,
 * `sentenceInForce`, `tally`), on randomised data, for periods of whole months, partial months, single
 * days and all years, with the filters, before and after the facts and sentences change.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { AZERBAIJAN_JUSTICE_PROFILE as AZ } from '../../../domain/justice-profile.ts';
import type { FormGroup, Instance, SentenceBand } from '../../../shared/justice.ts';
import { articleOf, formGroups, isSerious, periodFlags, sentenceInForce, tally, type DefendantFacts, type Period } from './counting.ts';

let t: TestApp;
let analyst: Session;
let userId: string;

// A small seeded generator: the same data on every run, different across the draws.
let seed = 12345;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const some = <T,>(xs: readonly T[]): T[] => xs.filter(() => rnd() < 0.4);
const day = (from: string, spanDays: number) => {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Math.floor(rnd() * spanDays));
  return d.toISOString().slice(0, 10);
};
const maybe = (from: string) => (rnd() < 0.45 ? day(from, 900) : null);

const FORMS = ['sexual_exploitation', 'forced_labour', 'forced_begging', 'forced_marriage', 'organ_removal'];
const PARTS = ['144-1.1', '144-1.2.3', '144-2.1', '144-3.1', '106.1'];
const HTCDS_FORMS_OF: Record<FormGroup, string[]> = {
  sexual: ['sexual_exploitation'],
  labour: ['forced_labour', 'child_labour', 'servitude', 'forced_begging'],
  other: ['forced_marriage', 'forced_military', 'organ_removal', 'forced_adoption', 'surrogacy', 'other'],
};

async function addCases(count: number) {
  const agency = (await makeAgency(t.db, { type: 'police' })).id;
  for (let i = 0; i < count; i++) {
    const openedOn = day('2019-01-01', 6 * 365);
    const forms = some(FORMS);
    const articles = [...new Set([pick(PARTS), ...some(PARTS)])];
    const complicity = rnd() < 0.15;
    const { id: caseId } = await t.db
      .insertInto('criminalCases')
      .values({ ownerAgencyId: agency, body: 'police', caseNumber: `R-${seed}-${i}`, openedOn, articles, forms, officialComplicity: complicity, createdBy: userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const defendants = Math.floor(rnd() * 4);
    for (let k = 0; k < defendants; k++) {
      const sex = pick(['female', 'male', 'male', 'legal_person', 'unknown']);
      const { id: defendantId } = await t.db
        .insertInto('criminalDefendants')
        .values({ criminalCaseId: caseId, legalEntityName: `R ${i}-${k}`, role: 'exploiter', sex, pseudonym: `D-R${i}${k}`, addedBy: userId })
        .returning('id')
        .executeTakeFirstOrThrow();
      await addSentences(defendantId, openedOn, Math.floor(rnd() * 3));
      const defArticles = [...new Set(articles.map(articleOf).filter(() => rnd() < 0.8))].sort();
      const terminatedOn = maybe(openedOn);
      await t.db
        .insertInto('justiceDefendantFacts')
        .values({
          defendantId, criminalCaseId: caseId, caseOpenedOn: openedOn, formGroups: formGroups(forms), articles: defArticles.length ? defArticles : [articleOf(articles[0]!)],
          convictedArticles: defArticles.filter(() => rnd() < 0.7), sex, complicity: complicity || rnd() < 0.1,
          indictedOn: maybe(openedOn), convictedOn: maybe(openedOn), finalOn: maybe(openedOn), acquittedOn: maybe(openedOn), reversedOn: maybe(openedOn),
          terminatedOn, terminationGround: terminatedOn ? pick(['no_evidence', 'amnesty', 'death', null]) : null,
        })
        .execute();
    }
    await sql`SELECT justice_case_facts_refresh(ARRAY[${caseId}::uuid])`.execute(t.db);
  }
  await syncSentences();
}

async function addSentences(defendantId: string, after: string, count: number) {
  for (let j = 0; j < count; j++) {
    const type = pick(['imprisonment', 'imprisonment', 'fine', 'restriction_of_liberty', 'other'] as const);
    const suspended = rnd() < 0.25;
    const deferred = !suspended && rnd() < 0.2;
    await t.db
      .insertInto('criminalSentences')
      .values({
        defendantId, instance: pick(['first', 'appeal', 'cassation']), imposedOn: day(after, 1200), type, termMonths: type === 'fine' ? null : Math.floor(rnd() * 200),
        suspended, deferred, deferralGround: deferred ? pick(['pregnancy', 'child_under_age']) : null, belowMinimum: rnd() < 0.3,
        band: pick(['suspended_or_deferred', 'fine_only', 'under_1', '1_5', '5_10', 'over_10', 'other']), reviewFlag: rnd() < 0.2 ? 'above_maximum' : null, recordedBy: userId,
      })
      .execute();
  }
}

/** The latest sentence into the facts, as the service's `upsertFacts` writes it. */
const syncSentences = () =>
  sql`UPDATE justice_defendant_facts f SET sentence_on = (SELECT s.imposed_on FROM justice_sentence_on(f.defendant_id, 'infinity') s),
    sentence = (SELECT s.attrs FROM justice_sentence_on(f.defendant_id, 'infinity') s)`.execute(t.db);

/** The figures the straightforward way: each defendant's facts and sentences through the pure rules. */
async function expected(period: Period, asOf: string, filters: { form?: FormGroup; article?: string }) {
  const facts = await t.db.selectFrom('justiceDefendantFacts').selectAll().execute();
  const sentences = await t.db.selectFrom('criminalSentences').selectAll().execute();
  const rows = facts
    .filter((f) => (!filters.form || f.formGroups.includes(filters.form)) && (!filters.article || f.articles.includes(filters.article)))
    .map((f) => {
      const own = sentences.filter((s) => s.defendantId === f.defendantId).map((s) => ({ ...s, instance: s.instance as Instance, createdAt: s.createdAt.getTime() }));
      const s = sentenceInForce(own, asOf);
      const input = { type: s?.type as 'imprisonment', termMonths: s?.termMonths ?? null, suspended: s?.suspended ?? false, deferred: s?.deferred ?? false };
      return periodFlags({ ...(f as unknown as DefendantFacts), formGroups: f.formGroups as FormGroup[] }, period, s ? {
        band: s.band as SentenceBand, suspended: s.suspended, deferred: s.deferred, belowMinimum: s.belowMinimum, deferralGround: s.deferralGround, flagged: s.reviewFlag !== null, serious: isSerious(input, AZ.seriousMinMonths),
      } : null);
    })
    .filter((r) => r.opened || r.indicted || r.convicted || r.final || r.reversed || r.acquitted || r.terminated);
  const cases = (await t.db.selectFrom('criminalCases').selectAll().where('openedOn', '>=', period.from).where('openedOn', '<=', period.to).execute())
    .map((c) => ({
      weight: 1, forms: c.forms, formGroups: formGroups(c.forms), articles: [...new Set(c.articles.map(articleOf))].sort(), complicity: c.officialComplicity,
      sexes: [...new Set(facts.filter((f) => f.criminalCaseId === c.id).map((f) => f.sex))].sort(),
    }))
    .filter((c) => (!filters.form || c.forms.some((f) => HTCDS_FORMS_OF[filters.form!].includes(f))) && (!filters.article || c.articles.includes(filters.article)));
  const counted = filters.article ? [filters.article] : AZ.countedArticles;
  return tally(rows, cases, counted, filters.article ? [filters.article] : [...new Set(AZ.statutes.map((s) => s.article))]);
}

const PERIODS: Array<Period & { form?: FormGroup; article?: string }> = [
  { from: '2020-01-01', to: '2020-12-31' },
  { from: '2021-01-01', to: '2021-12-31', form: 'labour' },
  { from: '2021-04-01', to: '2022-03-31', article: '144-3' },
  { from: '2019-03-17', to: '2022-11-05' },
  { from: '2020-02-10', to: '2020-02-20' },
  { from: '2020-06-30', to: '2020-08-01', form: 'sexual' },
  { from: '2022-05-01', to: '2022-05-31' },
  { from: '2023-07-04', to: '2023-07-04' },
  { from: '2005-01-01', to: '2030-12-31' },
  // Ending mid-month in the past: the sentences of that month up to its end day are corrected one by one (migration 0128).
  { from: '2020-01-01', to: '2021-06-15' },
  { from: '2020-03-01', to: '2022-04-30', form: 'sexual' },
  { from: '2005-01-01', to: '2030-12-31', form: 'other', article: '106' },
];

async function compareAll() {
  for (const p of PERIODS) {
    const q = new URLSearchParams({ from: p.from, to: p.to, ...(p.form ? { form: p.form } : {}), ...(p.article ? { article: p.article } : {}) });
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/justice/statistics?${q}`, headers: { cookie: analyst.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const { period, countedArticles: _c, ...got } = res.json();
    const want = await expected(p, period.asOf, { form: p.form, article: p.article });
    expect(got, `${q}`).toEqual(JSON.parse(JSON.stringify(want)));
  }
}

/** The monthly sums are what a recomputation from scratch gives. */
async function sumsExact() {
  const { rows } = await sql<{ diff: number }>`
    WITH fresh AS (
      SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, sum(c.n)::int AS n FROM justice_defendant_facts f, LATERAL justice_fact_month_contributions(f) c
      GROUP BY 1, 2, 3, 4 HAVING sum(c.n) <> 0
      UNION ALL
      SELECT c.kind, date_trunc('month', c.day)::date, c.sentence_month, c.attrs, count(*)::int FROM justice_case_facts cf, LATERAL justice_case_contribution(cf) c GROUP BY 1, 2, 3, 4)
    SELECT count(*)::int AS diff FROM ((SELECT * FROM fresh EXCEPT SELECT kind, month, sentence_month, attrs, n FROM justice_figure_months)
      UNION ALL (SELECT kind, month, sentence_month, attrs, n FROM justice_figure_months EXCEPT SELECT * FROM fresh)) x`.execute(t.db);
  expect(rows[0]!.diff).toBe(0);
  // Each convicted defendant's history of sentences by month is the one its sentences give (the row trigger of 0128).
  const { rows: stale } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM justice_defendant_facts
    WHERE sentence_steps IS DISTINCT FROM CASE WHEN convicted_on IS NULL THEN '[]'::jsonb ELSE justice_sentence_steps(defendant_id) END`.execute(t.db);
  expect(stale[0]!.n).toBe(0);
}

beforeAll(async () => {
  t = await createTestApp();
  userId = (await makeUser(t.db, { roles: ['investigator'], agencyId: (await makeAgency(t.db, { type: 'police' })).id })).id;
  const a = await makeUser(t.db, { roles: ['analyst'], agencyId: (await makeAgency(t.db, { type: 'coordinator' })).id });
  analyst = await signIn(t.app, a.email);
  await addCases(120);
}, 120_000);
afterAll(() => t.close());

describe('the figures from the monthly sums', () => {
  it('equal the pure counting rules over randomised data, for whole and partial months, single days and all years', async () => {
    await sumsExact();
    await compareAll();
  }, 120_000);

  it('stay equal when facts change, sentences are added (appeals after the period) and facts are deleted', async () => {
    const facts = await t.db.selectFrom('justiceDefendantFacts').select(['defendantId', 'caseOpenedOn']).execute();
    for (const f of facts.filter(() => rnd() < 0.3)) {
      await t.db
        .updateTable('justiceDefendantFacts')
        .set({ convictedOn: maybe(f.caseOpenedOn), indictedOn: maybe(f.caseOpenedOn), sex: pick(['female', 'male']), convictedArticles: some(['144-1', '144-2', '144-3']) })
        .where('defendantId', '=', f.defendantId)
        .execute();
    }
    for (const f of facts.filter(() => rnd() < 0.3)) await addSentences(f.defendantId, f.caseOpenedOn, 1);
    await syncSentences();
    const gone = facts.filter(() => rnd() < 0.1).map((f) => f.defendantId);
    if (gone.length) await t.db.deleteFrom('justiceDefendantFacts').where('defendantId', 'in', gone).execute();
    await t.db.updateTable('criminalCases').set({ officialComplicity: sql<boolean>`NOT official_complicity` }).where(sql<boolean>`random() < 0.3`).execute();
    await sql`SELECT justice_case_facts_refresh(ARRAY(SELECT id FROM criminal_cases))`.execute(t.db);
    await sumsExact();
    await compareAll();
  }, 120_000);
});
