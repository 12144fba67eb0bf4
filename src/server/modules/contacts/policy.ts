import type { ResourceDef } from '../../access/policy.ts';

/**
 * Contacts in the policy engine: owned by the hotline's agency, and "own" for the operator they are
 * assigned to. Tagged fields are dropped for roles without the matching `sensitive:` permission.
 */
export const contactResource = (alias: string): ResourceDef => ({
  recordType: 'contact',
  table: 'contacts',
  idColumn: `${alias}.id`,
  ownerUserColumn: `${alias}.assignedUserId`,
  ownerAgencyColumn: `${alias}.ownerAgencyId`,
  sections: ['contact', 'form', 'screening', 'messages'],
  fieldTags: {
    contactorLast3: 'contact',
    city: 'location',
    persons: 'identity',
    summary: 'narrative',
    outcomeNote: 'narrative',
    messages: 'narrative',
  },
});

export const CONTACTS = contactResource('c');
