import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

/**
 * After a transfer the sender keeps the case's summary and referrals, not its tasks: `GET /tasks`
 * lists a task only to who may see the case's tasks section (the tasks visibility filter).
 */

let t: TestApp;
let ngo: string;
let shelter: string;
let worker: Session & { id: string };
let shelterWorker: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const myTasks = async (s: Session, q = '') => ((await call(s, 'GET', `/tasks${q}`)).json().items as { id: string; title?: string }[]).map((k) => k.id);

describe('tasks after a transfer', () => {
  it('are no longer listed to the sender, who keeps only the summary and referrals', async () => {
    const id = (await call(worker, 'POST', '/cases', {})).json().id as string;
    const personId = (await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Samirə', familyName: 'Novruzova' }, birthYear: 1994 } })).json().personId as string;
    const task = (await call(worker, 'POST', `/cases/${id}/tasks`, { title: 'Accompany her to the hearing', dueAt: new Date(Date.now() + 86_400_000).toISOString() })).json().id as string;
    const late = (await call(worker, 'POST', `/cases/${id}/tasks`, { title: 'Collect the medical report', dueAt: new Date(Date.now() + 86_400_000).toISOString() })).json().id as string;
    await t.db.updateTable('caseTasks').set({ dueAt: new Date(Date.now() - 3_600_000) }).where('id', '=', late).execute();
    expect(await myTasks(worker)).toEqual(expect.arrayContaining([task, late]));
    expect(await myTasks(worker, '?overdue=true')).toContain(late);

    await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'case_transfer', givenOn: '2026-01-02', form: 'written' });
    const r = (await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'case_transfer', sections: ['summary', 'people', 'tasks'] })).json();
    expect((await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {})).statusCode).toBe(200);

    expect((await call(worker, 'GET', `/cases/${id}`)).json().sections).toEqual(['referrals', 'summary']);
    expect(await myTasks(worker)).not.toContain(task);
    expect(await myTasks(worker)).not.toContain(late);
    expect(await myTasks(worker, '?overdue=true')).not.toContain(late);
  });
});
