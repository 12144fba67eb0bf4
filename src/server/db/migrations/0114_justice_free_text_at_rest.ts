/**
 * Criminal cases' free text at rest (docs/criminal-justice.md, "At rest"): a case's places (which can
 * name a village, an address, a flat) and a sentence's below-minimum ground (the court's words) are
 * sealed under the master key, bound to their row, like the NRM's free text (migrations 0102, 0111).
 * The data step `0114_justice_free_text_at_rest` (src/server/db/data-steps.ts) seals the rows written
 * before and empties the plain columns.
 */
export const up = /* sql */ `
ALTER TABLE criminal_cases ADD COLUMN places_enc bytea;
ALTER TABLE criminal_sentences ADD COLUMN below_minimum_ground_enc bytea;
`;
