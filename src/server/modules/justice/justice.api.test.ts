import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { grantAccess } from '../../access/grants.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { CASES } from '../cases/policy.ts';
import { CRIMINAL_CASE_STATUSES } from '../../../shared/justice.ts';
import { openPlaces } from './repository.ts';

let t: TestApp;
let police: string;
let police2: string;
let prosecution: string;
let court: string;
let ngo: string;
let investigator: Session & { id: string };
let investigator2: Session & { id: string };
let otherPolice: Session & { id: string };
let prosecutor: Session & { id: string };
let clerk: Session & { id: string };
let analyst: Session & { id: string };
let worker: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  police = (await makeAgency(t.db, { type: 'police' })).id;
  police2 = (await makeAgency(t.db, { type: 'police' })).id;
  prosecution = (await t.db.insertInto('agencies').values({ name: 'PGO test', type: 'prosecution' }).returning('id').executeTakeFirstOrThrow()).id;
  court = (await t.db.insertInto('agencies').values({ name: 'Court test', type: 'court' }).returning('id').executeTakeFirstOrThrow()).id;
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  investigator = await user(['investigator'], police);
  investigator2 = await user(['investigator'], police);
  otherPolice = await user(['investigator'], police2);
  prosecutor = await user(['prosecutor'], prosecution);
  clerk = await user(['court_clerk'], court);
  analyst = await user(['analyst'], (await makeAgency(t.db, { type: 'coordinator' })).id);
  worker = await user(['case_worker'], ngo);
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH';
const call = (s: Session, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

let seq = 0;
async function openCase(over: Record<string, unknown> = {}, s: Session = investigator) {
  seq++;
  const res = await call(s, 'POST', '/justice/cases', { body: 'police', caseNumber: `CC-${seq}-${Math.random().toString(36).slice(2, 6)}`, openedOn: '2024-01-10', articles: ['144-1.1'], forms: ['sexual_exploitation'], ...over });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function addDefendant(caseId: string, over: Record<string, unknown> = {}, s: Session = investigator) {
  const res = await call(s, 'POST', `/justice/cases/${caseId}/defendants`, { person: { name: { givenName: 'Aysel', familyName: 'Məmmədova' }, sex: 'female', birthYear: 1985, citizenship: 'AZE' }, role: 'recruiter', ...over });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function charge(caseId: string, d: string, article = '144-1.1', broughtOn = '2024-02-01', s: Session = investigator) {
  const res = await call(s, 'POST', `/justice/cases/${caseId}/defendants/${d}/charges`, { article, broughtOn });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function event(caseId: string, body: Record<string, unknown>, s: Session = investigator) {
  return call(s, 'POST', `/justice/cases/${caseId}/events`, body);
}
async function verdict(caseId: string, d: string, body: Record<string, unknown>, s: Session = investigator) {
  return call(s, 'POST', `/justice/cases/${caseId}/defendants/${d}/verdicts`, body);
}
async function sentence(caseId: string, d: string, body: Record<string, unknown>, s: Session = investigator) {
  return call(s, 'POST', `/justice/cases/${caseId}/defendants/${d}/sentences`, { instance: 'first', imposedOn: '2024-09-01', type: 'imprisonment', termMonths: 72, ...body });
}
/** A defendant charged, indicted and convicted at first instance. */
async function convicted(caseId: string, over: Record<string, unknown> = {}, article = '144-1.1') {
  const d = await addDefendant(caseId, over);
  const c = await charge(caseId, d, article);
  expect((await event(caseId, { type: 'indicted', occurredOn: '2024-05-01', defendantId: d })).statusCode).toBe(201);
  const v = await verdict(caseId, d, { instance: 'first', decidedOn: '2024-09-01', outcomes: [{ chargeId: c, outcome: 'convicted' }] });
  expect(v.statusCode, v.body).toBe(201);
  return { d, c };
}
const counts = async () => {
  const n = async (table: 'criminalCases' | 'criminalCaseEvents' | 'criminalCharges' | 'criminalVerdicts' | 'criminalSentences' | 'criminalDefendants' | 'auditLog') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { cases: await n('criminalCases'), events: await n('criminalCaseEvents'), charges: await n('criminalCharges'), verdicts: await n('criminalVerdicts'), sentences: await n('criminalSentences'), defendants: await n('criminalDefendants'), audit: await n('auditLog') };
};

describe('criminal cases', () => {
  it('an investigator opens a case, reads it with its timeline; the write and the read are audited without names', async () => {
    const id = await openCase({ places: ['Ganja'], officialComplicity: true, complicityAgencyType: 'police' });
    const d = await addDefendant(id);
    const res = await call(investigator, 'GET', `/justice/cases/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.status).toBe('investigation');
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['opened', 'suspect_identified']);
    expect(body.defendantList[0].names[0].asEntered).toBe('Aysel Məmmədova');
    expect(body.defendantList[0].sex).toBe('female');
    expect(body.warnings).toContain('complicity_without_144_1_2_6');
    expect(body.investigationDueOn).toBe('2024-05-10');
    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['criminal_case.created', 'criminal_case.defendant_added', 'criminal_case.read']);
    expect(JSON.stringify(audit)).not.toContain('Məmmədova');
    expect(JSON.stringify(audit)).not.toContain('Ganja');
    const person = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'person.created').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(person.changes)).not.toContain('Məmmədova');
    expect(d).toBeTruthy();
  });

  it('refuses an article not in the profile, a future opening, a duplicate number, and writes nothing', async () => {
    const before = await counts();
    const bad = await call(investigator, 'POST', '/justice/cases', { body: 'police', caseNumber: 'X-1', openedOn: '2024-01-10', articles: ['144-1.1', '999.9'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual({ 'articles.1': "999.9 is not in the country profile's statute list" });
    const future = await call(investigator, 'POST', '/justice/cases', { body: 'police', caseNumber: 'X-2', openedOn: '2999-01-01', articles: ['144-1.1'] });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields.openedOn).toBeDefined();
    const badBody = await call(investigator, 'POST', '/justice/cases', { body: 'army', caseNumber: 'X-3', openedOn: '2024-01-10', articles: ['144-1.1'] });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.fields.body).toBeDefined();
    expect(await counts()).toEqual(before);
    await openCase({ caseNumber: 'DUP-1' });
    const dup = await call(investigator, 'POST', '/justice/cases', { body: 'police', caseNumber: 'DUP-1', openedOn: '2024-01-10', articles: ['144-1.1'] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.fields.caseNumber).toBeDefined();
  });

  it('is invisible to another police agency and to analysts; an NGO case worker cannot open one', async () => {
    const id = await openCase();
    expect((await call(otherPolice, 'GET', `/justice/cases/${id}`)).statusCode).toBe(404);
    expect((await call(analyst, 'GET', `/justice/cases/${id}`)).statusCode).toBe(404);
    expect((await call(analyst, 'GET', '/justice/cases')).statusCode).toBe(403);
    const list = await call(otherPolice, 'GET', '/justice/cases?limit=200');
    expect(list.json().items.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await call(worker, 'POST', '/justice/cases', { body: 'police', caseNumber: 'N-1', openedOn: '2024-01-10', articles: ['144-1.1'] })).statusCode).toBe(403);
  });

  it('two users editing one case: the second, on a stale version, gets 409 and nothing is lost', async () => {
    const id = await openCase();
    const a = await call(investigator, 'PATCH', `/justice/cases/${id}`, { version: 1, places: ['Baku'] });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json().version).toBe(2);
    const b = await call(investigator2, 'PATCH', `/justice/cases/${id}`, { version: 1, transnational: true });
    expect(b.statusCode).toBe(409);
    expect(b.json().error.code).toBe('stale_version');
    const row = await t.db.selectFrom('criminalCases').select(['id', 'placesEnc', 'transnational', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
    // Places are sealed to the case (migration 0114).
    expect({ places: openPlaces(row), transnational: row.transnational, version: row.version }).toEqual({ places: ['Baku'], transnational: false, version: 2 });
  });

  it('lists with filters and sorting; "mine" is the investigator\'s own', async () => {
    const a = await openCase({ openedOn: '2023-03-01', forms: ['forced_labour'], articles: ['144-2.1'] }, investigator2);
    const b = await openCase({ openedOn: '2023-03-02', forms: ['sexual_exploitation'] }, investigator2);
    const labour = await call(investigator2, 'GET', '/justice/cases?form=labour&mine=true');
    expect(labour.json().items.map((c: { id: string }) => c.id)).toEqual([a]);
    const asc = await call(investigator2, 'GET', '/justice/cases?mine=true&sort=openedOn&limit=1');
    expect(asc.json().items[0].id).toBe(a);
    const next = await call(investigator2, 'GET', `/justice/cases?mine=true&sort=openedOn&limit=1&cursor=${asc.json().nextCursor}`);
    expect(next.json().items[0].id).toBe(b);
    const art = await call(investigator2, 'GET', '/justice/cases?article=144-2&mine=true');
    expect(art.json().items.map((c: { id: string }) => c.id)).toEqual([a]);
    expect((await call(investigator2, 'GET', '/justice/cases?sort=name')).statusCode).toBe(400);
  });
});

describe('sorting the list', () => {
  it('sorts by opening date, case number and status either way, page after page, with the access rule still applied (own, shared, not shared); a bad sort or a cursor of another sort is a 400', async () => {
    const agency = (await t.db.insertInto('agencies').values({ name: `PGO sorting ${Math.random()}`, type: 'prosecution' }).returning('id').executeTakeFirstOrThrow()).id;
    const sorter = await user(['prosecutor'], agency);
    const other = await user(['investigator'], (await makeAgency(t.db, { type: 'police' })).id);
    const tag = Math.random().toString(36).slice(2, 6);
    const spec: Array<[string, string, string]> = [
      ['S-03', '2022-05-01', 'final'], ['S-01', '2022-05-01', 'investigation'], ['S-05', '2021-01-15', 'in_court'],
      ['S-02', '2023-07-09', 'investigation'], ['S-04', '2022-05-01', 'suspended'], ['s-06', '2020-02-02', 'final'],
    ];
    const own: Array<{ id: string; caseNumber: string; openedOn: string; status: string }> = [];
    for (const [number, openedOn, status] of spec) {
      const id = await openCase({ caseNumber: `${number}-${tag}`, openedOn }, sorter);
      await t.db.updateTable('criminalCases').set({ status }).where('id', '=', id).execute();
      own.push({ id, caseNumber: `${number}-${tag}`, openedOn, status });
    }
    // The police's cases: one shared with the prosecutor's office is listed, one not shared never is.
    const shared = await openCase({ caseNumber: `S-07-${tag}`, openedOn: '2022-05-01', prosecutorAgencyId: agency }, other);
    const hidden = await openCase({ caseNumber: `S-00-${tag}`, openedOn: '2022-05-01' }, other);
    const visible = [...own, { id: shared, caseNumber: `S-07-${tag}`, openedOn: '2022-05-01', status: 'investigation' }];

    const rank = (st: string) => CRIMINAL_CASE_STATUSES.indexOf(st as (typeof CRIMINAL_CASE_STATUSES)[number]);
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const cmp: Record<string, (a: (typeof visible)[number], b: (typeof visible)[number]) => number> = {
      openedOn: (a, b) => a.openedOn.localeCompare(b.openedOn) || byId(a, b),
      caseNumber: (a, b) => (a.caseNumber < b.caseNumber ? -1 : a.caseNumber > b.caseNumber ? 1 : 0) || byId(a, b),
      status: (a, b) => rank(a.status) - rank(b.status) || a.openedOn.localeCompare(b.openedOn) || byId(a, b),
    };
    // The database's collation orders case numbers: compare with what it says.
    const collated = (await t.db.selectFrom('criminalCases').select('id').where('id', 'in', visible.map((v) => v.id)).orderBy('caseNumber').orderBy('id').execute()).map((r) => r.id);
    for (const key of ['openedOn', 'caseNumber', 'status'] as const) {
      for (const sort of [key, `-${key}`]) {
        const got: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await call(sorter, 'GET', `/justice/cases?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.statusCode, res.body).toBe(200);
          got.push(...res.json().items.map((c: { id: string }) => c.id));
          cursor = res.json().nextCursor;
          pages++;
        } while (cursor && pages < 10);
        let want = key === 'caseNumber' ? collated : [...visible].sort(cmp[key]).map((v) => v.id);
        if (sort.startsWith('-')) want = [...want].reverse();
        expect(got, sort).toEqual(want);
        expect(got).not.toContain(hidden);
      }
    }
    // Filters and "mine" keep their meaning under any sort.
    const finals = await call(sorter, 'GET', '/justice/cases?status=final&sort=-caseNumber');
    expect(finals.json().items.map((c: { id: string }) => c.id)).toEqual(collated.filter((id) => own.find((o) => o.id === id)?.status === 'final').reverse());
    // The police investigator sees only their own two, whatever the sort.
    const theirs = await call(other, 'GET', '/justice/cases?sort=status');
    expect(theirs.json().items.map((c: { id: string }) => c.id).sort()).toEqual([shared, hidden].sort());

    const first = (await call(sorter, 'GET', '/justice/cases?limit=2&sort=caseNumber')).json().nextCursor as string;
    const wrong = await call(sorter, 'GET', `/justice/cases?limit=2&sort=openedOn&cursor=${first}`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields.cursor).toBe('a cursor of another sort');
    const reversed = await call(sorter, 'GET', `/justice/cases?limit=2&sort=-caseNumber&cursor=${first}`);
    expect(reversed.statusCode).toBe(400);
    const forged = Buffer.from(JSON.stringify(['caseNumber', 42, '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    expect((await call(sorter, 'GET', `/justice/cases?sort=caseNumber&cursor=${forged}`)).json().error.fields.cursor).toBe('invalid cursor');
    expect((await call(sorter, 'GET', '/justice/cases?sort=garbage')).json().error.fields.sort).toBeDefined();
    expect((await call(sorter, 'GET', '/justice/cases?sort=opened_desc')).statusCode).toBe(400);
  });
});

describe('order of procedure and bad input', () => {
  it('refuses a verdict before the indictment, an appeal before the verdict, a verdict on a charge never brought, and writes nothing', async () => {
    const id = await openCase();
    const d = await addDefendant(id);
    const c = await charge(id, d);
    const other = await addDefendant(id, { person: { name: { givenName: 'Rauf', familyName: 'Əliyev' }, sex: 'male' } });
    const otherCharge = await charge(id, other);
    // No indictment yet.
    let before = await counts();
    const early = await verdict(id, d, { instance: 'first', decidedOn: '2024-04-01', outcomes: [{ chargeId: c, outcome: 'convicted' }] });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields.decidedOn).toMatch(/no indicted/);
    expect(await counts()).toEqual(before);
    expect((await event(id, { type: 'indicted', occurredOn: '2024-05-01', defendantId: d })).statusCode).toBe(201);
    before = await counts();
    const beforeIndictment = await verdict(id, d, { instance: 'first', decidedOn: '2024-04-20', outcomes: [{ chargeId: c, outcome: 'convicted' }] });
    expect(beforeIndictment.statusCode).toBe(400);
    expect(beforeIndictment.json().error.fields.decidedOn).toMatch(/before the indicted/);
    const neverBrought = await verdict(id, d, { instance: 'first', decidedOn: '2024-09-01', outcomes: [{ chargeId: otherCharge, outcome: 'convicted' }] });
    expect(neverBrought.statusCode).toBe(400);
    expect(neverBrought.json().error.fields['outcomes.0.chargeId']).toMatch(/no such charge/);
    const appealEarly = await event(id, { type: 'appeal_lodged', occurredOn: '2024-06-01', defendantId: d, appealBy: 'defence' });
    expect(appealEarly.statusCode).toBe(400);
    expect(appealEarly.json().error.fields.occurredOn).toMatch(/verdict/);
    const beforeOpening = await event(id, { type: 'detained', occurredOn: '2023-01-01', defendantId: d });
    expect(beforeOpening.statusCode).toBe(400);
    expect(beforeOpening.json().error.fields.occurredOn).toMatch(/before the case was opened/);
    const noGround = await event(id, { type: 'terminated', occurredOn: '2024-05-02' });
    expect(noGround.statusCode).toBe(400);
    expect(noGround.json().error.fields.ground).toBeDefined();
    expect(await counts()).toEqual(before);
    expect((await verdict(id, d, { instance: 'first', decidedOn: '2024-09-01', outcomes: [{ chargeId: c, outcome: 'convicted' }] })).statusCode).toBe(201);
    // Now an indictment after the verdict breaks the order.
    const late = await event(id, { type: 'indicted', occurredOn: '2024-10-01', defendantId: d });
    expect(late.statusCode).toBe(400);
  });

  it('refuses a charge under an article not in the profile, a sentence for an acquitted defendant, negative terms and amounts', async () => {
    const id = await openCase();
    const d = await addDefendant(id);
    const before0 = await counts();
    const badArticle = await call(investigator, 'POST', `/justice/cases/${id}/defendants/${d}/charges`, { article: '144-9.9', broughtOn: '2024-02-01' });
    expect(badArticle.statusCode).toBe(400);
    expect(badArticle.json().error.fields.article).toMatch(/statute list/);
    expect(await counts()).toEqual(before0);
    const c = await charge(id, d);
    expect((await event(id, { type: 'indicted', occurredOn: '2024-05-01', defendantId: d })).statusCode).toBe(201);
    expect((await verdict(id, d, { instance: 'first', decidedOn: '2024-09-01', outcomes: [{ chargeId: c, outcome: 'acquitted' }] })).statusCode).toBe(201);
    const before = await counts();
    const acquitted = await sentence(id, d, {});
    expect(acquitted.statusCode).toBe(400);
    expect(acquitted.json().error.fields.defendantId).toMatch(/not convicted/);
    const negative = await sentence(id, d, { termMonths: -5 });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.fields.termMonths).toMatch(/negative/);
    const negFine = await sentence(id, d, { type: 'fine', termMonths: null, fineAmount: -1 });
    expect(negFine.statusCode).toBe(400);
    expect(negFine.json().error.fields.fineAmount).toMatch(/negative/);
    const negComp = await call(investigator, 'POST', `/justice/cases/${id}/victims`, { sex: 'female', compensationOrdered: -100 });
    expect(negComp.statusCode).toBe(400);
    expect(negComp.json().error.fields.compensationOrdered).toBeDefined();
    expect(await counts()).toEqual(before);
  });

  it('flags an out-of-range sentence without a ground for review, accepts it, and an appeal changes the sentence in force', async () => {
    const id = await openCase();
    const { d, c } = await convicted(id);
    const low = await sentence(id, d, { termMonths: 24 });
    expect(low.statusCode, low.body).toBe(201);
    expect(low.json()).toMatchObject({ reviewFlag: 'below_minimum_without_ground', belowMinimum: true, band: '1_5' });
    const flagged = await t.db.selectFrom('auditLog').select('flagged').where('action', '=', 'criminal_case.sentence_recorded').where('recordId', '=', id).executeTakeFirstOrThrow();
    expect(flagged.flagged).toBe(true);
    expect((await event(id, { type: 'appeal_lodged', occurredOn: '2024-09-20', defendantId: d, appealBy: 'prosecutor' })).statusCode).toBe(201);
    const appeal = await verdict(id, d, { instance: 'appeal', decidedOn: '2024-12-01', appealResult: 'increased', outcomes: [{ chargeId: c, outcome: 'convicted' }] });
    expect(appeal.statusCode, appeal.body).toBe(201);
    const raised = await sentence(id, d, { instance: 'appeal', imposedOn: '2024-12-01', termMonths: 84 });
    expect(raised.statusCode, raised.body).toBe(201);
    expect(raised.json()).toMatchObject({ reviewFlag: null, band: '5_10', supersedes: low.json().id });
    const page = (await call(investigator, 'GET', `/justice/cases/${id}`)).json();
    const sentences = page.defendantList[0].sentences;
    expect(sentences.map((s: { inForce: boolean; termMonths: number }) => [s.termMonths, s.inForce])).toEqual([[24, false], [84, true]]);
    // Figures for 2024 with the sentence in force on 31 December: 84 months, not below the minimum.
    const stats = (await call(investigator, 'GET', '/justice/statistics?from=2024-01-01&to=2024-12-31')).json();
    expect(stats.convictions.defendants).toBeGreaterThanOrEqual(1);
    // Figures as of a date before the appeal: the first sentence.
    const records = await call(investigator, 'GET', '/justice/statistics/records?from=2024-09-01&to=2024-09-30&figure=below_minimum');
    expect(records.json().items.map((r: { criminalCaseId: string }) => r.criminalCaseId)).toContain(id);
    const recordsYear = await call(investigator, 'GET', '/justice/statistics/records?from=2024-01-01&to=2024-12-31&figure=below_minimum');
    expect(recordsYear.json().items.map((r: { criminalCaseId: string }) => r.criminalCaseId)).not.toContain(id);
  });

  it('a grounded below-minimum sentence is not flagged; a sentence needs its type\'s fields', async () => {
    const id = await openCase();
    const { d } = await convicted(id, { person: { name: { givenName: 'Günel', familyName: 'Həsənova' }, sex: 'female' } });
    const noTerm = await sentence(id, d, { termMonths: null });
    expect(noTerm.statusCode).toBe(400);
    expect(noTerm.json().error.fields.termMonths).toBeDefined();
    const noProbation = await sentence(id, d, { suspended: true });
    expect(noProbation.statusCode).toBe(400);
    expect(noProbation.json().error.fields.probationMonths).toBeDefined();
    const deferred = await sentence(id, d, { termMonths: 36, deferred: true, deferralGround: 'child_under_age', belowMinimum: true, belowMinimumGround: 'art. 62', mitigating: ['minor_child'] });
    expect(deferred.statusCode, deferred.body).toBe(201);
    expect(deferred.json()).toMatchObject({ reviewFlag: null, belowMinimum: true, band: 'suspended_or_deferred' });
  });

  it('reclassification keeps the charge history and the new charge can be decided', async () => {
    const id = await openCase();
    const d = await addDefendant(id);
    const c = await charge(id, d, '144-1.1');
    expect((await event(id, { type: 'indicted', occurredOn: '2024-05-01', defendantId: d })).statusCode).toBe(201);
    const bad = await verdict(id, d, { instance: 'first', decidedOn: '2024-09-01', outcomes: [{ chargeId: c, outcome: 'reclassified', reclassifiedTo: '999' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields['outcomes.0.reclassifiedTo']).toBeDefined();
    expect((await verdict(id, d, { instance: 'first', decidedOn: '2024-09-01', outcomes: [{ chargeId: c, outcome: 'reclassified', reclassifiedTo: '243' }] })).statusCode).toBe(201);
    const page = (await call(investigator, 'GET', `/justice/cases/${id}`)).json();
    const charges = page.defendantList[0].charges;
    expect(charges.map((x: { article: string; outcome: string | null }) => [x.article, x.outcome])).toEqual([['144-1.1', 'reclassified'], ['243', null]]);
    expect(charges[1].reclassifiedFromChargeId).toBe(c);
  });
});

describe('prosecutors, courts and victims', () => {
  it('a prosecutor sees a shared case and indicts; the court clerk sees it after the indictment and records the verdict; other courts do not', async () => {
    const id = await openCase({ prosecutorAgencyId: prosecution });
    const d = await addDefendant(id);
    const c = await charge(id, d, '144-1.1', '2024-02-01', prosecutor);
    expect((await call(clerk, 'GET', `/justice/cases/${id}`)).statusCode).toBe(404);
    const ind = await event(id, { type: 'indicted', occurredOn: '2024-05-01', defendantId: d, courtAgencyId: court }, prosecutor);
    expect(ind.statusCode, ind.body).toBe(201);
    const seen = await call(clerk, 'GET', `/justice/cases/${id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().status).toBe('in_court');
    const v = await verdict(id, d, { instance: 'first', decidedOn: '2024-09-01', outcomes: [{ chargeId: c, outcome: 'convicted' }] }, clerk);
    expect(v.statusCode, v.body).toBe(201);
    expect((await sentence(id, d, {}, clerk)).statusCode).toBe(201);
    const court2 = (await t.db.insertInto('agencies').values({ name: 'Other court', type: 'court' }).returning('id').executeTakeFirstOrThrow()).id;
    const clerk2 = await user(['court_clerk'], court2);
    expect((await call(clerk2, 'GET', `/justice/cases/${id}`)).statusCode).toBe(404);
    const badShare = await call(investigator, 'POST', `/justice/cases/${id}/share`, { agencyId: ngo });
    expect(badShare.statusCode).toBe(400);
    expect(badShare.json().error.fields.agencyId).toBeDefined();
  });

  it("shows a linked victim's identity only to users who may see the NRM case; others get pseudonym, sex, age group, nationality", async () => {
    const nrm = await call(worker, 'POST', '/cases', { exploitationForms: ['sexual_exploitation'] });
    expect(nrm.statusCode, nrm.body).toBe(201);
    const nrmId = nrm.json().id as string;
    const person = await call(worker, 'POST', `/cases/${nrmId}/people`, { role: 'victim', person: { name: { givenName: 'Leyla', familyName: 'Quliyeva' }, sex: 'female', birthYear: 2008, citizenship: 'AZE' } });
    expect(person.statusCode, person.body).toBe(201);
    // Not referred to the police yet: the investigator may not link it.
    const refused = await call(investigator, 'POST', '/justice/cases', { body: 'police', caseNumber: 'V-0', openedOn: '2024-01-10', articles: ['144-1.1'], nrmCaseIds: [nrmId] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields['nrmCaseIds.0']).toBeDefined();
    await t.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: nrmId, grantee: { agencyId: police }, sections: ['summary', 'people'], kind: 'referral' }));
    const id = await openCase({ nrmCaseIds: [nrmId], prosecutorAgencyId: prosecution });
    const mine = (await call(investigator, 'GET', `/justice/cases/${id}`)).json();
    expect(mine.victims).toHaveLength(1);
    expect(mine.victims[0]).toMatchObject({ identityShown: true, sex: 'female', ageGroup: 'child', nationality: 'AZE', nrmCase: { id: nrmId } });
    expect(mine.victims[0].names[0].asEntered).toBe('Leyla Quliyeva');
    expect(mine.warnings).toContain('child_victim_without_144_1_2_3');
    const theirs = (await call(prosecutor, 'GET', `/justice/cases/${id}`)).json();
    expect(theirs.victims[0]).toMatchObject({ identityShown: false, names: null, nrmCase: null, sex: 'female', ageGroup: 'child', nationality: 'AZE' });
    expect(JSON.stringify(theirs)).not.toContain('Quliyeva');
    expect(theirs.victims[0].pseudonym).toMatch(/^V-/);
  });

  it('records extradition and MLA requests, refusing an outcome before the request', async () => {
    const id = await openCase();
    const ok = await call(investigator, 'POST', `/justice/cases/${id}/cooperation`, { kind: 'extradition', direction: 'sent', country: 'TR', requestedOn: '2024-03-01', outcome: 'granted', outcomeOn: '2024-06-01' });
    expect(ok.statusCode, ok.body).toBe(201);
    const bad = await call(investigator, 'POST', `/justice/cases/${id}/cooperation`, { kind: 'mla', direction: 'received', country: 'RU', requestedOn: '2024-03-01', outcome: 'refused', outcomeOn: '2024-02-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.outcomeOn).toBeDefined();
    expect((await call(investigator, 'GET', `/justice/cases/${id}`)).json().cooperation).toHaveLength(1);
  });

  it('lists investigation deadlines, overdue first, and an extension moves the limit', async () => {
    const id = await openCase({ openedOn: '2020-01-01' }, investigator2);
    const list = (await call(investigator2, 'GET', '/justice/deadlines?mine=true')).json().items;
    expect(list.find((x: { id: string }) => x.id === id)).toMatchObject({ dueOn: '2020-05-01', overdue: true });
    const far = new Date(Date.now() + 400 * 86400_000).toISOString().slice(0, 10);
    expect((await call(investigator2, 'PATCH', `/justice/cases/${id}`, { version: 1, investigationExtendedUntil: far })).statusCode).toBe(200);
    const after = (await call(investigator2, 'GET', '/justice/deadlines?mine=true')).json().items;
    expect(after.find((x: { id: string }) => x.id === id)).toBeUndefined();
  });
});
