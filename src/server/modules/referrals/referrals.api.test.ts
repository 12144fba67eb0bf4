import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let third: string;
let worker: Session & { id: string };
let shelterWorker: Session & { id: string };
let thirdWorker: Session & { id: string };
let coordinatorUser: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  third = (await makeAgency(t.db, { type: 'ngo' })).id;
  worker = await user(['case_worker'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
  thirdWorker = await user(['case_worker'], third);
  coordinatorUser = await user(['coordinator'], (await makeAgency(t.db, { type: 'coordinator' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

type Victim = { birthYear?: number; birthDate?: string; ageDisputed?: boolean; unaccompanied?: boolean; guardianName?: string; guardianAppointedOn?: string };

async function caseWith(victim: Victim | null = { birthYear: 1990 }) {
  const id = (await call(worker, 'POST', '/cases', { exploitationForms: ['sexual_exploitation'], region: 'Baku', country: 'AZ' })).json().id as string;
  await call(worker, 'POST', `/cases/${id}/notes`, { body: 'Identifying story' });
  await call(worker, 'POST', `/cases/${id}/events`, { type: 'exploitation', date: '2025-11', city: 'Dubai', country: 'AE' });
  let personId: string | null = null;
  if (victim) {
    const { ageDisputed, unaccompanied, guardianName, guardianAppointedOn, ...birth } = victim;
    const v = await call(worker, 'POST', `/cases/${id}/people`, {
      role: 'victim', ...(ageDisputed ? { ageDisputed } : {}), ...(unaccompanied ? { unaccompanied } : {}), ...(guardianName ? { guardianName, guardianAppointedOn } : {}),
      person: { name: { givenName: 'Günay', familyName: 'Quliyeva' }, sex: 'female', citizenship: 'AZE', ...birth },
    });
    expect(v.statusCode).toBe(201);
    personId = v.json().personId;
  }
  return { id, personId };
}

const consent = (caseId: string, personId: string, agencyId: string, purpose = 'services') =>
  call(worker, 'POST', `/cases/${caseId}/consents`, { personId, kind: 'data_sharing', agencyId, purpose, givenOn: '2026-01-02', form: 'written' });

const refer = (caseId: string, body: object = {}) =>
  call(worker, 'POST', `/cases/${caseId}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections: ['summary', 'people', 'events', 'notes'], reason: 'Needs a safe place', ...body });

describe('the consent gate', () => {
  it('an adult with consent for this agency and purpose: the chosen sections go, and only on acceptance', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter);
    const r = await refer(id);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ status: 'pending', consentBasis: 'consent', sectionsShared: ['summary', 'people', 'events', 'notes'], sectionsWithheld: [], toAgencyId: shelter, direction: 'outgoing' });
    expect(r.json().summary).toMatchObject({ exploitationForms: ['sexual_exploitation'], victims: [{ sex: 'female', ageBand: 'adult', nationality: 'AZE' }] });
    expect(JSON.stringify(r.json().summary)).not.toContain('Quliyeva');
    // Before acceptance: the receiver sees the referral, not the case.
    expect((await call(shelterWorker, 'GET', `/referrals/${r.json().id}`)).json().direction).toBe('incoming');
    expect((await call(shelterWorker, 'GET', `/cases/${id}`)).statusCode).toBe(404);
    const accepted = await call(shelterWorker, 'POST', `/referrals/${r.json().id}/accept`, { note: 'Bed ready' });
    expect(accepted.json()).toMatchObject({ status: 'accepted', acceptedBy: shelterWorker.id });
    const seen = (await call(shelterWorker, 'GET', `/cases/${id}`)).json();
    expect(seen.sections).toEqual(['events', 'notes', 'people', 'summary']);
    expect(seen.people[0].person.names[0].familyName).toBe('Quliyeva');
    expect(seen).not.toHaveProperty('consents');
    expect(seen).not.toHaveProperty('timeline');
    expect((await call(shelterWorker, 'PATCH', `/cases/${id}`, { region: 'Ganja' })).statusCode).toBe(403);
  });

  it('an adult without consent (or consent for another agency or purpose, or withdrawn): only the summary, and an anonymous notification counts', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, third);
    await consent(id, personId!, shelter, 'identification');
    const w = (await consent(id, personId!, shelter)).json();
    await call(worker, 'POST', `/cases/${id}/consents/${w.id}/withdraw`, { withdrawnOn: '2026-01-03' });
    const r = await refer(id);
    expect(r.json()).toMatchObject({ consentBasis: 'anonymous', sectionsShared: ['summary'], sectionsWithheld: ['people', 'events', 'notes'] });
    const notes = await t.db.selectFrom('anonymousNotifications').selectAll().where('referralId', '=', r.json().id).execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ sex: 'female', ageBand: 'adult', nationality: 'AZE', exploitationForms: ['sexual_exploitation'], region: 'Baku', eventDate: '2025-11', fromAgencyId: ngo });
    await call(shelterWorker, 'POST', `/referrals/${r.json().id}/accept`, {});
    const seen = (await call(shelterWorker, 'GET', `/cases/${id}`)).json();
    expect(seen.sections).toEqual(['summary']);
    expect(JSON.stringify(seen)).not.toContain('Quliyeva');
    expect(JSON.stringify(seen)).not.toContain('Identifying story');
  });

  it('a child needs no consent; an age-disputed adult is a child; an unaccompanied child needs a guardian first', async () => {
    const child = await caseWith({ birthYear: new Date().getUTCFullYear() - 15 });
    expect((await refer(child.id)).json()).toMatchObject({ consentBasis: 'child', sectionsWithheld: [] });
    const disputed = await caseWith({ birthYear: 1995, ageDisputed: true });
    expect((await refer(disputed.id)).json()).toMatchObject({ consentBasis: 'child', summary: { victims: [{ ageBand: 'child' }] } });
    const alone = await caseWith({ birthYear: new Date().getUTCFullYear() - 14, unaccompanied: true });
    const refused = await refer(alone.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'guardian_required', fields: { guardian: expect.any(String) } });
    const guarded = await caseWith({ birthYear: new Date().getUTCFullYear() - 14, unaccompanied: true, guardianName: 'Rauf Əliyev', guardianAppointedOn: '2026-01-01' });
    expect((await refer(guarded.id)).statusCode).toBe(201);
  });

  it('needs a victim in the case, a real receiver other than the owner, and names fields', async () => {
    const none = await caseWith(null);
    expect((await refer(none.id)).json().error.code).toBe('victim_required');
    const { id } = await caseWith();
    expect((await refer(id, { toAgencyId: ngo })).json().error.fields).toEqual({ toAgencyId: 'the agency that owns the case' });
    expect((await refer(id, { toAgencyId: crypto.randomUUID() })).json().error.fields).toEqual({ toAgencyId: 'no such agency' });
    const both = await refer(id, { providerId: crypto.randomUUID() });
    expect(both.json().error.fields).toHaveProperty('toAgencyId');
    const bad = await refer(id, { sections: ['secrets'], purpose: 'fun' });
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['purpose', 'sections.0']);
    expect((await call(thirdWorker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary'] })).statusCode).toBe(404);
  });

  it('to a provider goes to its agency, for a service it offers', async () => {
    const coord = coordinatorUser;
    const pv = (await call(coord, 'POST', '/providers', { agencyId: shelter, name: 'Shelter Baku', serviceTypes: ['shelter'] })).json();
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter);
    const wrong = await call(worker, 'POST', `/cases/${id}/referrals`, { providerId: pv.id, purpose: 'services', serviceType: 'medical', sections: ['summary'] });
    expect(wrong.json().error.fields).toEqual({ serviceType: 'the provider offers shelter' });
    const ok = await call(worker, 'POST', `/cases/${id}/referrals`, { providerId: pv.id, purpose: 'services', serviceType: 'shelter', sections: ['summary', 'people'] });
    expect(ok.json()).toMatchObject({ toAgencyId: shelter, providerId: pv.id, providerName: 'Shelter Baku', consentBasis: 'consent' });
  });
});

describe('answering, completing and revoking', () => {
  it('a declined referral opens nothing and cannot be accepted after', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter);
    const r = (await refer(id)).json();
    expect((await call(shelterWorker, 'POST', `/referrals/${r.id}/decline`, {})).json().error.fields).toHaveProperty('reason');
    const d = await call(shelterWorker, 'POST', `/referrals/${r.id}/decline`, { reason: 'No free beds' });
    expect(d.json()).toMatchObject({ status: 'declined', declineReason: 'No free beds', declinedBy: shelterWorker.id });
    expect((await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {})).json().error.code).toBe('referral_declined');
    expect((await call(shelterWorker, 'GET', `/cases/${id}`)).statusCode).toBe(404);
  });

  it('a revoked referral closes the case to the receiver at once; nothing more can be done with it', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter);
    const r = (await refer(id)).json();
    await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {});
    expect((await call(shelterWorker, 'GET', `/cases/${id}`)).statusCode).toBe(200);
    expect((await call(shelterWorker, 'POST', `/referrals/${r.id}/revoke`, { reason: 'not yours' })).statusCode).toBe(403);
    const rv = await call(worker, 'POST', `/referrals/${r.id}/revoke`, { reason: 'Victim moved to another city' });
    expect(rv.json()).toMatchObject({ status: 'revoked', revokedBy: worker.id });
    expect((await call(shelterWorker, 'GET', `/cases/${id}`)).statusCode).toBe(404);
    expect((await call(shelterWorker, 'GET', '/cases?limit=200')).json().items.map((x: { id: string }) => x.id)).not.toContain(id);
    expect((await call(shelterWorker, 'POST', `/referrals/${r.id}/complete`, { note: 'done' })).json().error.code).toBe('referral_revoked');
    expect((await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {})).json().error.code).toBe('referral_revoked');
  });

  it('only the receiving agency answers; another agency cannot even see the referral', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter);
    const r = (await refer(id)).json();
    expect((await call(thirdWorker, 'GET', `/referrals/${r.id}`)).statusCode).toBe(404);
    expect((await call(thirdWorker, 'POST', `/referrals/${r.id}/accept`, {})).statusCode).toBe(404);
    expect((await call(worker, 'POST', `/referrals/${r.id}/accept`, {})).statusCode).toBe(403);
    expect((await call(thirdWorker, 'GET', '/referrals')).json().items).toEqual([]);
    const done = await call(shelterWorker, 'POST', `/referrals/${r.id}/complete`, { note: 'Not started yet' });
    expect(done.json().error.code).toBe('referral_pending');
  });

  it('completes with a note; every step is dated and on the case timeline', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter);
    const r = (await refer(id)).json();
    await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {});
    const c = await call(shelterWorker, 'POST', `/referrals/${r.id}/complete`, { note: 'Stayed six weeks, moved to own flat' });
    expect(c.json()).toMatchObject({ status: 'completed', completedBy: shelterWorker.id });
    for (const k of ['sentAt', 'acceptedAt', 'completedAt']) expect(Date.parse(c.json()[k])).not.toBeNaN();
    const page = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(page.timeline.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['case.referral_sent', 'case.referral_accepted', 'access.grant', 'case.referral_completed']));
    expect(page.referrals.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[r.id, 'completed']]);
  });

  it('withdrawing the consent narrows an accepted referral to the summary', async () => {
    const { id, personId } = await caseWith();
    const k = (await consent(id, personId!, shelter)).json();
    const r = (await refer(id)).json();
    await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {});
    await call(worker, 'POST', `/cases/${id}/consents/${k.id}/withdraw`, { withdrawnOn: '2026-01-10' });
    const seen = (await call(shelterWorker, 'GET', `/cases/${id}`)).json();
    expect(seen.sections).toEqual(['summary']);
    expect((await call(worker, 'GET', `/referrals/${r.id}`)).json()).toMatchObject({ consentBasis: 'anonymous', sectionsShared: ['summary'] });
  });

  it('a transfer moves ownership; the sender keeps the summary', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter, 'case_transfer');
    const r = (await refer(id, { purpose: 'case_transfer', serviceType: undefined, sections: ['summary', 'people', 'events', 'notes', 'consents', 'timeline'] })).json();
    await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {});
    const owner = (await call(shelterWorker, 'GET', `/cases/${id}`)).json();
    expect(owner.summary).toMatchObject({ ownerAgencyId: shelter, ownerUserId: shelterWorker.id, access: 'agency' });
    expect((await call(shelterWorker, 'PATCH', `/cases/${id}`, { region: 'Ganja' })).statusCode).toBe(200);
    const sender = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(sender.sections).toEqual(['referrals', 'summary']);
    expect((await call(worker, 'POST', `/referrals/${r.id}/revoke`, { reason: 'changed my mind' })).json().error.code).toBe('referral_transferred');
  });

  it('an unanswered referral is overdue after the profile\'s answer time, and listed so', async () => {
    const { id, personId } = await caseWith();
    await consent(id, personId!, shelter);
    const r = (await refer(id)).json();
    expect(Date.parse(r.answerDueAt) - Date.parse(r.sentAt)).toBe(72 * 3600_000);
    expect(r.overdue).toBe(false);
    await t.db.updateTable('referrals').set({ answerDueAt: new Date(Date.now() - 1000) }).where('id', '=', r.id).execute();
    const overdue = (await call(shelterWorker, 'GET', '/referrals?direction=incoming&overdue=true')).json().items;
    expect(overdue.map((x: { id: string }) => x.id)).toEqual([r.id]);
    expect(overdue[0].overdue).toBe(true);
    expect((await call(coordinatorUser, 'GET', '/referrals?overdue=true')).json().items.map((x: { id: string }) => x.id)).toContain(r.id);
  });
});
