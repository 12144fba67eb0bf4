import crypto from 'node:crypto';
import { sql } from 'kysely';
import { openField, sealField } from '../../crypto/record-keys.ts';
import type { z } from 'zod';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { redact, scopesFor, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { dayIn, identificationDates } from '../../../domain/deadlines.ts';
import { calendarFor } from '../../../domain/country-profile.ts';
import type { CreateTaskBody, OverdueView, ReminderKind, TaskView } from '../../../shared/schemas/tasks.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { CASES } from '../cases/policy.ts';
import { CRIMINAL_CASES } from '../justice/policy.ts';
import type { ReferralPurpose } from '../../../shared/nrm.ts';
import { lockForCaseWrite } from '../cases/access.ts';
import { isAgencySupervisor } from './reassign.ts';

const taskColumns = (db: DbOrTx) =>
  db
    .selectFrom('caseTasks as k')
    .innerJoin('cases as c', 'c.id', 'k.caseId')
    .innerJoin('users as u', 'u.id', 'k.assignedUserId')
    .select(['k.id', 'k.caseId', 'c.caseNumber', 'k.titleEnc', 'k.dueAt', 'k.assignedUserId', 'u.name as assignedUserName', 'k.createdBy', 'k.createdAt', 'k.completedAt', 'k.completedBy', 'k.referralId', 'k.askedSections',
      sql<boolean>`k.completed_at IS NULL AND k.due_at < now()`.as('overdue')]);
type TaskRow = Awaited<ReturnType<ReturnType<typeof taskColumns>['execute']>>[number];

/** A task as shown: its title, sealed to the task at rest (docs/nrm.md, "Identity at rest"), opened. */
export const toTaskView = (p: Principal, { titleEnc, ...r }: TaskRow): TaskView =>
  redact(p, CASES, {
    ...r,
    title: openField('case_tasks', 'title', r.id, titleEnc) ?? '',
    dueAt: r.dueAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
    askedSections: r.askedSections as TaskView['askedSections'],
  }) as TaskView;

export const taskById = async (db: DbOrTx, p: Principal, taskId: string) => toTaskView(p, await taskColumns(db).where('k.id', '=', taskId).executeTakeFirstOrThrow());

export const caseTasksQuery = (db: DbOrTx, caseId: string) => taskColumns(db).where('k.caseId', '=', caseId).orderBy('k.completedAt', 'desc').orderBy('k.dueAt');
export const caseTasks = async (db: DbOrTx, p: Principal, caseId: string) => (await caseTasksQuery(db, caseId).execute()).map((r) => toTaskView(p, r));

export async function createTask(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof CreateTaskBody>) {
  return auditedTransaction(db, actor, async (tx) => {
    const { ownerAgencyId } = await lockForCaseWrite(tx, p, caseId);
    const assignee = body.assignedUserId ?? p.userId;
    const u = await tx.selectFrom('users').select(['agencyId', 'disabledAt']).where('id', '=', assignee).executeTakeFirst();
    if (!u || u.disabledAt || u.agencyId !== ownerAgencyId) throw badRequest('validation_failed', 'Tasks go to a user of the agency that owns the case', { assignedUserId: 'not a user of the owning agency' });
    const id = crypto.randomUUID();
    const row = await tx.insertInto('caseTasks').values({ id, caseId, titleEnc: sealField('case_tasks', 'title', id, body.title), dueAt: new Date(body.dueAt), assignedUserId: assignee, createdBy: p.userId }).returning('id').executeTakeFirstOrThrow();
    const view = toTaskView(p, (await taskColumns(tx).where('k.id', '=', row.id).executeTakeFirstOrThrow()));
    return { result: view, audit: { action: 'case.task_added', recordType: 'case', recordId: caseId, changes: { taskId: row.id, dueAt: view.dueAt, assignedUserId: assignee } } };
  });
}

export async function completeTask(db: Db, p: Principal, actor: AuditActor, caseId: string, taskId: string) {
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const k = await tx.selectFrom('caseTasks').select(['id', 'completedAt']).where('id', '=', taskId).where('caseId', '=', caseId).forUpdate().executeTakeFirst();
    if (!k) throw notFound('Task');
    if (k.completedAt) throw conflict('task_completed', 'The task is done already');
    await tx.updateTable('caseTasks').set({ completedAt: new Date(), completedBy: p.userId }).where('id', '=', taskId).execute();
    const view = toTaskView(p, (await taskColumns(tx).where('k.id', '=', taskId).executeTakeFirstOrThrow()));
    return { result: view, audit: { action: 'case.task_completed', recordType: 'case', recordId: caseId, changes: { taskId } } };
  });
}

