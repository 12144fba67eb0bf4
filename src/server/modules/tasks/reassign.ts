import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import type { MailSettings } from '../../mail/outbox.ts';
import { enqueueReminderMails } from '../../mail/reminder-mail.ts';
import type { Permission } from '../../../shared/roles.ts';
import type { AssigneeView, CaseWorkerView, ReassignCaseBody, ReassignTaskBody } from '../../../shared/schemas/tasks.ts';
import { lockForCaseWrite } from '../cases/access.ts';
import { taskById } from './service.ts';

export type AssignFor = 'task' | 'case_worker' | 'referral_handler' | 'identification_handler';

/**
 * A supervisor of an agency: the overdue view's agency-wide oversight (`contacts:supervise` or
 * `cases:read_restricted`) together with changing the agency's cases. Coordinators see every agency's
 * overdue work but hold neither, so they reassign nothing unless they are also a supervisor, and then
 * only in their own agency: reassignment is always within the agency that owns the case.
 */
export const isAgencySupervisor = (p: Principal): boolean =>
  (p.permissions.has('contacts:supervise') || p.permissions.has('cases:read_restricted')) && scopesFor(p, 'case', 'update').has('agency');

export function requireSupervisor(p: Principal): void {
  if (!isAgencySupervisor(p)) throw forbidden('Reassigning is for the supervisors of the agency');
}

/** What a user needs to take the work: a task on the agency's case shows only to who reads the agency's cases. */
const NEEDS: Record<AssignFor, readonly Permission[]> = {
  task: ['case:read:agency', 'case:read:all'],
  case_worker: ['case:update:agency', 'case:update:own'],
  // A referral to the agency is answered through its grant (or by who may answer any).
  referral_handler: ['referral:update:granted', 'referral:update:all'],
  identification_handler: ['identification:decide'],
};

const withPermissions = (tx: Db | Tx) =>
  tx
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.agencyId', 'u.disabledAt', 'u.isServiceAccount',
      sql<string[]>`ARRAY(SELECT DISTINCT unnest(r.permissions) FROM user_roles ur JOIN roles r ON r.code = ur.role_code WHERE ur.user_id = u.id)`.as('permissions')]);

/** What each kind of work needs: an identification referral's handler answers it and decides on it. */
export const needsFor = (what: AssignFor): AssignFor[] => (what === 'identification_handler' ? ['referral_handler', 'identification_handler'] : [what]);

const CANNOT: Record<AssignFor, string> = {
  task: 'cannot read the agency\'s cases',
  case_worker: 'cannot work on cases',
  referral_handler: 'cannot answer referrals',
  identification_handler: 'cannot decide on identification',
};

/**
 * The new assignee must be an active person of the agency that holds the work (the case's owner; for
 * a referral, the receiving agency) who can do it (every need in `needs`); refusals name the field.
 */
export async function checkAssignee(tx: Tx, field: string, agencyId: string, userId: string, ...needs: AssignFor[]) {
  const u = await withPermissions(tx).where('u.id', '=', userId).executeTakeFirst();
  const refuse = (why: string) => badRequest('validation_failed', 'This user cannot take the work', { [field]: why });
  if (!u || u.agencyId !== agencyId) throw refuse(needs.some((n) => n.endsWith('_handler')) ? 'not a user of the receiving agency' : 'not a user of the owning agency');
  if (u.disabledAt || u.isServiceAccount) throw refuse('not an active user');
  const missing = needs.find((need) => !NEEDS[need].some((perm) => u.permissions.includes(perm)));
  if (missing) throw refuse(CANNOT[missing]);
  return u;
}

async function lockOwnAgencyCase(tx: Tx, p: Principal, caseId: string) {
  const access = await lockForCaseWrite(tx, p, caseId);
  if (access.ownerAgencyId !== p.agencyId) throw forbidden('Reassignment is only within your own agency');
  return access;
}

/** The notice to the new assignee: a reminder (and its e-mails), one per reassignment. */
export async function notify(tx: Tx, mail: MailSettings | null, r: { kind: 'task_assigned' | 'case_assigned' | 'referral_assigned'; subjectId: string; caseId: string; userId: string; dueAt: Date }) {
  const row = await tx.insertInto('reminders').values(r).returning('id').executeTakeFirstOrThrow();
  return mail ? enqueueReminderMails(tx, mail, [row.id]) : 0;
}

