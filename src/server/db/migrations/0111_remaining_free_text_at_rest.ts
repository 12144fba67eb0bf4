/**
 * Identity at rest, the rest (docs/nrm.md, "Identity at rest"): the free text still stored plain is
 * sealed under the master key, bound to its row: consents' notes and withdrawal notes, the reference
 * of an order ending access to a case, the reason two people were merged, the reason typed for a
 * grant or a break-glass read, and a case document's file name (which can name the victim). The data step `0111_remaining_free_text_at_rest`
 * (src/server/db/data-steps.ts) seals the rows written before and empties the plain columns.
 */
export const up = /* sql */ `
ALTER TABLE case_consents ADD COLUMN note_enc bytea, ADD COLUMN withdrawal_note_enc bytea;
ALTER TABLE cases ADD COLUMN access_end_reference_enc bytea;
ALTER TABLE people ADD COLUMN merge_reason_enc bytea;
ALTER TABLE access_grants ADD COLUMN reason_enc bytea;
ALTER TABLE case_documents ADD COLUMN file_name_enc bytea, ALTER COLUMN file_name DROP NOT NULL;
`;
