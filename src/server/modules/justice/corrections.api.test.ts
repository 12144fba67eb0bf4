import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { grantAccess } from '../../access/grants.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { CASES } from '../cases/policy.ts';

let t: TestApp;
let police: string;
let prosecution: string;
let court: string;
let ngo: string;
let investigator: Session;
let otherPolice: Session;
let prosecutor: Session;
let clerk: Session;
let analyst: Session;
let worker: Session;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return signIn(t.app, u.email);
}

beforeAll(async () => {
  t = await createTestApp();
  police = (await makeAgency(t.db, { type: 'police' })).id;
  prosecution = (await t.db.insertInto('agencies').values({ name: 'PGO corrections', type: 'prosecution' }).returning('id').executeTakeFirstOrThrow()).id;
  court = (await t.db.insertInto('agencies').values({ name: 'Court corrections', type: 'court' }).returning('id').executeTakeFirstOrThrow()).id;
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  investigator = await user(['investigator'], police);
  otherPolice = await user(['investigator'], (await makeAgency(t.db, { type: 'police' })).id);
  prosecutor = await user(['prosecutor'], prosecution);
  clerk = await user(['court_clerk'], court);
  analyst = await user(['analyst'], (await makeAgency(t.db, { type: 'coordinator' })).id);
  worker = await user(['case_worker'], ngo);
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH';
const call = (s: Session, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const created = async (res: Awaited<ReturnType<typeof call>>) => {
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; eventId: string };
};

let seq = 0;
/** A case of 2023 with one defendant charged on 144-1.1, indicted (sent to the court) and, unless `verdict: false`, convicted. */
async function convictedCase(opts: { verdict?: boolean; sentence?: boolean } = {}) {
  seq++;
  const id = (await created(await call(investigator, 'POST', '/justice/cases', { body: 'police', caseNumber: `COR-${seq}-${Math.random().toString(36).slice(2, 6)}`, openedOn: '2023-01-10', articles: ['144-1.1'], forms: ['sexual_exploitation'], prosecutorAgencyId: prosecution }))).id;
  const d = (await created(await call(investigator, 'POST', `/justice/cases/${id}/defendants`, { person: { name: { givenName: 'Rauf', familyName: 'Əliyev' }, sex: 'male', birthYear: 1980 }, role: 'recruiter' }))).id;
  const c = (await created(await call(investigator, 'POST', `/justice/cases/${id}/defendants/${d}/charges`, { article: '144-1.1', broughtOn: '2023-02-01' }))).id;
  const indicted = (await created(await call(prosecutor, 'POST', `/justice/cases/${id}/events`, { type: 'indicted', occurredOn: '2023-05-01', defendantId: d, courtAgencyId: court }))).id;
  let verdictId: string | null = null;
  if (opts.verdict !== false) {
    await created(await call(clerk, 'POST', `/justice/cases/${id}/defendants/${d}/verdicts`, { instance: 'first', decidedOn: '2023-09-01', outcomes: [{ chargeId: c, outcome: 'convicted' }] }));
    verdictId = (await t.db.selectFrom('criminalVerdicts').select('id').where('chargeId', '=', c).executeTakeFirstOrThrow()).id;
  }
  let sentenceId: string | null = null;
  if (opts.sentence) sentenceId = (await created(await call(clerk, 'POST', `/justice/cases/${id}/defendants/${d}/sentences`, { instance: 'first', imposedOn: '2023-09-01', type: 'imprisonment', termMonths: 72 }))).id;
  return { id, d, c, indicted, verdictId: verdictId!, sentenceId: sentenceId! };
}
const auditOf = (id: string, action: string) => t.db.selectFrom('auditLog').select(['changes', 'flagged']).where('recordId', '=', id).where('action', '=', action).orderBy('seq').execute();
const page = async (id: string) => (await call(investigator, 'GET', `/justice/cases/${id}`)).json();
const rows = async () => {
  const n = async (table: 'criminalCaseEvents' | 'criminalCharges' | 'criminalVerdicts' | 'criminalSentences' | 'auditLog') => Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return [await n('criminalCaseEvents'), await n('criminalCharges'), await n('criminalVerdicts'), await n('criminalSentences'), await n('auditLog')];
};

describe('correcting and withdrawing procedural events', () => {
  it('corrects a day within the order of procedure and refuses one out of it, naming the field, writing nothing', async () => {
    const k = await convictedCase({ verdict: false });
    const suspended = (await created(await call(investigator, 'POST', `/justice/cases/${k.id}/events`, { type: 'detained', occurredOn: '2023-02-10', defendantId: k.d }))).id;
    const ok = await call(investigator, 'PATCH', `/justice/cases/${k.id}/events/${suspended}`, { occurredOn: '2023-02-12', documentNumber: 'Q-12' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await page(k.id)).events.find((e: { id: string }) => e.id === suspended)).toMatchObject({ occurredOn: '2023-02-12', documentNumber: 'Q-12' });
    const [entry] = await auditOf(k.id, 'criminal_case.event_corrected');
    expect(entry!.changes).toMatchObject({ eventId: suspended, type: 'detained', occurredOn: { old: '2023-02-10', new: '2023-02-12' }, documentNumber: { changed: true } });
    expect(JSON.stringify(entry)).not.toContain('Q-12');

    const charged = (await page(k.id)).events.find((e: { type: string }) => e.type === 'charged').id;
    const before = await rows();
    // The indictment after the verdict-to-be is fine here, but not before the charge.
    const early = await call(prosecutor, 'PATCH', `/justice/cases/${k.id}/events/${k.indicted}`, { occurredOn: '2023-01-20' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields.occurredOn).toMatch(/before the charged/);
    const future = await call(prosecutor, 'PATCH', `/justice/cases/${k.id}/events/${k.indicted}`, { occurredOn: '2999-01-01' });
    expect(future.json().error.fields.occurredOn).toBe('in the future');
    const wrongField = await call(investigator, 'PATCH', `/justice/cases/${k.id}/events/${suspended}`, { ground: 'no_evidence' });
    expect(wrongField.json().error.fields.ground).toBeDefined();
    const empty = await call(investigator, 'PATCH', `/justice/cases/${k.id}/events/${suspended}`, {});
    expect(empty.statusCode).toBe(400);
    // Charges and verdicts correct their own events.
    const through = await call(investigator, 'PATCH', `/justice/cases/${k.id}/events/${charged}`, { occurredOn: '2023-02-02' });
    expect(through.json().error.fields.eventId).toMatch(/through its charge/);
    expect(await rows()).toEqual(before);
  });

  it('withdraws an event recorded by mistake with a reason: kept, audited, the status follows; refused while a later event needs it', async () => {
    const k = await convictedCase({ verdict: false });
    expect((await page(k.id)).status).toBe('in_court');
    // The indictment is needed by nothing yet: withdrawn, the case is back in investigation and its facts forget it.
    const res = await call(prosecutor, 'POST', `/justice/cases/${k.id}/events/${k.indicted}/withdraw`, { reason: 'recorded_by_mistake' });
    expect(res.statusCode, res.body).toBe(200);
    const after = await page(k.id);
    expect(after.status).toBe('investigation');
    expect(after.events.map((e: { type: string }) => e.type)).not.toContain('indicted');
    expect((await t.db.selectFrom('justiceDefendantFacts').select('indictedOn').where('defendantId', '=', k.d).executeTakeFirstOrThrow()).indictedOn).toBeNull();
    const kept = await t.db.selectFrom('criminalCaseEvents').selectAll().where('id', '=', k.indicted).executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ withdrawalReason: 'recorded_by_mistake' });
    expect(kept.withdrawnAt).not.toBeNull();
    const [entry] = await auditOf(k.id, 'criminal_case.event_withdrawn');
    expect(entry!.changes).toMatchObject({ eventId: k.indicted, type: 'indicted', occurredOn: '2023-05-01', withdrawalReason: 'recorded_by_mistake' });
    // Twice: it is gone.
    expect((await call(prosecutor, 'POST', `/justice/cases/${k.id}/events/${k.indicted}/withdraw`, { reason: 'duplicate' })).statusCode).toBe(404);

    // A verdict rests on this indictment: refused, naming eventId.
    const v = await convictedCase();
    const before = await rows();
    const refused = await call(prosecutor, 'POST', `/justice/cases/${v.id}/events/${v.indicted}/withdraw`, { reason: 'recorded_by_mistake' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.eventId).toMatch(/verdict of 2023-09-01 would be out of order/);
    const badReason = await call(prosecutor, 'POST', `/justice/cases/${v.id}/events/${v.indicted}/withdraw`, { reason: 'because' });
    expect(badReason.statusCode).toBe(400);
    expect(badReason.json().error.fields.reason).toBeDefined();
    expect(await rows()).toEqual(before);
  });

  it('needs the same permission as recording: another agency and an analyst find nothing', async () => {
    const k = await convictedCase({ verdict: false });
    for (const s of [otherPolice, analyst, worker]) {
      const res = await call(s, 'PATCH', `/justice/cases/${k.id}/events/${k.indicted}`, { occurredOn: '2023-05-02' });
      expect([403, 404]).toContain(res.statusCode);
      expect((await call(s, 'POST', `/justice/cases/${k.id}/events/${k.indicted}/withdraw`, { reason: 'other' })).statusCode).not.toBe(200);
    }
    expect((await page(k.id)).events.find((e: { id: string }) => e.id === k.indicted).occurredOn).toBe('2023-05-01');
  });
});

describe('correcting charges, verdicts and sentences', () => {
  it('corrects a charge: article (in the profile only) and day (its event moves, not after its verdict)', async () => {
    const k = await convictedCase({ sentence: true });
    const bad = await call(investigator, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/charges/${k.c}`, { article: '999.1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.article).toMatch(/not in the country profile/);
    const late = await call(investigator, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/charges/${k.c}`, { broughtOn: '2023-10-01' });
    expect(late.json().error.fields.broughtOn).toMatch(/after the decision on it/);
    const ok = await call(investigator, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/charges/${k.c}`, { article: '144-1.2.3', broughtOn: '2023-02-03' });
    expect(ok.statusCode, ok.body).toBe(200);
    const after = await page(k.id);
    expect(after.defendantList[0].charges[0]).toMatchObject({ article: '144-1.2.3', broughtOn: '2023-02-03' });
    expect(after.events.find((e: { type: string }) => e.type === 'charged').occurredOn).toBe('2023-02-03');
    // 72 months was within 144-1.1's range; under 144-1.2.3 (96 to 144) it is below the minimum without a ground: flagged now.
    expect(after.defendantList[0].sentences[0]).toMatchObject({ belowMinimum: true, reviewFlag: 'below_minimum_without_ground' });
    const [entry] = await auditOf(k.id, 'criminal_case.charge_corrected');
    expect(Object.keys(entry!.changes as object)).toEqual(expect.arrayContaining(['article', 'broughtOn', 'chargeId', 'defendantId']));
  });

  it('a corrected verdict changes the figures; one a sentence rests on is refused until the sentence goes', async () => {
    const stats = async () => (await call(analyst, 'GET', '/justice/statistics?from=2023-01-01&to=2023-12-31')).json();
    const k = await convictedCase();
    const before = await stats();
    const res = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/verdicts/${k.verdictId}`, { outcome: 'acquitted' });
    expect(res.statusCode, res.body).toBe(200);
    const after = await stats();
    expect(after.convictions.defendants).toBe(before.convictions.defendants - 1);
    expect(after.acquittals.defendants).toBe(before.acquittals.defendants + 1);
    expect((await page(k.id)).defendantList[0].charges[0]).toMatchObject({ outcome: 'acquitted', outcomeOn: '2023-09-01' });
    const [entry] = await auditOf(k.id, 'criminal_case.verdict_corrected');
    expect(entry!.changes).toMatchObject({ verdictId: k.verdictId, outcome: { old: 'convicted', new: 'acquitted' } });

    // The day of the decision moves with its event; not before the indictment.
    const early = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/verdicts/${k.verdictId}`, { decidedOn: '2023-04-01' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields.decidedOn).toMatch(/before the indicted/);
    const moved = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/verdicts/${k.verdictId}`, { decidedOn: '2023-08-15', outcome: 'terminated', terminationGround: 'no_evidence' });
    expect(moved.statusCode, moved.body).toBe(200);
    const p = await page(k.id);
    expect(p.events.find((e: { type: string }) => e.type === 'verdict').occurredOn).toBe('2023-08-15');
    expect(p.defendantList[0].verdicts[0]).toMatchObject({ decidedOn: '2023-08-15', outcome: 'terminated', terminationGround: 'no_evidence' });
    const noGround = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/verdicts/${k.verdictId}`, { terminationGround: null });
    expect(noGround.json().error.fields.terminationGround).toBe('required when terminated');

    const s = await convictedCase({ sentence: true });
    const count = await rows();
    const refused = await call(clerk, 'PATCH', `/justice/cases/${s.id}/defendants/${s.d}/verdicts/${s.verdictId}`, { outcome: 'acquitted' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.outcome).toMatch(/sentence of 2023-09-01/);
    expect(await rows()).toEqual(count);
    expect((await page(s.id)).defendantList[0].verdicts[0].outcome).toBe('convicted');
  });

  it('corrects a sentence by the fields given, checked as a new one; the band and the figures follow', async () => {
    const k = await convictedCase({ sentence: true });
    const base = (await call(analyst, 'GET', '/justice/statistics?from=2023-01-01&to=2023-12-31')).json().sentences;
    const res = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${k.sentenceId}`, { suspended: true, probationMonths: 24 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ band: 'suspended_or_deferred', reviewFlag: null });
    const now = (await call(analyst, 'GET', '/justice/statistics?from=2023-01-01&to=2023-12-31')).json().sentences;
    expect(now.suspendedOrDeferred).toBe(base.suspendedOrDeferred + 1);
    expect(now.bands['5_10']).toBe(base.bands['5_10'] - 1);
    const [entry] = await auditOf(k.id, 'criminal_case.sentence_corrected');
    expect(Object.keys(entry!.changes as object)).toEqual(expect.arrayContaining(['suspended', 'probationMonths', 'sentenceId']));
    expect(entry!.changes).not.toHaveProperty('termMonths');

    const count = await rows();
    const negative = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${k.sentenceId}`, { termMonths: -3 });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.fields.termMonths).toBeDefined();
    const shape = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${k.sentenceId}`, { suspended: false });
    expect(shape.json().error.fields.probationMonths).toBe('only for a suspended sentence');
    const beforeVerdict = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${k.sentenceId}`, { imposedOn: '2023-08-01' });
    expect(beforeVerdict.json().error.fields.imposedOn).toMatch(/not convicted/);
    expect(await rows()).toEqual(count);
    // A flag for review: above the maximum, accepted and flagged in the audit log.
    const high = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${k.sentenceId}`, { suspended: false, probationMonths: null, termMonths: 200 });
    expect(high.json()).toMatchObject({ band: 'over_10', reviewFlag: 'above_maximum' });
    expect((await auditOf(k.id, 'criminal_case.sentence_corrected')).at(-1)!.flagged).toBe(true);
  });

  it('moving an appeal sentence keeps the one in force right', async () => {
    const k = await convictedCase({ sentence: true });
    await created(await call(clerk, 'POST', `/justice/cases/${k.id}/events`, { type: 'appeal_lodged', occurredOn: '2023-09-10', defendantId: k.d, appealBy: 'prosecutor' }));
    await created(await call(clerk, 'POST', `/justice/cases/${k.id}/defendants/${k.d}/verdicts`, { instance: 'appeal', decidedOn: '2023-11-01', appealResult: 'increased', outcomes: [{ chargeId: k.c, outcome: 'convicted' }] }));
    const appeal = (await created(await call(clerk, 'POST', `/justice/cases/${k.id}/defendants/${k.d}/sentences`, { instance: 'appeal', imposedOn: '2023-11-01', type: 'imprisonment', termMonths: 96 }))).id;
    const fix = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${appeal}`, { imposedOn: '2023-11-02' });
    expect(fix.statusCode, fix.body).toBe(200);
    const sentences = (await page(k.id)).defendantList[0].sentences;
    expect(sentences.find((s: { id: string }) => s.id === k.sentenceId)).toMatchObject({ supersededBy: appeal, inForce: false });
    expect(sentences.find((s: { id: string }) => s.id === appeal)).toMatchObject({ supersededBy: null, inForce: true, imposedOn: '2023-11-02' });
  });
});

describe('the sentence in force at the end of a period (monthly sums, migration 0128)', () => {
  it('an appeal after the period changes nothing in it; one inside the last month counts, to the day; moving it across the end moves it', async () => {
    const k = await convictedCase({ sentence: true });
    const ends = ['2023-10-31', '2023-11-10', '2023-11-25', '2023-11-30', '2023-12-31'];
    const figures = async () => {
      const out: Record<string, { suspendedOrDeferred: number; band510: number }> = {};
      for (const to of ends) {
        const res = await call(analyst, 'GET', `/justice/statistics?from=2023-01-01&to=${to}`);
        expect(res.statusCode, res.body).toBe(200);
        const s = res.json().sentences;
        out[to] = { suspendedOrDeferred: s.suspendedOrDeferred, band510: s.bands['5_10'] };
      }
      return out;
    };
    const base = await figures();
    await created(await call(clerk, 'POST', `/justice/cases/${k.id}/events`, { type: 'appeal_lodged', occurredOn: '2023-09-10', defendantId: k.d, appealBy: 'defence' }));
    await created(await call(clerk, 'POST', `/justice/cases/${k.id}/defendants/${k.d}/verdicts`, { instance: 'appeal', decidedOn: '2023-11-01', appealResult: 'reduced', outcomes: [{ chargeId: k.c, outcome: 'convicted' }] }));
    const appeal = (await created(await call(clerk, 'POST', `/justice/cases/${k.id}/defendants/${k.d}/sentences`, { instance: 'appeal', imposedOn: '2023-11-20', type: 'imprisonment', termMonths: 36, suspended: true, probationMonths: 24 }))).id;
    const lighter = (to: string) => ({ suspendedOrDeferred: base[to]!.suspendedOrDeferred + 1, band510: base[to]!.band510 - 1 });
    // Before 20 November the first sentence (6 years) is in force; from it, the suspended one.
    expect(await figures()).toEqual({ '2023-10-31': base['2023-10-31'], '2023-11-10': base['2023-11-10'], '2023-11-25': lighter('2023-11-25'), '2023-11-30': lighter('2023-11-30'), '2023-12-31': lighter('2023-12-31') });
    // Corrected to 5 December: after every period but the year.
    const fix = await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${appeal}`, { imposedOn: '2023-12-05' });
    expect(fix.statusCode, fix.body).toBe(200);
    expect(await figures()).toEqual({ ...base, '2023-12-31': lighter('2023-12-31') });
    // Corrected back into the last month of the 25 November period, after its end day.
    expect((await call(clerk, 'PATCH', `/justice/cases/${k.id}/defendants/${k.d}/sentences/${appeal}`, { imposedOn: '2023-11-27' })).statusCode).toBe(200);
    expect(await figures()).toEqual({ ...base, '2023-11-30': lighter('2023-11-30'), '2023-12-31': lighter('2023-12-31') });
  });
});