/** A supervisor gives an open task to another active user of the agency that owns the case. */
export async function reassignTask(db: Db, p: Principal, actor: AuditActor, caseId: string, taskId: string, body: z.infer<typeof ReassignTaskBody>, mail: MailSettings | null) {
  requireSupervisor(p);
  return auditedTransaction(db, actor, async (tx) => {
    const { ownerAgencyId } = await lockOwnAgencyCase(tx, p, caseId);
    const k = await tx.selectFrom('caseTasks').select(['id', 'assignedUserId', 'completedAt', 'dueAt']).where('id', '=', taskId).where('caseId', '=', caseId).forUpdate().executeTakeFirst();
    if (!k) throw notFound('Task');
    if (k.completedAt) throw conflict('task_completed', 'The task is done already');
    if (k.assignedUserId === body.assignedUserId) throw conflict('already_assigned', 'The task is assigned to this user already', { assignedUserId: 'already assigned to this user' });
    await checkAssignee(tx, 'assignedUserId', ownerAgencyId, body.assignedUserId, 'task');
    await tx.updateTable('caseTasks').set({ assignedUserId: body.assignedUserId }).where('id', '=', taskId).execute();
    const emailsQueued = await notify(tx, mail, { kind: 'task_assigned', subjectId: taskId, caseId, userId: body.assignedUserId, dueAt: k.dueAt });
    return {
      result: await taskById(tx, p, taskId),
      audit: {
        action: 'case.task_reassigned',
        recordType: 'case',
        recordId: caseId,
        changes: { taskId, assignedUserId: { old: k.assignedUserId, new: body.assignedUserId }, emailsQueued, ...(body.reason ? { reason: body.reason } : {}) },
      },
    };
  });
}

/** A supervisor makes another user of the owning agency, one who works cases, the case worker responsible. */
export async function reassignCaseWorker(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof ReassignCaseBody>, mail: MailSettings | null): Promise<z.infer<typeof CaseWorkerView>> {
  requireSupervisor(p);
  return auditedTransaction(db, actor, async (tx) => {
    const { ownerAgencyId } = await lockOwnAgencyCase(tx, p, caseId);
    const c = await tx.selectFrom('cases').select(['caseNumber', 'ownerUserId']).where('id', '=', caseId).executeTakeFirstOrThrow();
    if (c.ownerUserId === body.ownerUserId) throw conflict('already_assigned', 'This user is the case worker already', { ownerUserId: 'already the case worker' });
    const u = await checkAssignee(tx, 'ownerUserId', ownerAgencyId, body.ownerUserId, 'case_worker');
    const now = new Date();
    await tx.updateTable('cases').set({ ownerUserId: body.ownerUserId, updatedAt: now }).where('id', '=', caseId).execute();
    const emailsQueued = await notify(tx, mail, { kind: 'case_assigned', subjectId: caseId, caseId, userId: body.ownerUserId, dueAt: now });
    return {
      result: { caseId, caseNumber: c.caseNumber, ownerUserId: body.ownerUserId, ownerUserName: u.name },
      audit: {
        action: 'case.worker_reassigned',
        recordType: 'case',
        recordId: caseId,
        changes: { ownerUserId: { old: c.ownerUserId, new: body.ownerUserId }, emailsQueued, ...(body.reason ? { reason: body.reason } : {}) },
      },
    };
  });
}

/** The people a supervisor may pick: active users of their own agency who can take the work, by name. */
export async function assignees(db: Db, p: Principal, need: AssignFor): Promise<z.infer<typeof AssigneeView>[]> {
  requireSupervisor(p);
  const rows = await withPermissions(db).where('u.agencyId', '=', p.agencyId).where('u.disabledAt', 'is', null).where('u.isServiceAccount', '=', false).orderBy('u.name').limit(1000).execute();
  const needs = needsFor(need);
  return rows.filter((u) => needs.every((n) => NEEDS[n].some((perm) => u.permissions.includes(perm)))).map((u) => ({ id: u.id, name: u.name }));
}
