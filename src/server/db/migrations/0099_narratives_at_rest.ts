/**
 * Identity at rest, continued (docs/nrm.md, "Identity at rest"): a case's narrative, a hotline
 * contact's summary and a residence permit's number are stored sealed under the master key, bound to
 * their row. The data step `0099_narratives_at_rest` (src/server/db/data-steps.ts) seals the rows
 * written before and empties the plain columns.
 */
export const up = /* sql */ `
ALTER TABLE cases ADD COLUMN narrative_enc bytea;
ALTER TABLE contacts ADD COLUMN summary_enc bytea;
ALTER TABLE residence_permits ADD COLUMN permit_number_enc bytea;
`;
