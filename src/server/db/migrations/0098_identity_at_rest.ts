/**
 * Identity at rest (docs/nrm.md, "Identity at rest"; docs/operations.md, "Data steps"): a person's
 * names and date of birth are stored sealed under the master key, bound to their row by associated
 * data, and the name keys people search looks up are stored as keyed blind-index tokens.
 *
 * The master key never enters the database, so SQL cannot seal. This migration makes room (the sealed
 * columns, the plain ones nullable) and `data_steps` records the steps the server runs with the key
 * right after the migrations (src/server/db/data-steps.ts): they seal existing rows, replace their
 * keys with tokens and empty the plain columns. New rows are written sealed from the start.
 */
export const up = /* sql */ `
CREATE TABLE data_steps (
  name text PRIMARY KEY,
  done_at timestamptz(3) NOT NULL DEFAULT now()
);

ALTER TABLE people ADD COLUMN birth_date_enc bytea;

ALTER TABLE person_names ADD COLUMN name_enc bytea;
ALTER TABLE person_names ALTER COLUMN as_entered DROP NOT NULL;
ALTER TABLE person_names DROP CONSTRAINT person_names_check;
-- A name is sealed, or (until the data step) plain as it was written before.
ALTER TABLE person_names ADD CONSTRAINT person_names_sealed_or_plain CHECK (name_enc IS NOT NULL OR as_entered IS NOT NULL);
`;
