/**
 * People in the National Referral Mechanism (victims, family members, contactors): one row per
 * person, owned by an agency, with every name they are known by in `person_names` (as entered, with
 * its script and its normalised matching keys from `src/domain/name-match.ts`). `people.name_keys`
 * is the union of the keys of the person's names, kept by the service, so that a search is one
 * indexed look-up on one table with the access filter beside it. A merged record stays, pointing at
 * the record it was merged into.
 */
export const up = /* sql */ `
CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_agency_id uuid NOT NULL REFERENCES agencies(id),
  created_by uuid REFERENCES users(id),
  sex text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female','male','other','unknown')),
  birth_date date,
  birth_year integer CHECK (birth_year BETWEEN 1900 AND 2100),
  birth_year_estimated boolean NOT NULL DEFAULT false,
  -- ISO 3166-1 alpha-3; 'XXX' for stateless or unknown
  citizenship text CHECK (citizenship ~ '^[A-Z]{3}$'),
  -- ISO 639 codes (az, ru, en, fas...)
  languages text[] NOT NULL DEFAULT '{}',
  name_keys text[] NOT NULL DEFAULT '{}',
  merged_into uuid REFERENCES people(id),
  merged_at timestamptz(3),
  merged_by uuid REFERENCES users(id),
  merge_reason text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (birth_date IS NULL OR birth_year = extract(year FROM birth_date)::integer),
  CHECK (birth_date IS NULL OR NOT birth_year_estimated),
  CHECK (merged_into IS NULL OR merged_into <> id),
  CHECK ((merged_into IS NULL) = (merged_at IS NULL))
);
-- Search and duplicate checks look only at records that are not merged away.
CREATE INDEX people_name_keys_idx ON people USING gin (name_keys) WHERE merged_into IS NULL;
CREATE INDEX people_owner_idx ON people (owner_agency_id, created_at DESC, id DESC);
CREATE INDEX people_created_by_idx ON people (created_by);
CREATE INDEX people_merged_into_idx ON people (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE person_names (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  given_name text CHECK (length(given_name) <= 200),
  family_name text CHECK (length(family_name) <= 200),
  patronymic text CHECK (length(patronymic) <= 200),
  -- the whole name exactly as the user typed or the document shows it
  as_entered text NOT NULL CHECK (length(as_entered) BETWEEN 1 AND 600),
  script text NOT NULL CHECK (script IN ('latn','cyrl','other')),
  kind text NOT NULL CHECK (kind IN ('primary','alias')),
  keys text[] NOT NULL DEFAULT '{}',
  created_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (coalesce(given_name, '') <> '' OR coalesce(family_name, '') <> '')
);
CREATE INDEX person_names_person_idx ON person_names (person_id, created_at);
CREATE UNIQUE INDEX person_names_one_primary ON person_names (person_id) WHERE kind = 'primary';
`;