describe('victims in the proceedings and cooperation requests', () => {
  it("changes a victim's testimony, protection and compensation (paid only once ordered), audited by field", async () => {
    const k = await convictedCase({ verdict: false });
    const v = (await call(investigator, 'POST', `/justice/cases/${k.id}/victims`, { sex: 'female', ageGroup: 'adult' })).json().ids[0];
    const bad = await call(prosecutor, 'PATCH', `/justice/cases/${k.id}/victims/${v}`, { compensationPaid: 500 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.compensationOrdered).toBeDefined();
    const neg = await call(prosecutor, 'PATCH', `/justice/cases/${k.id}/victims/${v}`, { compensationOrdered: -1 });
    expect(neg.json().error.fields.compensationOrdered).toBe('must not be negative');
    const ok = await call(prosecutor, 'PATCH', `/justice/cases/${k.id}/victims/${v}`, { testified: true, protectionMeasures: ['identity_withheld'], compensationOrdered: 5000, compensationPaid: 1200, nonPunishment: true });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await page(k.id)).victims[0]).toMatchObject({ testified: true, protectionMeasures: ['identity_withheld'], compensationOrdered: 5000, compensationPaid: 1200, nonPunishment: true });
    const [entry] = await auditOf(k.id, 'criminal_case.victim_updated');
    expect(Object.keys(entry!.changes as object).sort()).toEqual(['compensationOrdered', 'compensationPaid', 'nonPunishment', 'protectionMeasures', 'testified', 'victimId']);
    expect(JSON.stringify(entry)).not.toContain('5000');
    expect((await call(otherPolice, 'PATCH', `/justice/cases/${k.id}/victims/${v}`, { testified: false })).statusCode).toBe(404);
  });

  it('records the outcome of a request, not before it was made, nor a day without an outcome', async () => {
    const k = await convictedCase({ verdict: false });
    const r = (await created(await call(investigator, 'POST', `/justice/cases/${k.id}/cooperation`, { kind: 'mla', direction: 'sent', country: 'TR', requestedOn: '2023-03-01' }))).id;
    const early = await call(investigator, 'PATCH', `/justice/cases/${k.id}/cooperation/${r}`, { outcome: 'granted', outcomeOn: '2023-02-01' });
    expect(early.json().error.fields.outcomeOn).toMatch(/before the request/);
    const pending = await call(investigator, 'PATCH', `/justice/cases/${k.id}/cooperation/${r}`, { outcomeOn: '2023-04-01' });
    expect(pending.json().error.fields.outcomeOn).toBe('only with an outcome');
    const ok = await call(investigator, 'PATCH', `/justice/cases/${k.id}/cooperation/${r}`, { outcome: 'granted', outcomeOn: '2023-06-01' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await page(k.id)).cooperation[0]).toMatchObject({ outcome: 'granted', outcomeOn: '2023-06-01' });
    expect((await auditOf(k.id, 'criminal_case.cooperation_updated'))[0]!.changes).toMatchObject({ outcome: { old: 'pending', new: 'granted' } });
  });
});

describe("an NRM case's criminal cases", () => {
  it('are listed to those who may read the NRM case, only the criminal cases they may read', async () => {
    const nrm = (await created(await call(worker, 'POST', '/cases', { exploitationForms: ['sexual_exploitation'] }))).id;
    await t.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: nrm, grantee: { agencyId: police }, sections: ['summary', 'people'], kind: 'referral' }));
    const cc = (await created(await call(investigator, 'POST', '/justice/cases', { body: 'police', caseNumber: `NRM-LINK-${Date.now()}`, openedOn: '2024-01-10', articles: ['144-1.1'], nrmCaseIds: [nrm] }))).id;
    const mine = await call(investigator, 'GET', `/cases/${nrm}/criminal-cases`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().items).toMatchObject([{ id: cc, status: 'investigation', openedOn: '2024-01-10' }]);
    // The NGO's case worker reads the NRM case but not the criminal case.
    expect((await call(worker, 'GET', `/cases/${nrm}/criminal-cases`)).json().items).toEqual([]);
    // Another police agency may not read the NRM case: not found.
    expect((await call(otherPolice, 'GET', `/cases/${nrm}/criminal-cases`)).statusCode).toBe(404);
  });
});
