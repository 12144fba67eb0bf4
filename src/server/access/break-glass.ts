import type { Db } from '../db/database.ts';
import { auditedTransaction } from '../audit/audit.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { endedReadable, requirePermission, type ResourceDef } from './policy.ts';
import { actorOf, type Principal } from './principal.ts';
import { insertGrant, loadRecordFacts } from './repository.ts';

export const BREAK_GLASS_HOURS = 4;
export const BREAK_GLASS_REASON_MIN = 10;

/**
 * An emergency read of a record the user's scopes do not reach: needs the `break_glass` permission
 * and a reason, opens every section to this user alone for a few hours, and is flagged to auditors.
 * The grant and its flagged entry commit together or not at all. A record an order ended access to
 * is refused (404, or 409 `access_ended` to those who may still read it).
 */
export async function breakGlass(
  db: Db,
  p: Principal,
  res: ResourceDef,
  recordId: string,
  reason: string,
  requestId?: string,
): Promise<{ grantId: string; expiresAt: Date }> {
  requirePermission(p, 'break_glass');
  const why = reason.trim();
  if (why.length < BREAK_GLASS_REASON_MIN)
    throw badRequest('validation_failed', 'Give the reason for this emergency access', { reason: `at least ${BREAK_GLASS_REASON_MIN} characters` });
  return auditedTransaction(db, actorOf(p, requestId), async (tx) => {
    const facts = await loadRecordFacts(tx, res, recordId);
    if (!facts) throw notFound();
    // An order ended access: no emergency opens it. Those who may still read it are told why; to
    // anyone else it does not exist.
    if (facts.accessEnded) {
      if (endedReadable(p, 'read', facts.ownerAgencyId)) throw conflict('access_ended', 'Access to this record was ended by an order');
      throw notFound();
    }
    const grant = await insertGrant(tx, {
      recordType: res.recordType,
      recordId,
      granteeAgencyId: null,
      granteeUserId: p.userId,
      sections: res.sections,
      kind: 'break_glass',
      reason: why,
      grantedBy: p.userId,
      hours: BREAK_GLASS_HOURS,
    });
    const expiresAt = grant.expiresAt!;
    return {
      result: { grantId: grant.id, expiresAt },
      audit: {
        action: 'access.break_glass',
        recordType: res.recordType,
        recordId,
        purpose: why,
        flagged: true,
        changes: { grantId: grant.id, expiresAt: expiresAt.toISOString() },
      },
    };
  });
}
