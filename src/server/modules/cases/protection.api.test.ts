import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let worker: Session & { id: string };
let supervisor: Session;
let otherSupervisor: Session;
let auditor: Session;
let shelterWorker: Session;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  supervisor = await user(['supervisor'], ngo);
  otherSupervisor = await user(['supervisor'], shelter);
  shelterWorker = await user(['case_worker'], shelter);
  auditor = await user(['auditor'], (await makeAgency(t.db, { type: 'government' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function caseWithVictim(birthYear: number, ageDisputed = false) {
  const id = (await call(worker, 'POST', '/cases', {})).json().id as string;
  const v = (await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', ageDisputed, person: { name: { givenName: 'Sevda', familyName: 'Rzayeva' }, birthYear } })).json();
  return { id, personId: v.personId as string, casePersonId: v.id as string };
}

describe('an order ending access to a victim\'s record', () => {
  it('leaves only auditors and the owning agency\'s supervisors able to open it, read-only; everyone else gets 404 everywhere', async () => {
    const { id, personId } = await caseWithVictim(1990);
    await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2026-01-02', form: 'written' });
    const r = (await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary', 'people'] })).json();
    await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {});
    expect((await call(shelterWorker, 'GET', `/cases/${id}`)).statusCode).toBe(200);
    const bad = await call(worker, 'POST', `/cases/${id}/access-end`, { authority: 'judge', orderedOn: '2999-01-01' });
    expect(bad.json().error.fields).toHaveProperty('authority');
    const ended = await call(worker, 'POST', `/cases/${id}/access-end`, { authority: 'court', reference: 'Baku Grave Crimes Court 1(101)-123/2026', orderedOn: '2026-01-15' });
    expect(ended.statusCode).toBe(200);
    for (const s of [worker, shelterWorker, otherSupervisor]) {
      expect((await call(s, 'GET', `/cases/${id}`)).statusCode).toBe(404);
      expect((await call(s, 'GET', '/cases?limit=200')).json().items.map((x: { id: string }) => x.id)).not.toContain(id);
    }
    expect((await call(worker, 'POST', `/cases/${id}/notes`, { body: 'more' })).statusCode).toBe(404);
    const sup = await call(supervisor, 'GET', `/cases/${id}`);
    expect(sup.statusCode).toBe(200);
    expect(sup.json().summary.accessEnded).toMatchObject({ authority: 'court', orderedOn: '2026-01-15' });
    expect((await call(supervisor, 'GET', '/cases?limit=200')).json().items.map((x: { id: string }) => x.id)).toContain(id);
    expect((await call(supervisor, 'POST', `/cases/${id}/notes`, { body: 'more' })).json().error.code).toBe('access_ended');
    expect((await call(auditor, 'GET', `/cases/${id}`)).statusCode).toBe(200);
    const entry = await t.db.selectFrom('auditLog').select(['flagged']).where('action', '=', 'case.access_ended').where('recordId', '=', id).executeTakeFirstOrThrow();
    expect(entry.flagged).toBe(true);
  });
});

describe('returning a child', () => {
  it('is refused without a best-interests assessment in favour of return; an adult needs none', async () => {
    const child = await caseWithVictim(new Date().getUTCFullYear() - 12);
    const none = await call(worker, 'POST', `/cases/${child.id}/people/${child.casePersonId}/return`, { returnedOn: '2026-02-01', returnedTo: 'UZB' });
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatchObject({ code: 'best_interests_required', fields: { assessmentId: 'required for a child' } });
    const against = (await call(worker, 'POST', `/cases/${child.id}/best-interests`, { personId: child.personId, assessedOn: '2026-01-20', assessedBy: 'Guardianship authority', conclusion: 'return_not_in_best_interests', summary: 'Family involved in the trafficking' })).json();
    expect((await call(worker, 'POST', `/cases/${child.id}/people/${child.casePersonId}/return`, { returnedOn: '2026-02-01', returnedTo: 'UZB', assessmentId: against.id })).json().error.code).toBe('best_interests_required');
    const favour = await call(worker, 'POST', `/cases/${child.id}/best-interests`, { personId: child.personId, assessedOn: '2026-01-25', assessedBy: 'Guardianship authority', conclusion: 'return_in_best_interests', summary: 'Aunt can care for her' });
    expect(favour.statusCode).toBe(201);
    const ok = await call(worker, 'POST', `/cases/${child.id}/people/${child.casePersonId}/return`, { returnedOn: '2026-02-01', returnedTo: 'UZB', assessmentId: favour.json().id });
    expect(ok.json()).toMatchObject({ returnedOn: '2026-02-01', returnedTo: 'UZB' });

    const disputed = await caseWithVictim(1995, true);
    expect((await call(worker, 'POST', `/cases/${disputed.id}/people/${disputed.casePersonId}/return`, { returnedOn: '2026-02-01', returnedTo: 'UZB' })).statusCode).toBe(409);
    const adult = await caseWithVictim(1985);
    expect((await call(worker, 'POST', `/cases/${adult.id}/people/${adult.casePersonId}/return`, { returnedOn: '2026-02-01', returnedTo: 'UZB' })).statusCode).toBe(200);
  });
});

describe('break-glass on a case', () => {
  it('opens a case to a supervisor of another agency for reading, with a reason, flagged; not one whose access an order ended', async () => {
    const { id } = await caseWithVictim(1990);
    expect((await call(otherSupervisor, 'GET', `/cases/${id}`)).statusCode).toBe(404);
    expect((await call(otherSupervisor, 'POST', `/cases/${id}/break-glass`, { reason: 'short' })).json().error.fields).toHaveProperty('reason');
    expect((await call(shelterWorker, 'POST', `/cases/${id}/break-glass`, { reason: 'Child in danger tonight' })).statusCode).toBe(403);
    const g = await call(otherSupervisor, 'POST', `/cases/${id}/break-glass`, { reason: 'Child in danger tonight' });
    expect(g.statusCode).toBe(200);
    const seen = await call(otherSupervisor, 'GET', `/cases/${id}`);
    expect(seen.json().summary.access).toBe('user_grant');
    expect((await call(otherSupervisor, 'POST', `/cases/${id}/notes`, { body: 'x' })).statusCode).toBe(403);
    const flagged = await t.db.selectFrom('auditLog').select('flagged').where('action', '=', 'access.break_glass').where('recordId', '=', id).executeTakeFirstOrThrow();
    expect(flagged.flagged).toBe(true);
    await call(worker, 'POST', `/cases/${id}/access-end`, { authority: 'prosecutor', orderedOn: '2026-01-15' });
    expect((await call(otherSupervisor, 'GET', `/cases/${id}`)).statusCode).toBe(404);
  });
});
