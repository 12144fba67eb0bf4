/**
 * Press freedom: incidents of attacks on journalists, their acts, victims, perpetrators, sources,
 * legal cases with milestones, requests to the state, links; the published snapshots the public
 * page reads; stored impunity-index figures.
 */
export const up = /* sql */ `
CREATE TABLE press_outlets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  aliases text[] NOT NULL DEFAULT '{}',
  medium text CHECK (medium IN ('print','online','tv','radio','news_agency','other')),
  name_keys text[] NOT NULL DEFAULT '{}',
  is_synthetic boolean NOT NULL DEFAULT false,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX press_outlets_name_key ON press_outlets (lower(name));
CREATE INDEX press_outlets_keys_idx ON press_outlets USING gin (name_keys);
CREATE INDEX press_outlets_created_idx ON press_outlets (created_at, id);

CREATE TABLE press_persons (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  aliases text[] NOT NULL DEFAULT '{}',
  -- internal: never published
  contact_details text,
  beats text[] NOT NULL DEFAULT '{}',
  local boolean NOT NULL DEFAULT true,
  name_keys text[] NOT NULL DEFAULT '{}',
  is_synthetic boolean NOT NULL DEFAULT false,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_persons_keys_idx ON press_persons USING gin (name_keys);
CREATE INDEX press_persons_created_idx ON press_persons (created_at, id);
CREATE INDEX press_persons_name_idx ON press_persons (lower(name));

CREATE TABLE press_affiliations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES press_persons(id) ON DELETE CASCADE,
  outlet_id uuid NOT NULL REFERENCES press_outlets(id),
  role text,
  employment text CHECK (employment IN ('staff','freelance')),
  period text,
  UNIQUE (person_id, outlet_id)
);
CREATE INDEX press_affiliations_outlet_idx ON press_affiliations (outlet_id);

CREATE TABLE press_incidents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_ref text UNIQUE,
  title text NOT NULL,
  occurred_on date NOT NULL,
  occurred_precision text NOT NULL CHECK (occurred_precision IN ('day','month','year')),
  -- another date some sources give (a late-evening attack reported on the next day)
  disputed_on date,
  disputed_precision text CHECK (disputed_precision IN ('day','month','year')),
  date_note text,
  occurred_year integer GENERATED ALWAYS AS (extract(year FROM occurred_on)::integer) STORED,
  country text NOT NULL DEFAULT 'AZ',
  city text,
  -- internal: never published
  place_exact text,
  context text CHECK (context IN ('protest','home','workplace','street','online','abroad','detention','other')),
  alert_category text CHECK (alert_category IN ('physical_safety','detention','harassment','impunity','chilling_effect')),
  narrative text NOT NULL DEFAULT '',
  -- internal: never published
  internal_notes text,
  prior_threats boolean,
  surveillance boolean,
  work_relation text NOT NULL DEFAULT 'unconfirmed' CHECK (work_relation IN ('confirmed','unconfirmed','officially_denied','disputed')),
  -- derived from involvements, requests and milestones on every write; never typed in
  impunity_status text NOT NULL DEFAULT 'complete_impunity' CHECK (impunity_status IN ('full_justice','partial_justice','complete_impunity')),
  perpetrator_convicted boolean NOT NULL DEFAULT false,
  mastermind_convicted boolean,
  unesco_status text NOT NULL DEFAULT 'ongoing' CHECK (unesco_status IN ('resolved','ongoing','no_information')),
  last_investigative_act_on date,
  -- an analyst's override of a derived figure, with its reason (audited, flagged)
  impunity_override text CHECK (impunity_override IN ('full_justice','partial_justice','complete_impunity')),
  unesco_override text CHECK (unesco_override IN ('resolved','ongoing','no_information')),
  override_reason text,
  CHECK ((impunity_override IS NULL AND unesco_override IS NULL) OR override_reason IS NOT NULL),
  search_keys text[] NOT NULL DEFAULT '{}',
  published_at timestamptz(3),
  published_by uuid REFERENCES users(id),
  -- edited since it was last published: the public page shows the published version
  changed_since_publish boolean NOT NULL DEFAULT false,
  is_synthetic boolean NOT NULL DEFAULT false,
  owner_agency_id uuid NOT NULL REFERENCES agencies(id),
  created_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_incidents_owner_idx ON press_incidents (owner_agency_id);
CREATE INDEX press_incidents_creator_idx ON press_incidents (created_by);
CREATE INDEX press_incidents_created_idx ON press_incidents (created_at, id);
CREATE INDEX press_incidents_year_idx ON press_incidents (occurred_year);
CREATE INDEX press_incidents_impunity_idx ON press_incidents (impunity_status);
CREATE INDEX press_incidents_unesco_idx ON press_incidents (unesco_status);
CREATE INDEX press_incidents_published_idx ON press_incidents (published_at);
CREATE INDEX press_incidents_keys_idx ON press_incidents USING gin (search_keys);

CREATE TABLE press_acts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the order things were recorded in, also within one transaction
  seq bigint GENERATED ALWAYS AS IDENTITY,
  incident_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  person_id uuid REFERENCES press_persons(id),
  outlet_id uuid REFERENCES press_outlets(id),
  act_type text NOT NULL CHECK (act_type IN ('killing','attempted_killing','assault','abduction','torture','arbitrary_detention','threat','harassment','online_harassment','surveillance','attack_on_property','hacking','judicial_harassment','transnational_repression')),
  method text CHECK (method IN ('firearm','knife','blunt_object','beating','vehicle','other')),
  outcome text CHECK (outcome IN ('killed','seriously_injured','injured','no_physical_injury')),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (person_id IS NOT NULL OR outlet_id IS NOT NULL)
);
CREATE INDEX press_acts_incident_idx ON press_acts (incident_id);
CREATE INDEX press_acts_person_idx ON press_acts (person_id);
CREATE INDEX press_acts_outlet_idx ON press_acts (outlet_id);
CREATE INDEX press_acts_type_idx ON press_acts (act_type);

CREATE TABLE press_sources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the order things were recorded in, also within one transaction
  seq bigint GENERATED ALWAYS AS IDENTITY,
  incident_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('court_decision','official_letter','ngo_alert','news_article','testimony','medical_report','other')),
  title text NOT NULL,
  publisher text,
  url text,
  published_on date,
  reliability text NOT NULL CHECK (reliability IN ('high','medium','low')),
  -- the claim this source supports, attributed ("The Interior Ministry said ...")
  claim text,
  -- a confidential source never leaves the monitors' view
  confidential boolean NOT NULL DEFAULT false,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_sources_incident_idx ON press_sources (incident_id);

CREATE TABLE press_involvements (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the order things were recorded in, also within one transaction
  seq bigint GENERATED ALWAYS AS IDENTITY,
  incident_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  -- as the public may read it ("two Georgian citizens"); a private note stays internal
  label text,
  category text NOT NULL CHECK (category IN ('political_group','government_officials','military_officials','police_security','paramilitary_group','criminal_group','mob_violence','local_residents','private_individual','unknown')),
  degree text NOT NULL CHECK (degree IN ('direct_perpetrator','mastermind','accomplice','failure_to_protect')),
  attribution text NOT NULL CHECK (attribution IN ('alleged_by_victim','suspected_by_ngo','named_by_authorities','charged','convicted','acquitted')),
  internal_note text,
  source_id uuid REFERENCES press_sources(id) ON DELETE SET NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_involvements_incident_idx ON press_involvements (incident_id);
CREATE INDEX press_involvements_category_idx ON press_involvements (category);

CREATE TABLE press_legal_cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the order things were recorded in, also within one transaction
  seq bigint GENERATED ALWAYS AS IDENTITY,
  incident_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  jurisdiction text NOT NULL DEFAULT 'AZ',
  authority text NOT NULL,
  qualification text,
  case_number text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_legal_cases_incident_idx ON press_legal_cases (incident_id);

CREATE TABLE press_milestones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the order things were recorded in, also within one transaction
  seq bigint GENERATED ALWAYS AS IDENTITY,
  legal_case_id uuid NOT NULL REFERENCES press_legal_cases(id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('complaint','case_opened','case_refused','re_qualified','suspect_named','suspect_released','arrest_warrant','extradition_requested','extradition_refused','charge','arrest','trial','verdict','appeal','suspension','closure','reopening','evidence_not_collected','official_statement','anniversary','echr_application','echr_judgment','state_reply')),
  occurred_on date NOT NULL,
  precision text NOT NULL CHECK (precision IN ('day','month','year')),
  note text,
  internal_note text,
  source_id uuid REFERENCES press_sources(id) ON DELETE SET NULL,
  created_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_milestones_case_idx ON press_milestones (legal_case_id, occurred_on);
CREATE INDEX press_milestones_incident_idx ON press_milestones (incident_id);

CREATE TABLE press_state_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the order things were recorded in, also within one transaction
  seq bigint GENERATED ALWAYS AS IDENTITY,
  incident_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  mechanism text NOT NULL CHECK (mechanism IN ('unesco','council_of_europe','osce','un','bilateral')),
  requested_on date NOT NULL,
  answered_on date,
  reply text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_state_requests_incident_idx ON press_state_requests (incident_id);

CREATE TABLE press_incident_links (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  incident_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  related_id uuid NOT NULL REFERENCES press_incidents(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('retaliation','same_outlet','follow_up_abroad','related')),
  note text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, related_id),
  CHECK (incident_id <> related_id)
);
CREATE INDEX press_incident_links_related_idx ON press_incident_links (related_id);

-- What the public page reads: one row per published incident, written only by publishing. The
-- document is built from a whitelist of public fields; the other columns are its filters.
CREATE TABLE press_public_incidents (
  incident_id uuid PRIMARY KEY REFERENCES press_incidents(id) ON DELETE CASCADE,
  occurred_on date NOT NULL,
  occurred_year integer NOT NULL,
  act_types text[] NOT NULL,
  outcomes text[] NOT NULL,
  perpetrator_categories text[] NOT NULL,
  impunity_status text NOT NULL,
  perpetrator_convicted boolean NOT NULL,
  mastermind_convicted boolean,
  unesco_status text NOT NULL,
  killing boolean NOT NULL,
  last_investigative_act_on date,
  search_keys text[] NOT NULL DEFAULT '{}',
  related_ids uuid[] NOT NULL DEFAULT '{}',
  is_synthetic boolean NOT NULL,
  published_at timestamptz(3) NOT NULL
);
-- The documents apart, so that the charts' counts scan narrow rows and a page reads only its own.
CREATE TABLE press_public_docs (
  incident_id uuid PRIMARY KEY REFERENCES press_public_incidents(incident_id) ON DELETE CASCADE,
  doc jsonb NOT NULL,
  -- the list's shorter form of the same document
  item jsonb NOT NULL
);
CREATE INDEX press_public_order_idx ON press_public_incidents (occurred_on DESC, incident_id DESC);
CREATE INDEX press_public_year_idx ON press_public_incidents (occurred_year, occurred_on DESC, incident_id DESC);
CREATE INDEX press_public_impunity_idx ON press_public_incidents (impunity_status, occurred_on DESC, incident_id DESC);
CREATE INDEX press_public_unesco_idx ON press_public_incidents (unesco_status, occurred_on DESC, incident_id DESC);
-- Written only when a reviewer publishes, read on every visit: no pending list to scan.
CREATE INDEX press_public_acts_idx ON press_public_incidents USING gin (act_types) WITH (fastupdate = off);
CREATE INDEX press_public_outcomes_idx ON press_public_incidents USING gin (outcomes) WITH (fastupdate = off);
CREATE INDEX press_public_categories_idx ON press_public_incidents USING gin (perpetrator_categories) WITH (fastupdate = off);
CREATE INDEX press_public_keys_idx ON press_public_incidents USING gin (search_keys) WITH (fastupdate = off);

-- Every computed impunity index, with the parameters it was computed with.
CREATE TABLE press_impunity_index (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  end_year integer NOT NULL,
  window_years integer NOT NULL CHECK (window_years BETWEEN 1 AND 50),
  min_cases integer NOT NULL CHECK (min_cases >= 1),
  population bigint NOT NULL CHECK (population > 0),
  population_source text NOT NULL,
  population_year integer NOT NULL,
  killings integer NOT NULL,
  unsolved integer NOT NULL,
  value numeric,
  published boolean NOT NULL DEFAULT false,
  computed_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_impunity_index_created_idx ON press_impunity_index (created_at, id);
CREATE INDEX press_impunity_index_published_idx ON press_impunity_index (created_at) WHERE published;

-- Existing installations: the new permissions for the roles that had none of them.
UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['incident:read:all','incidents:override']) ORDER BY 1)
  WHERE code = 'analyst';
UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['sensitive:contact','sensitive:location']) ORDER BY 1)
  WHERE code = 'press_monitor';
`;
