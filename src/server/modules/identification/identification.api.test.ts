import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { dayIn, addDays, addWorkingDays } from '../../../domain/deadlines.ts';
import { AZ_CALENDAR } from '../../../domain/holidays.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let authority: string;
let worker: Session & { id: string };
let officer: Session & { id: string };
let otherOfficer: Session & { id: string };
let admin: Session;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  authority = (await makeAgency(t.db, { type: 'police' })).id;
  worker = await user(['case_worker'], ngo);
  officer = await user(['identification_officer'], authority);
  otherOfficer = await user(['identification_officer'], (await makeAgency(t.db, { type: 'police' })).id);
  admin = await user(['administrator'], (await makeAgency(t.db, { type: 'government' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const today = () => dayIn('Asia/Baku', new Date());

async function referredCase(sentAt?: Date) {
  const id = (await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json().id as string;
  const personId = (await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Elvin', familyName: 'Məmmədov' }, sex: 'male', birthYear: 1988 } })).json().personId as string;
  await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: authority, purpose: 'identification', givenOn: today(), form: 'written' });
  const r = (await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] })).json();
  if (sentAt) await t.db.updateTable('referrals').set({ sentAt }).where('id', '=', r.id).execute();
  return { id, personId, referralId: r.id as string };
}

describe('the identification queue', () => {
  it('lists referrals waiting for a reasonable-grounds decision, soonest deadline first, with overdue ones marked', async () => {
    const late = await referredCase(new Date(Date.now() - 20 * 86_400_000));
    const fresh = await referredCase();
    const q = await call(officer, 'GET', '/identification/queue');
    expect(q.statusCode).toBe(200);
    const items = q.json().items;
    expect(items.map((i: { referralId: string }) => i.referralId)).toEqual([late.referralId, fresh.referralId]);
    expect(items[0].overdue).toBe(true);
    expect(items[1].overdue).toBe(false);
    expect(items[1].rgDueOn > items[1].referredOn).toBe(true);
    expect(JSON.stringify(items)).not.toContain('Məmmədov');
    expect((await call(otherOfficer, 'GET', '/identification/queue')).json().items).toEqual([]);
    expect((await call(worker, 'GET', '/identification/queue')).statusCode).toBe(403);
  });
});

describe('decisions', () => {
  it('reasonable grounds then conclusive, with the computed dates, the victim status following, and the queue emptied', async () => {
    const { id, personId, referralId } = await referredCase();
    // Before accepting the referral the officer cannot reach the case.
    const early = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today(), reasons: 'Credible account' });
    expect(early.statusCode).toBe(404);
    await call(officer, 'POST', `/referrals/${referralId}/accept`, {});
    const concl = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'conclusive', outcome: 'identified_trafficking', decidedOn: today(), reasons: 'x'.repeat(5) });
    expect(concl.json().error.code).toBe('rg_required');
    const rg = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today(), reasons: 'Credible account, passport withheld', evidence: 'Interview notes' });
    expect(rg.statusCode).toBe(201);
    expect(rg.json()).toMatchObject({ stage: 'reasonable_grounds', outcome: 'positive', reflectionEndsOn: addDays(today(), 30), earliestConclusiveOn: addDays(today(), 45), current: true, decidedBy: officer.id });
    const page = (await call(officer, 'GET', `/cases/${id}`)).json();
    expect(page.summary.victimStatus).toBe('presumed');
    expect(page.identification[0]).toMatchObject({ personId, referralId, dates: { reflectionEndsOn: addDays(today(), 30), removalHold: { from: today(), until: null }, earliestConclusiveOn: addDays(today(), 45) }, rgOverdue: false });
    expect((await call(officer, 'GET', '/identification/queue')).json().items.map((i: { referralId: string }) => i.referralId)).not.toContain(referralId);
    const tooEarly = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'conclusive', outcome: 'identified_trafficking', decidedOn: today(), reasons: 'Enough evidence' });
    expect(tooEarly.json().error.fields).toEqual({ decidedOn: `not before ${addDays(today(), 45)}` });
    const again = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'negative', decidedOn: today(), reasons: 'Changed mind' });
    expect(again.json().error.code).toBe('already_decided');
    // The case's owner sees the decision and the dates.
    const owner = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(owner.identification[0].decisions).toHaveLength(1);
    expect(owner.timeline.map((e: { action: string }) => e.action)).toContain('case.identification_decided');
  });

  it('reconsiders a negative decision and keeps it in the history; a positive one is not reconsidered', async () => {
    const { id, personId, referralId } = await referredCase();
    await call(officer, 'POST', `/referrals/${referralId}/accept`, {});
    const neg = (await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'negative', decidedOn: today(), reasons: 'Account inconsistent' })).json();
    expect((await call(officer, 'GET', `/cases/${id}`)).json().identification[0].dates.reflectionEndsOn).toBeNull();
    const pos = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today(), reasons: 'New evidence from the employer', reconsiders: neg.id });
    expect(pos.statusCode).toBe(201);
    const decisions = (await call(officer, 'GET', `/cases/${id}`)).json().identification[0].decisions;
    expect(decisions.map((d: { outcome: string; current: boolean }) => [d.outcome, d.current])).toEqual([['negative', false], ['positive', true]]);
    const back = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'negative', decidedOn: today(), reasons: 'Try again', reconsiders: pos.json().id });
    expect(back.json().error.code).toBe('not_reconsiderable');
  });

  it('withholds reflection only on the named grounds with a reason; refuses bad input by field', async () => {
    const { id, personId, referralId } = await referredCase();
    await call(officer, 'POST', `/referrals/${referralId}/accept`, {});
    const bad = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'identified_trafficking', decidedOn: '2999-01-01', reasons: '', reflectionWithheld: 'public_order' });
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['outcome', 'reasons', 'reflectionWithheld', 'reflectionWithheldReason']);
    const future = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2999-01-01', reasons: 'Fine' });
    expect(future.json().error.fields).toEqual({ decidedOn: 'in the future' });
    const stranger = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId: crypto.randomUUID(), stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today(), reasons: 'Fine' });
    expect(stranger.json().error.fields).toEqual({ personId: 'not a victim of this case' });
    const withheld = await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today(), reasons: 'Credible', reflectionWithheld: 'public_order', reflectionWithheldReason: 'Wanted for a violent offence' });
    expect(withheld.json()).toMatchObject({ reflectionWithheld: 'public_order', reflectionEndsOn: null, earliestConclusiveOn: addDays(today(), 45) });
    expect((await call(worker, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'conclusive', outcome: 'identified_trafficking', decidedOn: today(), reasons: 'Fine' })).statusCode).toBe(403);
  });
});

