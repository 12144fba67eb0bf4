import type { DbOrTx, Tx } from '../../db/database.ts';
import { decide, endedReadable, type Decision, type RecordFacts } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { loadRecordFacts } from '../../access/repository.ts';
import { conflict, forbidden, notFound } from '../../errors.ts';
import { CASES } from './policy.ts';
import { lockCase } from './repository.ts';

/*
 * Who may do what to a case: the one lock and access decision that every capability working on a
 * case (identification, referrals, tasks, documents, assistance) takes. It sits below them all and
 * imports none of them, so their imports run one way (docs/ARCHITECTURE.md, "Capability folders").
 */

export type CaseAccess = { decision: Extract<Decision, { allowed: true }>; ownerAgencyId: string };

/**
 * May the principal `action` this case, and which sections does that open? A case the user may not
 * reach reads as not found (404), whether or not it exists.
 */
export async function caseAccess(db: DbOrTx, p: Principal, id: string, action: 'read' | 'update'): Promise<CaseAccess> {
  const facts = await loadRecordFacts(db, CASES, id);
  return decideCaseAccess(p, facts, action);
}

/** `caseAccess` once the facts are loaded: the case's owners and grants, and whether an order ended access to it. */
export function decideCaseAccess(p: Principal, facts: RecordFacts | undefined, action: 'read' | 'update'): CaseAccess {
  if (facts?.accessEnded) {
    // A prosecutor's or court's order ended access: only auditors, and supervisors of the owning agency,
    // open it, to read (the engine's rule; auditors, who hold no case scope, open every section here).
    if (!endedReadable(p, 'read', facts.ownerAgencyId)) throw notFound('Case');
    if (action !== 'read') throw conflict('access_ended', 'Access to this record was ended by an order; it can only be read');
    return { decision: { allowed: true, via: 'all', sections: new Set(CASES.sections) }, ownerAgencyId: facts.ownerAgencyId };
  }
  const decision = facts ? decide(p, action, CASES, facts) : { allowed: false as const };
  if (!facts || !decision.allowed) {
    // Someone who may read the case but not change it is told so; everyone else learns nothing.
    if (facts && action === 'update' && decide(p, 'read', CASES, facts).allowed) throw forbidden('You may read this case but not change it');
    throw notFound('Case');
  }
  return { decision, ownerAgencyId: facts.ownerAgencyId };
}

/** Writes to the case's own fields are for those who hold it (its agency, its case worker), not for grantees. */
export async function caseWriteAccess(db: DbOrTx, p: Principal, id: string): Promise<CaseAccess> {
  const access = await caseAccess(db, p, id, 'update');
  if (access.decision.via === 'granted' || access.decision.via === 'user_grant') throw forbidden('Only the agency that owns the case may change this');
  return access;
}

/** `caseWriteAccess` with the case row locked for the rest of the transaction. */
export async function lockForCaseWrite(tx: Tx, p: Principal, id: string): Promise<CaseAccess> {
  if (!(await lockCase(tx, id))) throw notFound('Case');
  return caseWriteAccess(tx, p, id);
}

