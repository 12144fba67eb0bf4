/**
 * Identity at rest, continued (docs/nrm.md, "Identity at rest"): a case note's body is stored sealed
 * under the master key, bound to its row. The data step `0101_notes_at_rest`
 * (src/server/db/data-steps.ts) seals the rows written before and empties the plain column.
 */
export const up = /* sql */ `
ALTER TABLE case_notes ADD COLUMN body_enc bytea;
ALTER TABLE case_notes ALTER COLUMN body DROP NOT NULL;
`;
