import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';
import { AZERBAIJAN_JUSTICE_PROFILE as AZ } from '../../../domain/justice-profile.ts';
import { isSerious, periodFlags, sentenceInForce, tally, type DefendantFacts } from './counting.ts';
import type { FormGroup, Instance, SentenceBand } from '../../../shared/justice.ts';

let t: TestApp;
let police: string;
let investigator: Session & { id: string };
let otherPolice: Session & { id: string };
let analyst: Session & { id: string };
let coordinator: Session & { id: string };
let worker: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}
type Method = 'GET' | 'POST' | 'PATCH';
const call = (s: Session, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const ok = async (p: Promise<{ statusCode: number; body: string; json: () => { id?: string } }>) => {
  const r = await p;
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id!;
};

let n = 0;
/** One case with one defendant taken as far as `to`: indicted, convicted (with a sentence) or acquitted. */
async function story(o: {
  openedOn: string;
  forms?: string[];
  article?: string;
  sex?: 'female' | 'male';
  complicity?: boolean;
  indictedOn?: string;
  verdict?: { on: string; outcome: 'convicted' | 'acquitted' };
  sentence?: Record<string, unknown>;
  terminated?: { on: string; ground: string };
}) {
  n++;
  const article = o.article ?? '144-1.1';
  const id = await ok(call(investigator, 'POST', '/justice/cases', {
    body: 'police', caseNumber: `S-${n}`, openedOn: o.openedOn, articles: [article], forms: o.forms ?? ['sexual_exploitation'],
    officialComplicity: o.complicity ?? false,
  }));
  const d = await ok(call(investigator, 'POST', `/justice/cases/${id}/defendants`, { person: { name: { givenName: `Name${n}`, familyName: 'Hüseynov' }, sex: o.sex ?? 'male' }, role: 'exploiter' }));
  const c = await ok(call(investigator, 'POST', `/justice/cases/${id}/defendants/${d}/charges`, { article, broughtOn: o.openedOn }));
  if (o.terminated) await ok(call(investigator, 'POST', `/justice/cases/${id}/events`, { type: 'terminated', occurredOn: o.terminated.on, defendantId: d, ground: o.terminated.ground }));
  if (o.indictedOn) await ok(call(investigator, 'POST', `/justice/cases/${id}/events`, { type: 'indicted', occurredOn: o.indictedOn, defendantId: d }));
  if (o.verdict) {
    const v = await call(investigator, 'POST', `/justice/cases/${id}/defendants/${d}/verdicts`, { instance: 'first', decidedOn: o.verdict.on, outcomes: [{ chargeId: c, outcome: o.verdict.outcome }] });
    expect(v.statusCode, v.body).toBe(201);
  }
  if (o.sentence) {
    const s = await call(investigator, 'POST', `/justice/cases/${id}/defendants/${d}/sentences`, { instance: 'first', imposedOn: o.verdict!.on, type: 'imprisonment', termMonths: 72, ...o.sentence });
    expect(s.statusCode, s.body).toBe(201);
  }
  return { id, d };
}

beforeAll(async () => {
  t = await createTestApp();
  police = (await makeAgency(t.db, { type: 'police' })).id;
  investigator = await user(['investigator'], police);
  otherPolice = await user(['investigator'], (await makeAgency(t.db, { type: 'police' })).id);
  analyst = await user(['analyst'], (await makeAgency(t.db, { type: 'coordinator' })).id);
  coordinator = await user(['coordinator'], (await makeAgency(t.db, { type: 'coordinator' })).id);
  worker = await user(['case_worker'], (await makeAgency(t.db, { type: 'ngo' })).id);
  // 2023: four sexual-exploitation cases, one labour, one related-article case, one terminated.
  await story({ openedOn: '2023-01-15', sex: 'female', indictedOn: '2023-03-01', verdict: { on: '2023-06-01', outcome: 'convicted' }, sentence: { deferred: true, deferralGround: 'child_under_age', termMonths: 60 } });
  await story({ openedOn: '2023-02-15', sex: 'female', indictedOn: '2023-03-01', verdict: { on: '2023-06-02', outcome: 'convicted' }, sentence: { suspended: true, probationMonths: 24, termMonths: 60 } });
  await story({ openedOn: '2023-02-20', sex: 'male', indictedOn: '2023-04-01', verdict: { on: '2023-07-01', outcome: 'convicted' }, sentence: { termMonths: 96 }, complicity: true });
  await story({ openedOn: '2023-03-01', sex: 'male', indictedOn: '2023-05-01', verdict: { on: '2023-08-01', outcome: 'acquitted' } });
  await story({ openedOn: '2023-03-10', sex: 'male', forms: ['forced_labour'], article: '144-2.1', indictedOn: '2023-05-01', verdict: { on: '2023-09-01', outcome: 'convicted' }, sentence: { type: 'fine', termMonths: null, fineAmount: 5000 } });
  await story({ openedOn: '2023-04-01', sex: 'male', article: '144-3.1', indictedOn: '2023-05-01', verdict: { on: '2023-09-01', outcome: 'convicted' }, sentence: { termMonths: 24 } });
  await story({ openedOn: '2023-05-01', sex: 'female', terminated: { on: '2023-07-01', ground: 'no_evidence' } });
  // Opened in 2022, convicted in 2024 (January to March: the US year 2024 but not the calendar 2023).
  await story({ openedOn: '2022-11-01', sex: 'male', indictedOn: '2023-12-01', verdict: { on: '2024-02-01', outcome: 'convicted' }, sentence: { termMonths: 130 } });
});
afterAll(() => t.close());

describe('GET /justice/statistics', () => {
  it('answers the shape of the issue with the counting rules: persons, counted articles, forms, sex, complicity, bands and shares', async () => {
    const res = await call(analyst, 'GET', '/justice/statistics?from=2023-01-01&to=2023-12-31');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.period).toEqual({ from: '2023-01-01', to: '2023-12-31', asOf: '2023-12-31' });
    // Counted: 144-1 and 144-2 (the 144-3 case counted apart).
    expect(s.investigations).toEqual({ cases: 6, suspects: 6 });
    expect(s.prosecutions).toEqual({ defendants: 6 });
    expect(s.convictions).toEqual({ defendants: 4, final: 0, reversedOnAppeal: 0 });
    expect(s.acquittals).toEqual({ defendants: 1 });
    expect(s.terminations).toEqual({ defendants: 1, byGround: { no_evidence: 1 } });
    expect(s.sentences.suspendedOrDeferred).toBe(2);
    expect(s.sentences.deferralGrounds).toEqual({ child_under_age: 1 });
    expect(s.sentences.fineOnly).toBe(1);
    expect(s.sentences.bands).toEqual({ suspended_or_deferred: 2, fine_only: 1, under_1: 0, '1_5': 0, '5_10': 1, over_10: 0, other: 0 });
    expect(s.sentences.shares.suspendedOrDeferred).toBe(0.5);
    expect(s.byForm.sexual.convictions.defendants).toBe(3);
    expect(s.byForm.labour.convictions.defendants).toBe(1);
    expect(s.byForm.other.convictions.defendants).toBe(0);
    expect(s.byArticle['144-3'].convictions.defendants).toBe(1);
    expect(s.byArticle['144-2'].convictions.defendants).toBe(1);
    // The "light sentences" claim: by offender sex.
    expect(s.bySex.female.convictions.defendants).toBe(2);
    expect(s.bySex.female.sentences.shares.suspendedOrDeferred).toBe(1);
    expect(s.bySex.male.sentences.shares.suspendedOrDeferred).toBe(0);
    expect(s.byComplicity.official.convictions.defendants).toBe(1);
  });

  it('the US reporting year runs 1 April to 31 March; a form and an article narrow the table', async () => {
    const us = (await call(analyst, 'GET', '/justice/statistics?year=2024&yearKind=us_tip')).json();
    expect(us.period).toMatchObject({ from: '2023-04-01', to: '2024-03-31' });
    expect(us.convictions.defendants).toBe(5);
    const labour = (await call(analyst, 'GET', '/justice/statistics?from=2023-01-01&to=2023-12-31&form=labour')).json();
    expect(labour.convictions.defendants).toBe(1);
    expect(labour.investigations.cases).toBe(1);
    const related = (await call(analyst, 'GET', '/justice/statistics?from=2023-01-01&to=2023-12-31&article=144-3')).json();
    expect(related.convictions.defendants).toBe(1);
    expect(related.countedArticles).toEqual(['144-3']);
  });

  it('the SQL read gives what the pure counting rules give over the same facts', async () => {
    const period = { from: '2023-01-01', to: '2023-12-31' };
    const facts = await t.db.selectFrom('justiceDefendantFacts').selectAll().execute();
    const sentences = await t.db.selectFrom('criminalSentences').selectAll().execute();
    const rows = facts.map((f) => {
      const own = sentences.filter((s) => s.defendantId === f.defendantId).map((s) => ({ ...s, instance: s.instance as Instance, createdAt: s.createdAt.getTime() }));
      const s = sentenceInForce(own, period.to);
      const input = { type: s?.type as 'imprisonment', termMonths: s?.termMonths ?? null, suspended: s?.suspended ?? false, deferred: s?.deferred ?? false };
      return periodFlags({ ...(f as unknown as DefendantFacts), formGroups: f.formGroups as FormGroup[] }, period, s ? {
        band: s.band as SentenceBand, suspended: s.suspended, deferred: s.deferred, belowMinimum: s.belowMinimum, deferralGround: s.deferralGround, flagged: s.reviewFlag !== null, serious: isSerious(input, AZ.seriousMinMonths),
      } : null);
    }).filter((r) => r.opened || r.indicted || r.convicted || r.final || r.reversed || r.acquitted || r.terminated);
    const cases = (await t.db.selectFrom('criminalCases').selectAll().where('openedOn', '>=', period.from).where('openedOn', '<=', period.to).execute()).map((c) => ({
      weight: 1, formGroups: (c.forms.includes('forced_labour') ? ['labour'] : ['sexual']) as FormGroup[], articles: [...new Set(c.articles.map((a) => a.split('.')[0]!))], complicity: c.officialComplicity,
      sexes: facts.filter((f) => f.criminalCaseId === c.id).map((f) => f.sex),
    }));
    const expected = tally(rows, cases, AZ.countedArticles, [...new Set(AZ.statutes.map((s) => s.article))]);
    const { period: _p, countedArticles: _c, ...got } = (await call(analyst, 'GET', '/justice/statistics?from=2023-01-01&to=2023-12-31')).json();
    expect(got).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('refuses bad periods naming the field; users without figures get 403', async () => {
    const backwards = await call(analyst, 'GET', '/justice/statistics?from=2023-12-31&to=2023-01-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.fields.to).toBeDefined();
    const half = await call(analyst, 'GET', '/justice/statistics?from=2023-01-01');
    expect(half.statusCode).toBe(400);
    const badDate = await call(analyst, 'GET', '/justice/statistics?from=2023-02-30&to=2023-03-01');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.fields.from).toBeDefined();
    expect((await call(worker, 'GET', '/justice/statistics')).statusCode).toBe(403);
    expect((await call(coordinator, 'GET', '/justice/statistics?year=2023')).statusCode).toBe(200);
  });

  it('exports the same table as CSV and XLSX', async () => {
    const csv = await call(analyst, 'GET', '/justice/statistics/export?from=2023-01-01&to=2023-12-31&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const text = csv.body.replace(/^\uFEFF/, '');
    expect(text.split('\r\n')[0]).toBe('Split,Group,Figure,Value');
    expect(text).toContain('total,144-1+144-2,convictions.defendants,4');
    expect(text).toContain('form,labour,convictions.defendants,1');
    expect(text).toContain('offender_sex,female,sentences.share.suspendedOrDeferred,1');
    const xlsx = await call(analyst, 'GET', '/justice/statistics/export?from=2023-01-01&to=2023-12-31&format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    book.worksheets[0]!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows).toContainEqual(['total', '144-1+144-2', 'convictions.defendants', 4]);
    expect(rows.length).toBe(text.trim().split('\r\n').length);
  });

  it('draws the trend over years', async () => {
    const res = await call(analyst, 'GET', '/justice/statistics/trend?fromYear=2022&toYear=2024');
    expect(res.statusCode, res.body).toBe(200);
    const years = res.json().years;
    expect(years.map((y: { year: number; cases: number; convictions: number }) => [y.year, y.cases, y.convictions])).toEqual([[2022, 1, 0], [2023, 6, 4], [2024, 0, 1]]);
    expect(years[1]).toMatchObject({ convictionsSexual: 3, convictionsLabour: 1, suspendedOrDeferred: 2, serious: 1, acquittals: 1 });
    expect((await call(analyst, 'GET', '/justice/statistics/trend?fromYear=2024&toYear=2022')).statusCode).toBe(400);
  });
});

describe('the records behind a figure', () => {
  it('analysts open every record, de-identified and not openable; the read is audited', async () => {
    const res = await call(analyst, 'GET', '/justice/statistics/records?from=2023-01-01&to=2023-12-31&figure=suspended_or_deferred');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.items.every((r: { openable: boolean; sex: string; defendant: string }) => !r.openable && r.sex === 'female' && /^D-/.test(r.defendant))).toBe(true);
    expect(JSON.stringify(body)).not.toContain('Hüseynov');
    const entry = await t.db.selectFrom('auditLog').select(['action', 'actorUserId']).where('action', '=', 'justice.figure_records_read').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.actorUserId).toBe(analyst.id);
    const cases = (await call(analyst, 'GET', '/justice/statistics/records?from=2023-01-01&to=2023-12-31&figure=investigations')).json();
    expect(cases.total).toBe(6);
  });

  it('case staff see only the records they may read, and may open them', async () => {
    const mine = (await call(investigator, 'GET', '/justice/statistics/records?from=2023-01-01&to=2023-12-31&figure=convictions')).json();
    expect(mine.total).toBe(4);
    expect(mine.items.every((r: { openable: boolean }) => r.openable)).toBe(true);
    const theirs = (await call(otherPolice, 'GET', '/justice/statistics/records?from=2023-01-01&to=2023-12-31&figure=convictions')).json();
    expect(theirs.total).toBe(0);
    const bySex = (await call(investigator, 'GET', '/justice/statistics/records?from=2023-01-01&to=2023-12-31&figure=convictions&sex=female')).json();
    expect(bySex.total).toBe(2);
    expect((await call(worker, 'GET', '/justice/statistics/records?from=2023-01-01&to=2023-12-31&figure=convictions')).statusCode).toBe(403);
    expect((await call(analyst, 'GET', '/justice/statistics/records?from=2023-01-01&to=2023-12-31&figure=names')).statusCode).toBe(400);
  });
});
