/**
 * People search for one agency's staff: the agency and the name keys in one index (btree_gin), so
 * that "this agency's people with these keys" is one index scan however common the surname is.
 * Names get an insertion order (`seq`): names added in one transaction share their time.
 */
export const up = /* sql */ `
CREATE EXTENSION IF NOT EXISTS btree_gin;
ALTER TABLE person_names ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX people_agency_keys_idx ON people USING gin (owner_agency_id, name_keys) WHERE merged_into IS NULL;
`;
