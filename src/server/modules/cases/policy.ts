import { CASE_SECTIONS } from '../../../shared/nrm.ts';
import { sql } from 'kysely';
import type { ResourceDef } from '../../access/policy.ts';

/**
 * Cases in the policy engine: owned by an agency (and "own" for the case worker responsible), opened to
 * other agencies section by section through referral and share grants. The same tags apply to the
 * fields of a case's parts (events, notes), which are redacted with this definition too. A case an
 * order ended access to (`endAccess`) is closed to all but auditors and its agency's supervisors.
 */
export const caseResource = (alias: string): ResourceDef => ({
  recordType: 'case',
  table: 'cases',
  idColumn: `${alias}.id`,
  ownerUserColumn: `${alias}.ownerUserId`,
  ownerAgencyColumn: `${alias}.ownerAgencyId`,
  sections: CASE_SECTIONS,
  accessEnded: sql<boolean>`(${sql.ref(`${alias}.accessEndedAt`)} IS NOT NULL)`,
  fieldTags: {
    narrative: 'narrative',
    closureReason: 'narrative',
    description: 'narrative',
    body: 'narrative',
    place: 'location',
    city: 'location',
    guardianName: 'identity',
    permitNumber: 'identity',
    withdrawalNote: 'narrative',
    note: 'narrative',
    reasons: 'narrative',
    title: 'narrative',
    evidence: 'narrative',
    reflectionWithheldReason: 'narrative',
  },
});

export const CASES = caseResource('c');
