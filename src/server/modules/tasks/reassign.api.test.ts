import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let worker: Session & { id: string };
let colleague: Session & { id: string };
let operator: Session & { id: string };
let gone: Session & { id: string };
let supervisor: Session & { id: string };
let outsider: Session & { id: string };
let coordinator: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  worker = await user(['case_worker'], ngo);
  colleague = await user(['case_worker'], ngo);
  operator = await user(['operator'], ngo);
  gone = await user(['case_worker'], ngo);
  await t.db.updateTable('users').set({ disabledAt: new Date() }).where('id', '=', gone.id).execute();
  supervisor = await user(['supervisor'], ngo);
  outsider = await user(['supervisor'], (await makeAgency(t.db)).id);
  coordinator = await user(['coordinator'], (await makeAgency(t.db, { type: 'coordinator' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const ids = (items: { id: string }[]) => items.map((i) => i.id);

async function caseWithOverdueTask() {
  const caseId = (await call(worker, 'POST', '/cases', {})).json().id as string;
  const task = (await call(worker, 'POST', `/cases/${caseId}/tasks`, { title: 'Call the shelter', dueAt: hours(-2) })).json();
  return { caseId, taskId: task.id as string };
}

describe('a supervisor reassigns an overdue task within the agency', () => {
  it('from the overdue list to a colleague, who sees it and is reminded; audited on the case timeline', async () => {
    const { caseId, taskId } = await caseWithOverdueTask();
    const row = (await call(supervisor, 'GET', '/oversight/overdue')).json().items.find((i: { id: string }) => i.id === taskId);
    expect(row).toMatchObject({ kind: 'task', caseId, reassign: ['task', 'case_worker'] });
    const pick = (await call(supervisor, 'GET', '/oversight/assignees?for=task')).json().items;
    expect(ids(pick)).toEqual(expect.arrayContaining([worker.id, colleague.id, supervisor.id]));
    expect(ids(pick)).not.toContain(gone.id); // disabled
    expect(ids(pick)).not.toContain(operator.id); // cannot read the agency's cases
    expect(ids(pick)).not.toContain(outsider.id);

    const res = await call(supervisor, 'POST', `/cases/${caseId}/tasks/${taskId}/reassign`, { assignedUserId: colleague.id, reason: 'Leyla is on leave' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: taskId, assignedUserId: colleague.id, overdue: true });
    expect(ids((await call(colleague, 'GET', '/tasks')).json().items)).toContain(taskId);
    expect(ids((await call(worker, 'GET', '/tasks')).json().items)).not.toContain(taskId);
    const notices = (await call(colleague, 'GET', '/reminders')).json().items.filter((m: { subjectId: string }) => m.subjectId === taskId);
    expect(notices.map((m: { kind: string }) => m.kind)).toEqual(['task_assigned']);

    const page = (await call(worker, 'GET', `/cases/${caseId}`)).json();
    const entry = page.timeline.find((e: { action: string }) => e.action === 'case.task_reassigned');
    expect(entry.detail).toEqual({ taskId, assignedUserId: { old: worker.id, new: colleague.id } });
    expect(JSON.stringify(entry)).not.toContain('on leave'); // the reason is audited, not shown
    const audit = await t.db.selectFrom('auditLog').select(['changes', 'actorUserId']).where('action', '=', 'case.task_reassigned').where('recordId', '=', caseId).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actorUserId: supervisor.id, changes: { reason: { changed: true } } });

    // A second reassignment notifies again (one notice per reassignment).
    await call(supervisor, 'POST', `/cases/${caseId}/tasks/${taskId}/reassign`, { assignedUserId: worker.id });
    expect((await call(worker, 'GET', '/reminders')).json().items.filter((m: { subjectId: string; kind: string }) => m.subjectId === taskId && m.kind === 'task_assigned')).toHaveLength(1);
    expect((await call(supervisor, 'POST', `/cases/${caseId}/tasks/${taskId}/reassign`, { assignedUserId: worker.id })).json().error.code).toBe('already_assigned');
  });

  it('refuses: another agency\'s user (400 naming the field), an inactive user, a non-supervisor (403), a case not visible (404), a done task (409)', async () => {
    const { caseId, taskId } = await caseWithOverdueTask();
    const to = (s: Session, body: unknown) => call(s, 'POST', `/cases/${caseId}/tasks/${taskId}/reassign`, body);
    const other = await to(supervisor, { assignedUserId: outsider.id });
    expect(other.statusCode).toBe(400);
    expect(other.json().error).toMatchObject({ code: 'validation_failed', fields: { assignedUserId: 'not a user of the owning agency' } });
    expect((await to(supervisor, { assignedUserId: gone.id })).json().error.fields).toEqual({ assignedUserId: 'not an active user' });
    expect((await to(supervisor, { assignedUserId: operator.id })).json().error.fields).toEqual({ assignedUserId: 'cannot read the agency\'s cases' });
    expect((await to(supervisor, { assignedUserId: 'nobody' })).json().error.fields).toHaveProperty('assignedUserId');
    expect((await to(worker, { assignedUserId: colleague.id })).statusCode).toBe(403);
    expect((await to(coordinator, { assignedUserId: colleague.id })).statusCode).toBe(403);
    expect((await to(outsider, { assignedUserId: colleague.id })).statusCode).toBe(404);
    expect((await call(supervisor, 'POST', `/cases/${caseId}/tasks/${caseId}/reassign`, { assignedUserId: colleague.id })).statusCode).toBe(404);
    await call(worker, 'POST', `/cases/${caseId}/tasks/${taskId}/complete`);
    const done = await to(supervisor, { assignedUserId: colleague.id });
    expect([done.statusCode, done.json().error.code]).toEqual([409, 'task_completed']);
    // Nothing was changed by the refusals.
    const row = await t.db.selectFrom('caseTasks').select('assignedUserId').where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(row.assignedUserId).toBe(worker.id);
    expect(await t.db.selectFrom('reminders').select('id').where('subjectId', '=', taskId).where('kind', '=', 'task_assigned').execute()).toEqual([]);
  });

  it('coordinators see every agency\'s overdue work but are offered no reassignment; other agencies\' supervisors see none of it', async () => {
    const { taskId } = await caseWithOverdueTask();
    const row = (await call(coordinator, 'GET', '/oversight/overdue')).json().items.find((i: { id: string }) => i.id === taskId);
    expect(row).toMatchObject({ kind: 'task', reassign: [] });
    expect((await call(coordinator, 'GET', '/oversight/assignees')).statusCode).toBe(403);
    expect((await call(worker, 'GET', '/oversight/assignees')).statusCode).toBe(403);
    expect(ids((await call(outsider, 'GET', '/oversight/overdue')).json().items)).not.toContain(taskId);
  });
});

describe('a supervisor reassigns the case worker', () => {
  it('to a user of the owning agency who works cases; the new case worker is reminded; audited', async () => {
    const caseId = (await call(worker, 'POST', '/cases', {})).json().id as string;
    expect(ids((await call(supervisor, 'GET', '/oversight/assignees?for=case_worker')).json().items)).not.toContain(operator.id);
    const res = await call(supervisor, 'POST', `/cases/${caseId}/reassign`, { ownerUserId: colleague.id });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ caseId, ownerUserId: colleague.id, ownerUserName: expect.any(String) });
    expect((await call(colleague, 'GET', `/cases?mine=true`)).json().items.map((c: { id: string }) => c.id)).toContain(caseId);
    expect((await call(colleague, 'GET', '/reminders')).json().items.filter((m: { subjectId: string }) => m.subjectId === caseId).map((m: { kind: string }) => m.kind)).toEqual(['case_assigned']);
    const page = (await call(colleague, 'GET', `/cases/${caseId}`)).json();
    expect(page.timeline.find((e: { action: string }) => e.action === 'case.worker_reassigned').detail).toEqual({ ownerUserId: { old: worker.id, new: colleague.id } });
  });

  it('refuses another agency\'s user, an inactive user, one who cannot work cases, a non-supervisor and a case not visible', async () => {
    const caseId = (await call(worker, 'POST', '/cases', {})).json().id as string;
    const to = (s: Session, ownerUserId: string) => call(s, 'POST', `/cases/${caseId}/reassign`, { ownerUserId });
    expect((await to(supervisor, outsider.id)).json().error.fields).toEqual({ ownerUserId: 'not a user of the owning agency' });
    expect((await to(supervisor, gone.id)).json().error.fields).toEqual({ ownerUserId: 'not an active user' });
    expect((await to(supervisor, operator.id)).json().error.fields).toEqual({ ownerUserId: 'cannot work on cases' });
    expect((await to(worker, colleague.id)).statusCode).toBe(403);
    expect((await to(outsider, colleague.id)).statusCode).toBe(404);
    expect((await t.db.selectFrom('cases').select('ownerUserId').where('id', '=', caseId).executeTakeFirstOrThrow()).ownerUserId).toBe(worker.id);
  });
});
