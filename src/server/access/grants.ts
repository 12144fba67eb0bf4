import type { Tx } from '../db/database.ts';
import { appendAudit, type AuditActor } from '../audit/audit.ts';
import { badRequest, notFound } from '../errors.ts';
import type { ResourceDef } from './policy.ts';
import { insertGrant, loadRecordFacts, markGrantRevoked } from './repository.ts';

export type GrantRequest = {
  recordId: string;
  grantee: { agencyId: string } | { userId: string };
  /** Need-to-know: the sections of the record the grantee may see; each must be one of `res.sections`. */
  sections: readonly string[];
  kind: 'referral' | 'share';
  reason?: string;
  /** Null or absent: until revoked. */
  hours?: number | null;
};

/**
 * Opens the named sections of one record to another agency (or one user), in the caller's
 * transaction and audited there. Whether the actor may share the record is the calling module's
 * policy; this only checks that the grant itself makes sense.
 */
export async function grantAccess(
  tx: Tx,
  actor: AuditActor,
  res: ResourceDef,
  req: GrantRequest,
): Promise<{ grantId: string }> {
  const unknown = req.sections.filter((s) => !res.sections.includes(s));
  if (req.sections.length === 0 || unknown.length > 0)
    throw badRequest('validation_failed', 'Name the sections to share', {
      sections: unknown.length > 0 ? `unknown sections: ${unknown.join(', ')}` : 'at least one section',
    });
  if (req.hours !== undefined && req.hours !== null && !(req.hours > 0))
    throw badRequest('validation_failed', 'A grant must last some time', { hours: 'must be positive' });
  if (!(await loadRecordFacts(tx, res, req.recordId))) throw notFound();
  const granteeAgencyId = 'agencyId' in req.grantee ? req.grantee.agencyId : null;
  const granteeUserId = 'userId' in req.grantee ? req.grantee.userId : null;
  const sections = [...new Set(req.sections)];
  const grant = await insertGrant(tx, {
    recordType: res.recordType,
    recordId: req.recordId,
    granteeAgencyId,
    granteeUserId,
    sections,
    kind: req.kind,
    reason: req.reason?.trim() || null,
    grantedBy: actor.userId,
    hours: req.hours ?? null,
  });
  await appendAudit(tx, actor, {
    action: 'access.grant',
    recordType: res.recordType,
    recordId: req.recordId,
    purpose: req.reason?.trim() || undefined,
    changes: {
      grantId: grant.id,
      kind: req.kind,
      granteeAgencyId,
      granteeUserId,
      sections,
      expiresAt: grant.expiresAt,
    },
  });
  return { grantId: grant.id };
}

/** Ends a grant now. Revoking one already revoked changes nothing and writes no entry. */
export async function revokeGrant(
  tx: Tx,
  actor: AuditActor,
  grantId: string,
  reason?: string,
): Promise<{ revokedAt: Date }> {
  const g = await markGrantRevoked(tx, grantId);
  if (!g) throw notFound('Grant');
  if (g.changed)
    await appendAudit(tx, actor, {
      action: 'access.revoke',
      recordType: g.recordType,
      recordId: g.recordId,
      purpose: reason?.trim() || undefined,
      changes: { grantId: g.id },
    });
  return { revokedAt: g.revokedAt! };
}
