import type { ResourceDef } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { scopesFor } from '../../access/policy.ts';

/** Sections a grant of a criminal case opens: the prosecutor's office and the court get them all. */
export const CRIMINAL_CASE_SECTIONS = ['summary', 'defendants', 'victims', 'cooperation', 'timeline'] as const;

/**
 * Criminal cases in the policy engine (record type `investigation`): owned by the investigating
 * agency (and "own" for the investigator responsible), opened to a prosecutor's office or a court by
 * a share grant (on opening, on indictment, or by the owning agency). Defendants' names are identity
 * data; places are locations. Analysts and the coordinator hold no `investigation` scope: they see
 * figures and de-identified records only.
 */
export const criminalCaseResource = (alias: string): ResourceDef => ({
  recordType: 'investigation',
  table: 'criminal_cases',
  idColumn: `${alias}.id`,
  ownerUserColumn: `${alias}.ownerUserId`,
  ownerAgencyColumn: `${alias}.ownerAgencyId`,
  sections: CRIMINAL_CASE_SECTIONS,
  fieldTags: { names: 'identity', places: 'location' },
});

export const CRIMINAL_CASES = criminalCaseResource('cc');

/** May open criminal cases: an `investigation:create` scope. */
export const mayCreate = (p: Principal) => scopesFor(p, 'investigation', 'create').size > 0;
/** May read some criminal case. */
export const mayReadAny = (p: Principal) => scopesFor(p, 'investigation', 'read').size > 0;
/** The figures: aggregate reporters, and anyone who works on criminal cases. */
export const maySeeFigures = (p: Principal) => p.permissions.has('reports:aggregate') || mayReadAny(p);
