import type { Db } from '../db/database.ts';
import { auditedTransaction } from '../audit/audit.ts';
import { badRequest, notFound } from '../errors.ts';
import { requirePermission, type ResourceDef } from './policy.ts';
import { actorOf, type Principal } from './principal.ts';
import type { Tx } from '../db/database.ts';

export const BREAK_GLASS_HOURS = 4;

/**
 * An emergency read of a record the user's scopes do not reach: needs the `break_glass` permission
 * and a reason, opens every section to this user alone for a few hours, and is flagged to auditors.
 */
export async function breakGlass(
  db: Db,
  p: Principal,
  res: ResourceDef,
  recordId: string,
  reason: string,
  recordExists: (tx: Tx, id: string) => Promise<boolean>,
  requestId?: string,
): Promise<{ grantId: string; expiresAt: Date }> {
  requirePermission(p, 'break_glass');
  if (reason.trim().length < 10) throw badRequest('validation_failed', 'Give the reason for this emergency access', { reason: 'at least 10 characters' });
  return auditedTransaction(db, actorOf(p, requestId), async (tx) => {
    if (!(await recordExists(tx, recordId))) throw notFound();
    const expiresAt = new Date(Date.now() + BREAK_GLASS_HOURS * 3600_000);
    const grant = await tx
      .insertInto('accessGrants')
      .values({
        recordType: res.recordType,
        recordId,
        granteeUserId: p.userId,
        sections: [...res.sections],
        kind: 'break_glass',
        reason: reason.trim(),
        grantedBy: p.userId,
        expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return {
      result: { grantId: grant.id, expiresAt },
      audit: {
        action: 'access.break_glass',
        recordType: res.recordType,
        recordId,
        purpose: reason.trim(),
        flagged: true,
        changes: { grantId: grant.id, expiresAt: expiresAt.toISOString() },
      },
    };
  });
}
