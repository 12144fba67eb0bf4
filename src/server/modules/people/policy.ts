import type { ResourceDef } from '../../access/policy.ts';

/**
 * People in the policy engine: owned by the agency that recorded them, "own" for the user who did;
 * other agencies see a person only through a grant (a referral or share of the person, or of a case
 * the cases module shares with them). Names and the date of birth are identity data.
 */
export const personResource = (alias: string): ResourceDef => ({
  recordType: 'person',
  table: 'people',
  idColumn: `${alias}.id`,
  ownerUserColumn: `${alias}.createdBy`,
  ownerAgencyColumn: `${alias}.ownerAgencyId`,
  sections: ['identity', 'details'],
  fieldTags: {
    names: 'identity',
    birthDate: 'identity',
  },
});

export const PEOPLE = personResource('p');
