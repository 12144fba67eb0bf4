import { sql } from 'kysely';
import type { ResourceDef } from '../../access/policy.ts';

/**
 * Referrals in the policy engine: owned by the sending agency (and "own" for the case worker who
 * sent it); the receiving agency reaches it through a grant made when it is sent. The case itself
 * opens to the receiver only on acceptance, through a grant on the case with the shared sections.
 * A referral of a case an order ended access to is closed with the case.
 */
export const referralResource = (alias: string): ResourceDef => ({
  recordType: 'referral',
  table: 'referrals',
  idColumn: `${alias}.id`,
  ownerUserColumn: `${alias}.fromUserId`,
  ownerAgencyColumn: `${alias}.fromAgencyId`,
  sections: ['referral'],
  accessEnded: sql<boolean>`EXISTS (SELECT 1 FROM cases pathway_ended_c WHERE pathway_ended_c.id = ${sql.ref(`${alias}.caseId`)} AND pathway_ended_c.access_ended_at IS NOT NULL)`,
  fieldTags: {
    reason: 'narrative',
    acceptNote: 'narrative',
    declineReason: 'narrative',
    completionNote: 'narrative',
    revokeReason: 'narrative',
  },
});

export const REFERRALS = referralResource('r');
