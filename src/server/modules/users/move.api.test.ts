import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

/**
 * A user moved to another agency leaves the old agency's records behind: the "own" scope holds only
 * in the user's current agency, and their open work there goes to the old agency's supervisor,
 * visibly (the answer, the audit log, the case timeline).
 */

let t: TestApp;
let ngo: string;
let shelter: string;
let admin: Session;
let ngoSupervisor: Session & { id: string; email: string };
let worker: Session & { id: string; email: string };
let mover: Session & { id: string; email: string };
let shelterWorker: Session & { id: string; email: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id, email: u.email };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  admin = await user(['administrator'], (await makeAgency(t.db, { type: 'government' })).id);
  ngoSupervisor = await user(['supervisor'], ngo);
  worker = await user(['case_worker'], ngo);
  mover = await user(['supervisor'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);
const searched = async (s: Session, q: string) =>
  ((await call(s, 'GET', `/people/search?q=${encodeURIComponent(q)}`)).json().items as { person: { id: string } }[]).map((x) => x.person.id);

async function victimCase(s: Session, givenName: string, familyName: string, birthYear: number) {
  const id = (await call(s, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json().id as string;
  const v = await call(s, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName, familyName }, sex: 'female', birthYear } });
  expect(v.statusCode, v.body).toBe(201);
  return { id, personId: v.json().personId as string };
}

