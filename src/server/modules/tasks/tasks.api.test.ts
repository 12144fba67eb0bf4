import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { sweepReminders } from '../../jobs/reminders.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let authority: string;
let worker: Session & { id: string };
let colleague: Session & { id: string };
let supervisor: Session & { id: string };
let outsider: Session & { id: string };
let officer: Session & { id: string };
let coordinator: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  authority = (await makeAgency(t.db, { type: 'police' })).id;
  worker = await user(['case_worker'], ngo);
  colleague = await user(['case_worker'], ngo);
  supervisor = await user(['supervisor'], ngo);
  outsider = await user(['supervisor'], (await makeAgency(t.db)).id);
  officer = await user(['identification_officer'], authority);
  coordinator = await user(['coordinator'], (await makeAgency(t.db, { type: 'coordinator' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

describe('tasks', () => {
  it('are added with a due time for a user of the owning agency, listed as overdue, done once', async () => {
    const id = (await call(worker, 'POST', '/cases', {})).json().id;
    const late = await call(worker, 'POST', `/cases/${id}/tasks`, { title: 'Call the shelter', dueAt: hours(-2), assignedUserId: colleague.id });
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ assignedUserId: colleague.id, overdue: true, completedAt: null });
    await call(worker, 'POST', `/cases/${id}/tasks`, { title: 'Book an interpreter', dueAt: hours(48) });
    expect((await call(worker, 'POST', `/cases/${id}/tasks`, { title: 'x', dueAt: hours(1), assignedUserId: outsider.id })).json().error.fields).toEqual({ assignedUserId: 'not a user of the owning agency' });
    expect((await call(worker, 'POST', `/cases/${id}/tasks`, { title: '', dueAt: 'tomorrow' })).json().error.fields).toHaveProperty('dueAt');
    expect((await call(colleague, 'GET', '/tasks?overdue=true')).json().items.map((x: { id: string }) => x.id)).toEqual([late.json().id]);
    const page = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(page.tasks).toHaveLength(2);
    const done = await call(colleague, 'POST', `/cases/${id}/tasks/${late.json().id}/complete`);
    expect(done.json()).toMatchObject({ completedBy: colleague.id, overdue: false });
    expect((await call(colleague, 'POST', `/cases/${id}/tasks/${late.json().id}/complete`)).json().error.code).toBe('task_completed');
    expect((await call(outsider, 'POST', `/cases/${id}/tasks`, { title: 'x', dueAt: hours(1) })).statusCode).toBe(404);
  });
});

describe('reminders and the overdue view', () => {
  it('the worker reminds once per thing; supervisors see their agency\'s overdue work, coordinators everyone\'s, others nothing', async () => {
    const id = (await call(worker, 'POST', '/cases', {})).json().id;
    const task = (await call(worker, 'POST', `/cases/${id}/tasks`, { title: 'Follow up', dueAt: hours(3) })).json();
    const personId = (await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Nərmin' }, birthYear: 1990 } })).json().personId;
    await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: authority, purpose: 'identification', givenOn: '2026-01-01', form: 'written' });
    const r = (await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] })).json();
    await t.db.updateTable('referrals').set({ sentAt: new Date(Date.now() - 20 * 86_400_000), answerDueAt: new Date(Date.now() - 86_400_000) }).where('id', '=', r.id).execute();

    const first = await sweepReminders(t.db);
    expect(first.created).toBeGreaterThanOrEqual(3);
    expect((await sweepReminders(t.db)).created).toBe(0);
    const mine = (await call(worker, 'GET', '/reminders')).json().items;
    expect(mine.filter((m: { subjectId: string }) => m.subjectId === task.id).map((m: { kind: string }) => m.kind)).toEqual(['task_due']);
    const theirs = (await call(officer, 'GET', '/reminders')).json().items.filter((m: { subjectId: string }) => m.subjectId === r.id);
    expect(theirs.map((m: { kind: string }) => m.kind).sort()).toEqual(['referral_overdue', 'rg_overdue']);
    expect((await call(officer, 'POST', `/reminders/${theirs[0].id}/read`)).statusCode).toBe(200);
    expect((await call(outsider, 'POST', `/reminders/${theirs[0].id}/read`)).statusCode).toBe(404);

    await t.db.updateTable('caseTasks').set({ dueAt: new Date(Date.now() - 60_000) }).where('id', '=', task.id).execute();
    const sup = (await call(supervisor, 'GET', '/oversight/overdue')).json();
    expect(sup.items.filter((i: { caseId: string }) => i.caseId === id).map((i: { kind: string }) => i.kind).sort()).toEqual(['reasonable_grounds', 'referral', 'task']);
    expect(JSON.stringify(sup)).not.toContain('Nərmin');
    const coord = (await call(coordinator, 'GET', '/oversight/overdue')).json();
    expect(coord.items.filter((i: { caseId: string }) => i.caseId === id)).toHaveLength(3);
    expect((await call(outsider, 'GET', '/oversight/overdue')).json().items.filter((i: { caseId: string }) => i.caseId === id)).toEqual([]);
    expect((await call(worker, 'GET', '/oversight/overdue')).statusCode).toBe(403);
  });
});
