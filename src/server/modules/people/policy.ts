import { sql } from 'kysely';
import type { ResourceDef } from '../../access/policy.ts';

/**
 * People in the policy engine: owned by the agency that recorded them, "own" for the user who did;
 * other agencies see a person only through a grant (a referral or share of the person, or of a case
 * the cases module shares with them). Names and the date of birth are identity data. A person of a
 * case an order ended access to is closed with the case (to all but auditors and the supervisors of
 * the person's owning agency), whatever other case they are on.
 */
export const personResource = (alias: string): ResourceDef => ({
  recordType: 'person',
  table: 'people',
  idColumn: `${alias}.id`,
  ownerUserColumn: `${alias}.createdBy`,
  ownerAgencyColumn: `${alias}.ownerAgencyId`,
  sections: ['identity', 'details'],
  accessEnded: sql<boolean>`EXISTS (SELECT 1 FROM case_people pathway_ended_cp JOIN cases pathway_ended_c ON pathway_ended_c.id = pathway_ended_cp.case_id
    WHERE pathway_ended_cp.person_id = ${sql.ref(`${alias}.id`)} AND pathway_ended_c.access_ended_at IS NOT NULL)`,
  fieldTags: {
    names: 'identity',
    birthDate: 'identity',
  },
});

export const PEOPLE = personResource('p');