describe('moving a user to another agency', () => {
  it('takes away the old agency\'s records they own and hands their open work to its supervisor', async () => {
    // The worker's open case with a task, a closed case with a document, and a referral to the NGO they handle.
    const open = await victimCase(worker, 'Günel', 'Əliyeva', 1990);
    const task = (await call(worker, 'POST', `/cases/${open.id}/tasks`, { title: 'Call the shelter', dueAt: new Date(Date.now() + 86_400_000).toISOString() })).json().id as string;
    const closed = await victimCase(worker, 'Ülviyyə', 'Həsənova', 1987);
    const up = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${closed.id}/documents?name=passport.png&kind=identity_document`, headers: { ...worker.headers, 'content-type': 'image/png' }, payload: PNG });
    expect(up.statusCode, up.body).toBe(201);
    const doc = up.json().id as string;
    const close = await call(worker, 'PATCH', `/cases/${closed.id}`, { status: 'closed', closureReason: 'The victim returned home' });
    expect(close.statusCode, close.body).toBe(200);
    const theirs = await victimCase(shelterWorker, 'Sona', 'Qasımova', 1993);
    await call(shelterWorker, 'POST', `/cases/${theirs.id}/consents`, { personId: theirs.personId, kind: 'data_sharing', agencyId: ngo, purpose: 'services', givenOn: '2026-01-02', form: 'written' });
    const referral = (await call(shelterWorker, 'POST', `/cases/${theirs.id}/referrals`, { toAgencyId: ngo, purpose: 'services', sections: ['summary'] })).json().id as string;
    expect((await call(worker, 'POST', `/referrals/${referral}/accept`, {})).statusCode).toBe(200);
    expect((await call(worker, 'GET', `/cases/${closed.id}`)).statusCode).toBe(200);

    const moved = await call(admin, 'PATCH', `/users/${worker.id}`, { agencyId: shelter });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      agency: { id: shelter },
      handover: { fromAgencyId: ngo, toUserId: ngoSupervisor.id, caseIds: [open.id], taskIds: [task], contactIds: [], referralIds: [referral] },
    });

    // Signed in again in the new agency, the worker reaches none of the old agency's records they owned.
    const again = await signIn(t.app, worker.email);
    expect((await call(again, 'GET', `/cases/${closed.id}`)).statusCode).toBe(404);
    expect((await call(again, 'GET', `/cases/${open.id}`)).statusCode).toBe(404);
    expect((await call(again, 'POST', `/cases/${closed.id}/notes`, { body: 'Still following up' })).statusCode).toBe(404);
    expect((await call(again, 'GET', `/cases/${closed.id}/documents`)).statusCode).toBe(404);
    expect((await call(again, 'GET', `/cases/${closed.id}/documents/${doc}/content`)).statusCode).toBe(404);
    expect((await call(again, 'GET', `/cases/${closed.id}/htcds`)).statusCode).toBe(404);
    expect((await call(again, 'GET', `/people/${closed.personId}`)).statusCode).toBe(404);
    expect((await call(again, 'GET', '/cases?mine=true&limit=100')).json().items).toEqual([]);
    expect((await call(again, 'GET', '/tasks')).json().items).toEqual([]);

    // The handover is visible: the supervisor holds the work, the case timeline and the audit log say so.
    const page = (await call(ngoSupervisor, 'GET', `/cases/${open.id}`)).json();
    expect(page.summary.ownerUserId).toBe(ngoSupervisor.id);
    const actions = (page.timeline as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['case.worker_reassigned', 'case.task_reassigned']));
    expect(((await call(ngoSupervisor, 'GET', '/tasks')).json().items as { id: string }[]).map((k) => k.id)).toContain(task);
    const r = await t.db.selectFrom('referrals').select('handlerUserId').where('id', '=', referral).executeTakeFirstOrThrow();
    expect(r.handlerUserId).toBe(ngoSupervisor.id);
    const entry = await t.db.selectFrom('auditLog').select(['changes']).where('action', '=', 'user.updated').where('recordId', '=', worker.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.changes).toMatchObject({ handover: { toUserId: ngoSupervisor.id, cases: 1, tasks: 1, contacts: 0, referrals: 1 } });
    const closedCase = await t.db.selectFrom('cases').select('ownerUserId').where('id', '=', closed.id).executeTakeFirstOrThrow();
    expect(closedCase.ownerUserId).toBe(worker.id); // closed work stays as history; the engine keeps it out of reach
  });

  it('leaves a moved supervisor unable to find a child victim they recorded, and hands over their open contacts', async () => {
    const child = await victimCase(mover, 'Aysel', 'Quliyeva', new Date().getUTCFullYear() - 12);
    // Closed, so the case stays the mover's own: only the engine's rule keeps the child from them.
    expect((await call(mover, 'PATCH', `/cases/${child.id}`, { status: 'closed', closureReason: 'Placed with a guardian' })).statusCode).toBe(200);
    const contact = await call(mover, 'POST', '/contacts', { channel: 'walk_in' });
    expect(contact.statusCode, contact.body).toBe(201);
    expect(await searched(mover, 'Aysel Quliyeva')).toContain(child.personId);

    const moved = await call(admin, 'PATCH', `/users/${mover.id}`, { agencyId: shelter });
    expect(moved.json().handover).toMatchObject({ toUserId: ngoSupervisor.id, contactIds: [contact.json().id] });

    const again = await signIn(t.app, mover.email);
    expect(await searched(again, 'Aysel Quliyeva')).not.toContain(child.personId);
    expect((await call(again, 'GET', `/people/${child.personId}`)).statusCode).toBe(404);
    expect((await call(again, 'GET', `/contacts/${contact.json().id}`)).statusCode).toBe(404);
    expect((await t.db.selectFrom('contacts').select('assignedUserId').where('id', '=', contact.json().id).executeTakeFirstOrThrow()).assignedUserId).toBe(ngoSupervisor.id);
  });

  it('leaves the work to the agency when it has no other supervisor, and changes nothing on a change that is no move', async () => {
    const lone = (await makeAgency(t.db, { type: 'ngo' })).id;
    const solo = await user(['case_worker'], lone);
    const mine = await victimCase(solo, 'Leyla', 'Rəhimova', 1985);
    expect((await call(admin, 'PATCH', `/users/${solo.id}`, { name: 'Renamed' })).json().handover).toBeUndefined();
    const moved = await call(admin, 'PATCH', `/users/${solo.id}`, { agencyId: shelter });
    expect(moved.json().handover).toMatchObject({ toUserId: null, caseIds: [mine.id] });
    expect((await t.db.selectFrom('cases').select('ownerUserId').where('id', '=', mine.id).executeTakeFirstOrThrow()).ownerUserId).toBeNull();
  });
});
