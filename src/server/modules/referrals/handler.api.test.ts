import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';
import { sweepReminders } from '../../jobs/reminders.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let authority: string;
type U = Session & { id: string };
let worker: U;
let ngoSupervisor: U;
let shelterSupervisor: U;
let alice: U;
let bob: U;
let shelterOperator: U;
let retired: U;
let stranger: U;
let strangerSupervisor: U;
let authoritySupervisor: U;
let officer: U;
let authorityCaseWorker: U;

async function user(roles: Role[], agencyId: string): Promise<U> {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  authority = (await makeAgency(t.db, { type: 'police' })).id;
  const other = (await makeAgency(t.db, { type: 'ngo' })).id;
  worker = await user(['case_worker'], ngo);
  ngoSupervisor = await user(['supervisor'], ngo);
  shelterSupervisor = await user(['supervisor'], shelter);
  alice = await user(['case_worker'], shelter);
  bob = await user(['case_worker'], shelter);
  shelterOperator = await user(['operator'], shelter);
  retired = await user(['case_worker'], shelter);
  await t.db.updateTable('users').set({ disabledAt: new Date() }).where('id', '=', retired.id).execute();
  stranger = await user(['case_worker'], other);
  strangerSupervisor = await user(['supervisor'], other);
  authoritySupervisor = await user(['supervisor'], authority);
  officer = await user(['identification_officer'], authority);
  authorityCaseWorker = await user(['case_worker'], authority);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

/** A case of the NGO with a victim who consented, referred to `to` for `purpose`. */
async function referred(to: string, purpose: 'services' | 'identification') {
  const caseId = (await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json().id as string;
  const personId = (await call(worker, 'POST', `/cases/${caseId}/people`, { role: 'victim', person: { name: { givenName: 'Leyla', familyName: 'Quliyeva' }, birthYear: 1992 } })).json().personId as string;
  await call(worker, 'POST', `/cases/${caseId}/consents`, { personId, kind: 'data_sharing', agencyId: to, purpose, givenOn: '2026-01-05', form: 'written' });
  const r = await call(worker, 'POST', `/cases/${caseId}/referrals`, { toAgencyId: to, purpose, ...(purpose === 'services' ? { serviceType: 'shelter' } : {}), sections: ['summary', 'people', 'events', 'screening', 'identification'] });
  expect(r.statusCode).toBe(201);
  return { caseId, referralId: r.json().id as string };
}

const assign = (s: Session, referralId: string, handlerUserId: string, reason?: string) => call(s, 'POST', `/referrals/${referralId}/assign`, { handlerUserId, ...(reason ? { reason } : {}) });

describe('the handler of an incoming referral', () => {
  it('is named by a supervisor of the receiving agency, reminded at once, and shown on the referral', async () => {
    const { caseId, referralId } = await referred(shelter, 'services');
    const r = await assign(shelterSupervisor, referralId, alice.id, 'Alice speaks Russian');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ handlerUserId: alice.id, status: 'pending', direction: 'incoming' });
    expect(r.json().handlerName).toBeTruthy();
    // The sender sees who handles it too.
    expect((await call(worker, 'GET', `/referrals/${referralId}`)).json().handlerUserId).toBe(alice.id);
    const reminders = (await call(alice, 'GET', '/reminders')).json().items.filter((m: { kind: string }) => m.kind === 'referral_assigned');
    expect(reminders.map((m: { subjectId: string; caseId: string }) => [m.subjectId, m.caseId])).toEqual([[referralId, caseId]]);
    expect(reminders[0].dueAt).toBe(r.json().answerDueAt);

    // Handed on to Bob: Bob is reminded; the timeline shows the change, the reason stays in the audit log.
    expect((await assign(shelterSupervisor, referralId, bob.id)).json().handlerUserId).toBe(bob.id);
    const audit = await t.db.selectFrom('auditLog').select('changes').where('recordId', '=', caseId).where('action', '=', 'case.referral_handler_assigned').orderBy('seq').execute();
    expect(audit.map((a) => (a.changes as { handlerUserId: { new: string } }).handlerUserId.new)).toEqual([alice.id, bob.id]);
    expect((audit[0]!.changes as { reason?: unknown }).reason).toEqual({ changed: true });
    const timeline = (await call(worker, 'GET', `/cases/${caseId}`)).json().timeline as { action: string }[];
    expect(timeline.map((e) => e.action)).toContain('case.referral_handler_assigned');
    expect(JSON.stringify(timeline)).not.toContain('Alice speaks Russian');
  });

  it('refuses by field who cannot take it, and refuses those who may not name one', async () => {
    const { referralId } = await referred(shelter, 'services');
    const field = async (id: string) => (await assign(shelterSupervisor, referralId, id)).json().error?.fields?.handlerUserId;
    expect(await field(stranger.id)).toBe('not a user of the receiving agency');
    expect(await field(worker.id)).toBe('not a user of the receiving agency');
    expect(await field(retired.id)).toBe('not an active user');
    expect(await field(shelterOperator.id)).toBe('cannot answer referrals');
    expect((await assign(shelterSupervisor, referralId, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(400);
    expect((await call(shelterSupervisor, 'POST', `/referrals/${referralId}/assign`, { handlerUserId: 'alice' })).json().error.fields).toHaveProperty('handlerUserId');

    expect((await assign(alice, referralId, bob.id)).statusCode).toBe(403); // not a supervisor
    expect((await assign(ngoSupervisor, referralId, worker.id)).statusCode).toBe(403); // the sender's supervisor
    expect((await assign(strangerSupervisor, referralId, stranger.id)).statusCode).toBe(404); // another agency

    expect((await assign(shelterSupervisor, referralId, alice.id)).statusCode).toBe(200);
    const same = await assign(shelterSupervisor, referralId, alice.id);
    expect(same.statusCode).toBe(409);
    expect(same.json().error.code).toBe('already_assigned');

    expect((await call(bob, 'POST', `/referrals/${referralId}/decline`, { reason: 'No beds' })).statusCode).toBe(200);
    const declined = await assign(shelterSupervisor, referralId, bob.id);
    expect(declined.statusCode).toBe(409);
    expect(declined.json().error.code).toBe('referral_declined');
  });

  it('is who accepts it, unless a supervisor named someone first', async () => {
    const a = await referred(shelter, 'services');
    expect((await call(bob, 'POST', `/referrals/${a.referralId}/accept`, {})).json().handlerUserId).toBe(bob.id);
    const b = await referred(shelter, 'services');
    await assign(shelterSupervisor, b.referralId, alice.id);
    expect((await call(bob, 'POST', `/referrals/${b.referralId}/accept`, {})).json()).toMatchObject({ acceptedBy: bob.id, handlerUserId: alice.id });
    // An accepted referral can still be handed on.
    expect((await assign(shelterSupervisor, b.referralId, bob.id)).json().handlerUserId).toBe(bob.id);
  });

  it('of an identification referral decides on identification; the picker lists only such people', async () => {
    const { referralId } = await referred(authority, 'identification');
    expect((await assign(authoritySupervisor, referralId, authorityCaseWorker.id)).json().error.fields).toEqual({ handlerUserId: 'cannot decide on identification' });
    expect((await assign(authoritySupervisor, referralId, officer.id)).json().handlerUserId).toBe(officer.id);
    const picker = (await call(authoritySupervisor, 'GET', '/oversight/assignees?for=identification_handler')).json().items.map((u: { id: string }) => u.id);
    expect(picker).toContain(officer.id);
    expect(picker).not.toContain(authorityCaseWorker.id);
    const any = (await call(shelterSupervisor, 'GET', '/oversight/assignees?for=referral_handler')).json().items.map((u: { id: string }) => u.id);
    expect(any).toEqual(expect.arrayContaining([alice.id, bob.id]));
    expect(any).not.toContain(shelterOperator.id);
    expect(any).not.toContain(retired.id);
  });

  it('gets the overdue reminders instead of the whole agency; the overdue view offers the supervisor to hand it on', async () => {
    const handled = await referred(shelter, 'services');
    await assign(shelterSupervisor, handled.referralId, alice.id);
    const unhandled = await referred(shelter, 'services');
    const late = new Date(Date.now() - 80 * 3600_000);
    await t.db.updateTable('referrals').set({ sentAt: late, answerDueAt: new Date(Date.now() - 8 * 3600_000) }).where('id', 'in', [handled.referralId, unhandled.referralId]).execute();
    const identification = await referred(authority, 'identification');
    await assign(authoritySupervisor, identification.referralId, officer.id);
    await t.db.updateTable('referrals').set({ sentAt: new Date(Date.now() - 20 * 86_400_000) }).where('id', '=', identification.referralId).execute();

    await sweepReminders(t.db);
    const rows = await t.db.selectFrom('reminders').select(['kind', 'subjectId', 'userId', 'agencyId']).where('subjectId', 'in', [handled.referralId, unhandled.referralId, identification.referralId]).where('kind', 'in', ['referral_overdue', 'rg_overdue']).execute();
    const by = (kind: string, id: string) => rows.find((r) => r.kind === kind && r.subjectId === id);
    expect(by('referral_overdue', handled.referralId)).toMatchObject({ userId: alice.id, agencyId: null });
    expect(by('referral_overdue', unhandled.referralId)).toMatchObject({ userId: null, agencyId: shelter });
    expect(by('rg_overdue', identification.referralId)).toMatchObject({ userId: officer.id, agencyId: null });

    const overdue = (await call(shelterSupervisor, 'GET', '/oversight/overdue')).json().items as { id: string; kind: string; reassign: string[] }[];
    expect(overdue.find((i) => i.id === unhandled.referralId)).toMatchObject({ kind: 'referral', reassign: ['referral_handler'] });
    expect(overdue.find((i) => i.id === handled.referralId)).toMatchObject({ purpose: 'services', handlerUserId: alice.id });
    // The sender's supervisor sees it overdue but hands on nothing of another agency.
    const senderView = (await call(ngoSupervisor, 'GET', '/oversight/overdue')).json().items as { id: string; reassign: string[] }[];
    expect(senderView.find((i) => i.id === unhandled.referralId)!.reassign).not.toContain('referral_handler');
  });

  it('stops getting them once they cannot act: disabled, moved to another agency; the agency gets them instead, and the moved user no longer sees the old ones', async () => {
    const carol = await user(['case_worker'], shelter);
    const dave = await user(['case_worker'], shelter);
    const gone = await referred(shelter, 'services');
    const moved = await referred(shelter, 'services');
    await assign(shelterSupervisor, gone.referralId, carol.id);
    await assign(shelterSupervisor, moved.referralId, dave.id);
    expect((await call(dave, 'GET', '/reminders')).json().items.map((m: { subjectId: string }) => m.subjectId)).toContain(moved.referralId);
    await t.db.updateTable('users').set({ disabledAt: new Date() }).where('id', '=', carol.id).execute();
    const elsewhere = (await makeAgency(t.db, { type: 'ngo' })).id;
    await t.db.updateTable('users').set({ agencyId: elsewhere }).where('id', '=', dave.id).execute();
    await t.db.updateTable('referrals').set({ answerDueAt: new Date(Date.now() - 3600_000) }).where('id', 'in', [gone.referralId, moved.referralId]).execute();

    await sweepReminders(t.db);
    const rows = await t.db.selectFrom('reminders').select(['subjectId', 'userId', 'agencyId']).where('kind', '=', 'referral_overdue').where('subjectId', 'in', [gone.referralId, moved.referralId]).execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ userId: null, agencyId: shelter });
    // Dave, now elsewhere, no longer sees the shelter's case numbers among his reminders.
    const daveNow = await signIn(t.app, (await t.db.selectFrom('users').select('email').where('id', '=', dave.id).executeTakeFirstOrThrow()).email);
    const his = (await call(daveNow, 'GET', '/reminders')).json().items.map((m: { caseId: string }) => m.caseId);
    expect(his).not.toContain(moved.caseId);
  });

  it('of an identification referral is not whoever accepts it without deciding on identification', async () => {
    const { referralId } = await referred(authority, 'identification');
    const accepted = await call(authorityCaseWorker, 'POST', `/referrals/${referralId}/accept`, {});
    expect(accepted.json()).toMatchObject({ acceptedBy: authorityCaseWorker.id, handlerUserId: null });
    await t.db.updateTable('referrals').set({ sentAt: new Date(Date.now() - 20 * 86_400_000) }).where('id', '=', referralId).execute();
    await sweepReminders(t.db);
    expect(await t.db.selectFrom('reminders').select(['userId', 'agencyId']).where('kind', '=', 'rg_overdue').where('subjectId', '=', referralId).executeTakeFirstOrThrow()).toEqual({ userId: null, agencyId: authority });
    // An officer who accepts becomes its handler.
    const other = await referred(authority, 'identification');
    expect((await call(officer, 'POST', `/referrals/${other.referralId}/accept`, {})).json().handlerUserId).toBe(officer.id);
  });
});