/**
 * The user's own open tasks on cases whose tasks they may still see, soonest first: a sender left
 * with the summary of a case it transferred no longer sees the titles of its tasks.
 */
export async function myTasks(db: Db, p: Principal, overdueOnly: boolean, sort: 'due' | '-due' = 'due') {
  let q = taskColumns(db).where('k.assignedUserId', '=', p.userId).where('k.completedAt', 'is', null).where(visibleFilter(p, 'read', CASES, undefined, { section: 'tasks' })).where('c.accessEndedAt', 'is', null);
  if (overdueOnly) q = q.where('k.dueAt', '<', sql<Date>`now()`);
  const dir = sort === '-due' ? 'desc' : 'asc';
  return (await q.orderBy('k.dueAt', dir).orderBy('k.id', dir).limit(500).execute()).map((r) => toTaskView(p, r));
}

/**
 * Overdue work across the agencies a user oversees: a supervisor their agency's cases, a coordinator
 * (`reports:aggregate` with `referral:read:all`) every agency. Case numbers, agencies and due times
 * only: no personal data. A case an order ended access to is left out: nothing can be done on it, and
 * its number is for auditors and its agency's supervisors only.
 */
export async function overdue(db: Db, p: Principal): Promise<z.infer<typeof OverdueView>> {
  const all = p.permissions.has('reports:aggregate') && scopesFor(p, 'referral', 'read').has('all');
  const agencyWide = p.permissions.has('contacts:supervise') || p.permissions.has('cases:read_restricted');
  if (!all && !(agencyWide && scopesFor(p, 'case', 'read').has('agency'))) throw forbidden('The overdue view is for supervisors and coordinators');
  const mine = all ? null : p.agencyId;
  // Reassignment is within the agency that owns the case, by its supervisors (coordinators only look).
  const supervises = isAgencySupervisor(p);
  const reassign = (caseAgencyId: string, task: boolean): ('task' | 'case_worker' | 'referral_handler')[] =>
    supervises && caseAgencyId === p.agencyId ? (task ? ['task', 'case_worker'] : ['case_worker']) : [];
  // A referral waiting on the supervisor's own agency (as receiver) can be handed to one of its people.
  const handler = (toAgencyId: string): 'referral_handler'[] => (supervises && toAgencyId === p.agencyId ? ['referral_handler'] : []);
  const tasks = await db.selectFrom('caseTasks as k').innerJoin('cases as c', 'c.id', 'k.caseId').innerJoin('agencies as a', 'a.id', 'c.ownerAgencyId')
      .select(['k.id', 'k.caseId', 'c.caseNumber', 'c.ownerAgencyId as agencyId', 'a.name as agencyName', 'k.dueAt'])
      .where('k.completedAt', 'is', null).where('k.dueAt', '<', sql<Date>`now()`).where('c.accessEndedAt', 'is', null)
    .$if(mine !== null, (q) => q.where('c.ownerAgencyId', '=', mine!))
    .orderBy('k.dueAt').limit(500).execute();
  const referrals = await db.selectFrom('referrals as r').innerJoin('cases as c', 'c.id', 'r.caseId').innerJoin('agencies as a', 'a.id', 'r.toAgencyId')
      .select(['r.id', 'r.caseId', 'c.caseNumber', 'r.toAgencyId as agencyId', 'a.name as agencyName', 'r.answerDueAt as dueAt', 'r.fromAgencyId', 'c.ownerAgencyId', 'r.purpose', 'r.handlerUserId'])
      .where('r.status', '=', 'pending').where('r.answerDueAt', '<', sql<Date>`now()`).where('c.accessEndedAt', 'is', null)
    .$if(mine !== null, (q) => q.where((eb) => eb.or([eb('r.fromAgencyId', '=', mine!), eb('r.toAgencyId', '=', mine!)])))
    .orderBy('r.answerDueAt').limit(500).execute();
  const profile = await loadCountryProfile(db);
  const cal = calendarFor(profile);
  const today = dayIn(profile.timeZone, new Date());
  const waiting = await db.selectFrom('referrals as r').innerJoin('cases as c', 'c.id', 'r.caseId').innerJoin('agencies as a', 'a.id', 'r.toAgencyId')
      .select(['r.id', 'r.caseId', 'c.caseNumber', 'r.toAgencyId as agencyId', 'a.name as agencyName', 'r.sentAt', 'r.fromAgencyId', 'c.ownerAgencyId', 'r.handlerUserId'])
      .where('r.purpose', '=', 'identification').where('r.status', 'in', ['pending', 'accepted']).where('c.accessEndedAt', 'is', null)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM identification_decisions d WHERE d.case_id = r.case_id AND d.stage = 'reasonable_grounds')`)
    .$if(mine !== null, (q) => q.where((eb) => eb.or([eb('r.fromAgencyId', '=', mine!), eb('r.toAgencyId', '=', mine!)])))
    .limit(1000).execute();
  const rg = waiting
    .map((r) => ({ ...r, due: identificationDates(profile, cal, { referredOn: dayIn(profile.timeZone, r.sentAt) }).rgDueOn }))
    .filter((r) => today > r.due)
    .map((r) => ({ kind: 'reasonable_grounds' as const, id: r.id, caseId: r.caseId, caseNumber: r.caseNumber, agencyId: r.agencyId, agencyName: r.agencyName, dueAt: new Date(`${r.due}T23:59:59+04:00`).toISOString(), reassign: [...reassign(r.ownerAgencyId, false), ...handler(r.agencyId)], purpose: 'identification' as const, handlerUserId: r.handlerUserId }));
  const items = [
    ...tasks.map((r) => ({ kind: 'task' as const, id: r.id, caseId: r.caseId, caseNumber: r.caseNumber, agencyId: r.agencyId, agencyName: r.agencyName, dueAt: r.dueAt.toISOString(), reassign: reassign(r.agencyId, true) })),
    ...referrals.map((r) => ({ kind: 'referral' as const, id: r.id, caseId: r.caseId, caseNumber: r.caseNumber, agencyId: r.agencyId, agencyName: r.agencyName, dueAt: r.dueAt.toISOString(), reassign: [...reassign(r.ownerAgencyId, false), ...handler(r.agencyId)], purpose: r.purpose as ReferralPurpose, handlerUserId: r.handlerUserId })),
    ...rg,
  ].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return { counts: { task: tasks.length, referral: referrals.length, reasonable_grounds: rg.length }, items };
}

export async function myReminders(db: Db, p: Principal) {
  const rows = await db
    .selectFrom('reminders as m')
    .leftJoin('cases as c', 'c.id', 'm.caseId')
    // A criminal case's reminder (its investigation time limit) has no NRM case.
    .leftJoin('criminalCases as cc', 'cc.id', 'm.criminalCaseId')
    .select(['m.id', 'm.kind', 'm.subjectId', 'm.caseId', 'm.criminalCaseId', sql<string>`coalesce(c.case_number, cc.case_number)`.as('caseNumber'), 'm.dueAt', 'm.createdAt', 'm.readAt'])
    .where((eb) =>
      eb.or([
        // The agency's reminders; the user's own while they still reach the case or the referral (a user
        // moved to another agency no longer sees the case numbers of the old one).
        eb.and([
          eb('m.caseId', 'is not', null),
          eb('c.accessEndedAt', 'is', null),
          eb.or([
            eb('m.agencyId', '=', p.agencyId),
            eb.and([
              eb('m.userId', '=', p.userId),
              eb.or([visibleFilter(p, 'read', CASES), sql<boolean>`EXISTS (SELECT 1 FROM referrals rf WHERE rf.id = m.subject_id AND rf.to_agency_id = ${p.agencyId})`]),
            ]),
          ]),
        ]),
        // A criminal case's: to those of them who may read the case (need to know within the agency too).
        eb.and([
          eb('m.criminalCaseId', 'is not', null),
          eb.or([eb('m.agencyId', '=', p.agencyId), eb('m.userId', '=', p.userId)]),
          visibleFilter(p, 'read', CRIMINAL_CASES),
        ]),
      ]),
    )
    .orderBy('m.createdAt', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ ...r, kind: r.kind as ReminderKind, dueAt: r.dueAt.toISOString(), createdAt: r.createdAt.toISOString(), readAt: r.readAt?.toISOString() ?? null }));
}