describe('the country profile', () => {
  it('is read by all, changed by administrators within CETS limits, and changes the dates', async () => {
    expect((await call(worker, 'GET', '/nrm/country-profile')).json()).toMatchObject({ code: 'AZ', reflectionDays: 30, rgTargetWorkingDays: 5, referralAnswerHours: 72 });
    expect((await call(worker, 'PUT', '/nrm/country-profile', { reflectionDays: 45 })).statusCode).toBe(403);
    expect((await call(admin, 'PUT', '/nrm/country-profile', { reflectionDays: 20 })).json().error.fields).toEqual({ reflectionDays: 'at least 30 days (CETS art. 13)' });
    const set = await call(admin, 'PUT', '/nrm/country-profile', { reflectionDays: 90, referralAnswerHours: 48 });
    expect(set.json()).toMatchObject({ reflectionDays: 90, referralAnswerHours: 48, rgTargetWorkingDays: 5 });
    const { id, personId, referralId } = await referredCase();
    const r = (await call(worker, 'GET', `/referrals/${referralId}`)).json();
    expect(Date.parse(r.answerDueAt) - Date.parse(r.sentAt)).toBe(48 * 3600_000);
    await call(officer, 'POST', `/referrals/${referralId}/accept`, {});
    const rg = (await call(officer, 'POST', `/cases/${id}/identification/decisions`, { personId, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today(), reasons: 'Credible' })).json();
    expect(rg.reflectionEndsOn).toBe(addDays(today(), 90));
    await call(admin, 'PUT', '/nrm/country-profile', { reflectionDays: 30, referralAnswerHours: 72 });
  });

  it('takes the population by year and the disclosure thresholds, refusing by field what cannot be true and writing nothing then', async () => {
    const row = (o: object = {}) => ({ year: 2030, total: 10_300_000, female: 5_150_000, male: 5_150_000, children: 2_400_000, source: 'State Statistical Committee (test)', ...o });
    const before = (await call(admin, 'GET', '/nrm/country-profile')).json();
    const bad = await call(admin, 'PUT', '/nrm/country-profile', {
      population: [row(), row({ year: 2030 }), row({ year: 2031, female: 5_000_000 }), row({ year: 2032, children: 10_300_001 }), row({ year: 2033, male: -1, female: 10_300_001 }), row({ year: 1989 })],
      disclosure: { dashboardThreshold: 5, openDataThreshold: 4, openDataRounding: null },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual({
      'population.1.year': 'this year is already in the list',
      'population.2.total': 'female and male add up to the total',
      'population.3.children': 'at most the total',
      'population.4.male': 'not negative',
      'population.5.year': 'a year from 1990 to 2100',
      'disclosure.openDataThreshold': 'at least the dashboard threshold',
    });
    const thresholds = await call(admin, 'PUT', '/nrm/country-profile', { disclosure: { dashboardThreshold: 2, openDataThreshold: 51, openDataRounding: 1 } });
    expect(thresholds.json().error.fields).toEqual({ 'disclosure.dashboardThreshold': 'at least 3', 'disclosure.openDataThreshold': 'at most 50', 'disclosure.openDataRounding': 'from 2 to 100' });
    // Each refusal wrote nothing, the good rows and the valid rest of the body included.
    expect((await call(admin, 'GET', '/nrm/country-profile')).json()).toEqual(before);

    expect((await call(worker, 'PUT', '/nrm/country-profile', { population: [row()] })).statusCode).toBe(403);
    // Figures rounded each to the thousand may miss the total by a little (0.1 % at most).
    const rounded = row({ year: 2031, female: 5_151_000, male: 5_150_000 });
    const set = await call(admin, 'PUT', '/nrm/country-profile', { population: [rounded, row()], disclosure: { dashboardThreshold: 3, openDataThreshold: 10, openDataRounding: 5 } });
    expect(set.statusCode).toBe(200);
    // Kept in the order of the years.
    expect(set.json().population.map((p: { year: number }) => p.year)).toEqual([2030, 2031]);
    expect(set.json().disclosure).toEqual({ dashboardThreshold: 3, openDataThreshold: 10, openDataRounding: 5 });
    expect((await call(worker, 'GET', '/nrm/country-profile')).json()).toMatchObject({ population: [row(), rounded], disclosure: { openDataThreshold: 10 } });
    const audit = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'nrm.country_profile_updated').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit.changes).toHaveProperty('population');
    await call(admin, 'PUT', '/nrm/country-profile', { population: before.population, disclosure: before.disclosure });
    expect((await call(admin, 'GET', '/nrm/country-profile')).json()).toEqual(before);
  });

  it('takes the government\'s working-day swaps, refused by field when they make no sense, and counts deadlines with them', async () => {
    const bad = await call(admin, 'PUT', '/nrm/country-profile', {
      workingDayChanges: [
        { day: '2026-12-02', working: true, reason: 'A Wednesday' },
        { day: '2026-12-05', working: false, reason: 'A Saturday' },
        { day: '2026-12-02', working: false, reason: '' },
        { day: '2026-02-30', working: false, reason: 'No such day' },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['workingDayChanges.0.day', 'workingDayChanges.1.day', 'workingDayChanges.2.day', 'workingDayChanges.2.reason', 'workingDayChanges.3.day']);
    expect(bad.json().error.fields['workingDayChanges.3.day']).toBe('a date as YYYY-MM-DD');
    const impossible = await call(admin, 'PUT', '/nrm/country-profile', { workingDayChanges: [{ day: '2026-02-30', working: true, reason: 'x' }] });
    expect(impossible.json().error.fields).toEqual({ 'workingDayChanges.0.day': 'a date as YYYY-MM-DD' });
    const twice = await call(admin, 'PUT', '/nrm/country-profile', { workingDayChanges: [{ day: '2026-12-02', working: false, reason: 'x' }, { day: '2026-12-02', working: false, reason: 'y' }] });
    expect(twice.json().error.fields).toEqual({ 'workingDayChanges.1.day': 'this day is already in the list' });
    expect((await call(worker, 'PUT', '/nrm/country-profile', { workingDayChanges: [] })).statusCode).toBe(403);

    // The next working day after today becomes a day off: the reasonable-grounds target moves by one working day.
    const next = addWorkingDays(today(), 1, AZ_CALENDAR);
    const before = await referredCase();
    const dueBefore = (await call(officer, 'GET', '/identification/queue')).json().items.find((i: { referralId: string }) => i.referralId === before.referralId).rgDueOn;
    expect(dueBefore).toBe(addWorkingDays(today(), 5, AZ_CALENDAR));
    const set = await call(admin, 'PUT', '/nrm/country-profile', { workingDayChanges: [{ day: next, working: false, reason: 'Cabinet of Ministers decision (test)' }] });
    expect(set.statusCode).toBe(200);
    expect(set.json().workingDayChanges).toEqual([{ day: next, working: false, reason: 'Cabinet of Ministers decision (test)' }]);
    expect(set.json().reflectionDays).toBe(30);
    const queue = (await call(officer, 'GET', '/identification/queue')).json().items;
    expect(queue.find((i: { referralId: string }) => i.referralId === before.referralId).rgDueOn).toBe(addWorkingDays(today(), 6, AZ_CALENDAR));
    await call(officer, 'POST', `/referrals/${before.referralId}/accept`, {});
    expect((await call(officer, 'GET', `/cases/${before.id}`)).json().identification[0].dates.rgDueOn).toBe(addWorkingDays(today(), 6, AZ_CALENDAR));
    const audit = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'nrm.country_profile_updated').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    // The log names the field; its values (the decisions' wording among them) stay in the profile.
    expect(audit.changes).toMatchObject({ workingDayChanges: { changed: true } });

    expect((await call(admin, 'PUT', '/nrm/country-profile', { workingDayChanges: [] })).json().workingDayChanges).toEqual([]);
    expect((await call(officer, 'GET', '/identification/queue')).json().items.find((i: { referralId: string }) => i.referralId === before.referralId).rgDueOn).toBe(dueBefore);
  });
});
