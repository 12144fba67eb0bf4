/**
 * Identity at rest, continued (docs/nrm.md, "Identity at rest"): a case note's body, a trafficking
 * event's place and description, a hotline escalation's reason, the messages of a hotline
 * conversation (public reports' text among them) and a contact's outcome note are stored sealed under the master key, bound to their row. The data
 * step `0101_notes_at_rest` (src/server/db/data-steps.ts) seals the rows written before and empties
 * the plain columns.
 */
export const up = /* sql */ `
ALTER TABLE case_notes ADD COLUMN body_enc bytea;
ALTER TABLE case_notes ALTER COLUMN body DROP NOT NULL;
ALTER TABLE case_events ADD COLUMN place_enc bytea, ADD COLUMN description_enc bytea;
ALTER TABLE contact_escalations ADD COLUMN reason_enc bytea;
ALTER TABLE contact_escalations ALTER COLUMN reason DROP NOT NULL;
ALTER TABLE contact_messages ADD COLUMN body_enc bytea;
ALTER TABLE contact_messages ALTER COLUMN body DROP NOT NULL;
ALTER TABLE contacts ADD COLUMN outcome_note_enc bytea;
`;
