import type { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import { conflict } from '../../errors.ts';
import type { MailSettings } from '../../mail/outbox.ts';
import type { AssignReferralBody, ReferralView } from '../../../shared/schemas/referrals.ts';
import { checkAssignee, needsFor, notify, requireSupervisor } from '../tasks/reassign.ts';
import { lockReferral, refuseUnless, viewOf } from './service.ts';

/**
 * A supervisor of the receiving agency gives a pending or accepted referral to one of its people to
 * handle: an active user who can answer referrals (and, for an identification referral, decide on
 * identification). The handler is reminded at once (`referral_assigned`), and from then on the
 * overdue-answer and reasonable-grounds reminders go to them instead of the whole agency. Audited on
 * the case, the reason only in the audit log.
 */
export async function assignReferralHandler(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof AssignReferralBody>, mail: MailSettings | null): Promise<ReferralView> {
  requireSupervisor(p);
  return auditedTransaction(db, actor, async (tx) => {
    const r = await lockReferral(tx, p, id, 'receiver');
    refuseUnless(r, ['pending', 'accepted']);
    if (r.handlerUserId === body.handlerUserId) throw conflict('already_assigned', 'This user handles the referral already', { handlerUserId: 'already the handler' });
    await checkAssignee(tx, 'handlerUserId', r.toAgencyId, body.handlerUserId, ...needsFor(r.purpose === 'identification' ? 'identification_handler' : 'referral_handler'));
    await tx.updateTable('referrals').set({ handlerUserId: body.handlerUserId, updatedAt: new Date() }).where('id', '=', id).execute();
    const emailsQueued = await notify(tx, mail, { kind: 'referral_assigned', subjectId: id, caseId: r.caseId, userId: body.handlerUserId, dueAt: r.status === 'pending' ? r.answerDueAt : new Date() });
    return {
      result: await viewOf(tx, p, id),
      audit: {
        action: 'case.referral_handler_assigned',
        recordType: 'case',
        recordId: r.caseId,
        changes: { referralId: id, handlerUserId: { old: r.handlerUserId, new: body.handlerUserId }, emailsQueued, ...(body.reason ? { reason: body.reason } : {}) },
      },
    };
  });
}
