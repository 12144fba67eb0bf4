import { sql } from 'kysely';
import type { ResourceDef } from '../../access/policy.ts';

/**
 * Contacts in the policy engine: owned by the hotline's agency, and "own" for the operator they are
 * assigned to. Tagged fields are dropped for roles without the matching `sensitive:` permission.
 * A contact linked to a case an order ended access to is closed with the case (what the caller said
 * is the victim's account too), to all but auditors and the hotline agency's supervisors.
 */
export const contactResource = (alias: string): ResourceDef => ({
  recordType: 'contact',
  table: 'contacts',
  idColumn: `${alias}.id`,
  ownerUserColumn: `${alias}.assignedUserId`,
  ownerAgencyColumn: `${alias}.ownerAgencyId`,
  sections: ['contact', 'form', 'screening', 'messages'],
  accessEnded: sql<boolean>`EXISTS (SELECT 1 FROM case_contacts pathway_ended_cc JOIN cases pathway_ended_c ON pathway_ended_c.id = pathway_ended_cc.case_id
    WHERE pathway_ended_cc.contact_id = ${sql.ref(`${alias}.id`)} AND pathway_ended_c.access_ended_at IS NOT NULL)`,
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

