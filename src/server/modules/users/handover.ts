import { sql } from 'kysely';
import type { Tx } from '../../db/database.ts';
import type { AuditEntry } from '../../audit/audit.ts';
import { CLOSED_CASE_STATUSES } from '../../../shared/nrm.ts';
import type { UserHandover } from '../../../shared/schemas/admin.ts';
import { notify } from '../tasks/reassign.ts';

/** Contacts still being worked (not completed or abandoned). */
const OPEN_CONTACT_STATUSES = ['new', 'ringing', 'in_progress', 'wrap_up'] as const;

/**
 * Who takes a moved user's open work: an active supervisor of the old agency (oversight, with
 * `contacts:supervise` or `cases:read_restricted`, and changing the agency's cases), the longest in
 * Pathway first; none when the agency has no other.
 */
async function agencySupervisor(tx: Tx, agencyId: string, except: string) {
  return tx
    .selectFrom('users as u')
    .select(['u.id', 'u.name'])
    .where('u.agencyId', '=', agencyId)
    .where('u.id', '<>', except)
    .where('u.disabledAt', 'is', null)
    .where('u.isServiceAccount', '=', false)
    .where(sql<boolean>`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.code = ur.role_code
      WHERE ur.user_id = u.id AND 'case:update:agency' = ANY (r.permissions))`)
    .where(sql<boolean>`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.code = ur.role_code
      WHERE ur.user_id = u.id AND r.permissions && ARRAY['contacts:supervise', 'cases:read_restricted']::text[])`)
    .orderBy('u.createdAt')
    .orderBy('u.id')
    .executeTakeFirst();
}

/**
 * A user moved out of `oldAgencyId` leaves the agency's records behind (the "own" scope holds only
 * in the user's agency), so their open work there goes to the agency's supervisor, in the caller's
 * transaction: the open cases they are case worker of (not those an order ended access to), their open
 * tasks on the agency's cases, the contacts assigned to them still being worked, and the referrals
 * to the agency they handle. Every change is an audit entry on its record (the case timeline shows
 * it as a reassignment) and the supervisor gets a reminder for each case and task. Without a
 * supervisor, cases, contacts and referrals are left to the agency (no one named) and tasks stay
 * where they are, for the agency to reassign; the answer says so (`toUserId: null`).
 */
export async function handOverWork(tx: Tx, userId: string, oldAgencyId: string): Promise<{ handover: UserHandover; audit: AuditEntry[] }> {
  const to = await agencySupervisor(tx, oldAgencyId, userId);
  const toUserId = to?.id ?? null;
  const reason = 'user moved to another agency';
  const audit: AuditEntry[] = [];
  const now = new Date();

  const cases = await tx
    .updateTable('cases')
    .set({ ownerUserId: toUserId, updatedAt: now })
    .where('ownerUserId', '=', userId)
    .where('ownerAgencyId', '=', oldAgencyId)
    .where('status', 'not in', [...CLOSED_CASE_STATUSES])
    .where('accessEndedAt', 'is', null)
    .returning(['id'])
    .execute();
  for (const c of cases) {
    audit.push({ action: 'case.worker_reassigned', recordType: 'case', recordId: c.id, changes: { ownerUserId: { old: userId, new: toUserId }, reason } });
    if (toUserId) await notify(tx, null, { kind: 'case_assigned', subjectId: c.id, caseId: c.id, userId: toUserId, dueAt: now });
  }

  const tasks = toUserId
    ? await tx
        .updateTable('caseTasks as k')
        .set({ assignedUserId: toUserId })
        .from('cases as c')
        .whereRef('c.id', '=', 'k.caseId')
        .where('k.assignedUserId', '=', userId)
        .where('k.completedAt', 'is', null)
        .where('c.ownerAgencyId', '=', oldAgencyId)
        .where('c.accessEndedAt', 'is', null)
        .returning(['k.id', 'k.caseId', 'k.dueAt'])
        .execute()
    : [];
  for (const k of tasks) {
    audit.push({ action: 'case.task_reassigned', recordType: 'case', recordId: k.caseId, changes: { taskId: k.id, assignedUserId: { old: userId, new: toUserId }, reason } });
    await notify(tx, null, { kind: 'task_assigned', subjectId: k.id, caseId: k.caseId, userId: toUserId!, dueAt: k.dueAt });
  }

  const contacts = await tx
    .updateTable('contacts')
    .set({ assignedUserId: toUserId, updatedAt: now })
    .where('assignedUserId', '=', userId)
    .where('ownerAgencyId', '=', oldAgencyId)
    .where('status', 'in', [...OPEN_CONTACT_STATUSES])
    .returning(['id'])
    .execute();
  for (const c of contacts)
    audit.push({ action: 'contact.reassigned', recordType: 'contact', recordId: c.id, changes: { assignedUserId: { old: userId, new: toUserId }, reason } });

  const referrals = await tx
    .updateTable('referrals')
    .set({ handlerUserId: toUserId, updatedAt: now })
    .where('handlerUserId', '=', userId)
    .where('toAgencyId', '=', oldAgencyId)
    .where('status', 'in', ['pending', 'accepted'])
    .returning(['id', 'caseId'])
    .execute();
  for (const r of referrals)
    audit.push({ action: 'case.referral_handler_assigned', recordType: 'case', recordId: r.caseId, changes: { referralId: r.id, handlerUserId: { old: userId, new: toUserId }, reason } });

  return {
    handover: {
      fromAgencyId: oldAgencyId,
      toUserId,
      toUserName: to?.name ?? null,
      caseIds: cases.map((c) => c.id),
      taskIds: tasks.map((k) => k.id),
      contactIds: contacts.map((c) => c.id),
      referralIds: referrals.map((r) => r.id),
    },
    audit,
  };
}
