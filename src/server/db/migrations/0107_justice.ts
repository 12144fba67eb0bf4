/**
 * Criminal justice (issue 12, docs/criminal-justice.md): criminal cases (proceedings) of an
 * investigating agency, linked to NRM cases; their procedural events; defendants (people of the
 * registry, or a legal person) with charges, verdicts per charge and sentences; victims in the
 * proceedings; extradition and mutual legal assistance requests. `justice_defendant_facts` holds,
 * per defendant, the dates the counting rules need (written by the service with the pure functions
 * of `modules/justice/counting.ts` on every write to the defendant), so the figures for any period
 * are one grouped read. `version` on a criminal case makes concurrent edits conflict (409) instead of
 * overwriting each other.
 */
export const up = /* sql */ `
CREATE TABLE criminal_cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_agency_id uuid NOT NULL REFERENCES agencies(id),
  owner_user_id uuid REFERENCES users(id),
  body text NOT NULL CHECK (body IN ('police','prosecutor','security_service')),
  case_number text NOT NULL CHECK (length(case_number) BETWEEN 1 AND 60),
  opened_on date NOT NULL,
  articles text[] NOT NULL CHECK (cardinality(articles) >= 1),
  forms text[] NOT NULL DEFAULT '{}',
  places text[] NOT NULL DEFAULT '{}',
  transnational boolean NOT NULL DEFAULT false,
  official_complicity boolean NOT NULL DEFAULT false,
  complicity_agency_type text CHECK (complicity_agency_type IN ('police','border','prosecution','judiciary','labour_inspection','local_government','military','diplomatic','other')),
  status text NOT NULL DEFAULT 'investigation' CHECK (status IN ('investigation','suspended','terminated','in_court','decided','final')),
  termination_ground text,
  investigation_extended_until date,
  version integer NOT NULL DEFAULT 1,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (owner_agency_id, case_number),
  CHECK (official_complicity OR complicity_agency_type IS NULL)
);
CREATE INDEX criminal_cases_agency_idx ON criminal_cases (owner_agency_id, opened_on DESC, id);
CREATE INDEX criminal_cases_opened_idx ON criminal_cases (opened_on DESC, id);
CREATE INDEX criminal_cases_owner_user_idx ON criminal_cases (owner_user_id) WHERE owner_user_id IS NOT NULL;

CREATE TABLE criminal_case_nrm_links (
  criminal_case_id uuid NOT NULL REFERENCES criminal_cases(id),
  nrm_case_id uuid NOT NULL REFERENCES cases(id),
  linked_by uuid NOT NULL REFERENCES users(id),
  linked_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (criminal_case_id, nrm_case_id)
);
CREATE INDEX criminal_case_nrm_links_nrm_idx ON criminal_case_nrm_links (nrm_case_id);

CREATE TABLE criminal_defendants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  criminal_case_id uuid NOT NULL REFERENCES criminal_cases(id),
  person_id uuid REFERENCES people(id),
  legal_entity_name text CHECK (length(legal_entity_name) BETWEEN 1 AND 300),
  role text NOT NULL CHECK (role IN ('recruiter','transporter','exploiter','organiser','financier','other')),
  relation text NOT NULL DEFAULT 'unknown' CHECK (relation IN ('stranger','acquaintance','intimate_partner','family','employer','official','unknown','other')),
  is_official boolean NOT NULL DEFAULT false,
  official_agency_type text,
  sex text NOT NULL DEFAULT 'unknown',
  birth_year integer,
  citizenship text,
  pseudonym text NOT NULL,
  added_by uuid NOT NULL REFERENCES users(id),
  added_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((person_id IS NULL) <> (legal_entity_name IS NULL))
);
CREATE INDEX criminal_defendants_case_idx ON criminal_defendants (criminal_case_id, added_at);
CREATE INDEX criminal_defendants_person_idx ON criminal_defendants (person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX criminal_defendants_person_once ON criminal_defendants (criminal_case_id, person_id) WHERE person_id IS NOT NULL;

CREATE TABLE criminal_charges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  criminal_case_id uuid NOT NULL REFERENCES criminal_cases(id),
  defendant_id uuid NOT NULL REFERENCES criminal_defendants(id),
  article text NOT NULL,
  brought_on date NOT NULL,
  outcome text CHECK (outcome IN ('convicted','acquitted','terminated','reclassified')),
  outcome_on date,
  outcome_instance text CHECK (outcome_instance IN ('first','appeal','cassation')),
  termination_ground text,
  reclassified_to_charge_id uuid REFERENCES criminal_charges(id),
  reclassified_from_charge_id uuid REFERENCES criminal_charges(id),
  recorded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((outcome IS NULL) = (outcome_on IS NULL))
);
CREATE INDEX criminal_charges_defendant_idx ON criminal_charges (defendant_id, brought_on);

-- Every verdict on a charge at any instance, oldest first: an appeal's decision never deletes the first.
CREATE TABLE criminal_verdicts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  charge_id uuid NOT NULL REFERENCES criminal_charges(id),
  defendant_id uuid NOT NULL REFERENCES criminal_defendants(id),
  instance text NOT NULL CHECK (instance IN ('first','appeal','cassation')),
  outcome text NOT NULL CHECK (outcome IN ('convicted','acquitted','terminated','reclassified','returned')),
  decided_on date NOT NULL,
  termination_ground text,
  reclassified_to text,
  recorded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX criminal_verdicts_defendant_idx ON criminal_verdicts (defendant_id, decided_on);

CREATE TABLE criminal_sentences (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  defendant_id uuid NOT NULL REFERENCES criminal_defendants(id),
  instance text NOT NULL CHECK (instance IN ('first','appeal','cassation')),
  imposed_on date NOT NULL,
  type text NOT NULL CHECK (type IN ('imprisonment','restriction_of_liberty','fine','correctional_work','other')),
  term_months integer CHECK (term_months >= 0),
  fine_amount numeric(14,2) CHECK (fine_amount >= 0),
  suspended boolean NOT NULL DEFAULT false,
  probation_months integer CHECK (probation_months >= 0),
  deferred boolean NOT NULL DEFAULT false,
  deferral_ground text CHECK (deferral_ground IN ('pregnancy','child_under_age','other')),
  deferred_until date,
  below_minimum boolean NOT NULL DEFAULT false,
  below_minimum_ground text,
  mitigating text[] NOT NULL DEFAULT '{}',
  confiscation boolean NOT NULL DEFAULT false,
  deprivation_of_rights boolean NOT NULL DEFAULT false,
  released_on date,
  release_basis text CHECK (release_basis IN ('amnesty','pardon','parole','served','other')),
  release_act text CHECK (length(release_act) BETWEEN 1 AND 100),
  band text NOT NULL,
  review_flag text,
  superseded_by uuid REFERENCES criminal_sentences(id),
  recorded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX criminal_sentences_defendant_idx ON criminal_sentences (defendant_id, imposed_on);

CREATE TABLE criminal_case_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  criminal_case_id uuid NOT NULL REFERENCES criminal_cases(id),
  defendant_id uuid REFERENCES criminal_defendants(id),
  type text NOT NULL,
  occurred_on date NOT NULL,
  ground text,
  appeal_by text CHECK (appeal_by IN ('defence','prosecutor','victim')),
  appeal_result text CHECK (appeal_result IN ('upheld','increased','reduced','acquitted','retrial')),
  document_number text CHECK (length(document_number) BETWEEN 1 AND 100),
  recorded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX criminal_case_events_case_idx ON criminal_case_events (criminal_case_id, occurred_on, created_at);

CREATE TABLE criminal_case_victims (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  criminal_case_id uuid NOT NULL REFERENCES criminal_cases(id),
  nrm_case_id uuid REFERENCES cases(id),
  person_id uuid REFERENCES people(id),
  pseudonym text NOT NULL,
  sex text NOT NULL DEFAULT 'unknown',
  age_group text NOT NULL DEFAULT 'unknown' CHECK (age_group IN ('child','adult','unknown')),
  nationality text,
  testified boolean NOT NULL DEFAULT false,
  protection_measures text[] NOT NULL DEFAULT '{}',
  compensation_claimed numeric(14,2) CHECK (compensation_claimed >= 0),
  compensation_ordered numeric(14,2) CHECK (compensation_ordered >= 0),
  compensation_paid numeric(14,2) CHECK (compensation_paid >= 0),
  non_punishment boolean NOT NULL DEFAULT false,
  added_by uuid NOT NULL REFERENCES users(id),
  added_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX criminal_case_victims_case_idx ON criminal_case_victims (criminal_case_id);

CREATE TABLE criminal_cooperation_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  criminal_case_id uuid NOT NULL REFERENCES criminal_cases(id),
  kind text NOT NULL CHECK (kind IN ('extradition','mla','interpol_notice')),
  direction text NOT NULL CHECK (direction IN ('sent','received')),
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  requested_on date NOT NULL,
  outcome text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending','granted','refused','partial','withdrawn')),
  outcome_on date,
  recorded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (outcome_on IS NULL OR outcome_on >= requested_on)
);
CREATE INDEX criminal_cooperation_case_idx ON criminal_cooperation_requests (criminal_case_id);

-- What the counting rules need of each defendant, kept by the service (counting.ts) on every write.
CREATE TABLE justice_defendant_facts (
  defendant_id uuid PRIMARY KEY REFERENCES criminal_defendants(id),
  criminal_case_id uuid NOT NULL REFERENCES criminal_cases(id),
  case_opened_on date NOT NULL,
  form_groups text[] NOT NULL,
  articles text[] NOT NULL,
  convicted_articles text[] NOT NULL,
  sex text NOT NULL,
  complicity boolean NOT NULL,
  indicted_on date,
  convicted_on date,
  final_on date,
  acquitted_on date,
  reversed_on date,
  terminated_on date,
  termination_ground text
);
CREATE INDEX justice_facts_opened_idx ON justice_defendant_facts (case_opened_on);
CREATE INDEX justice_facts_indicted_idx ON justice_defendant_facts (indicted_on) WHERE indicted_on IS NOT NULL;
CREATE INDEX justice_facts_convicted_idx ON justice_defendant_facts (convicted_on) WHERE convicted_on IS NOT NULL;
CREATE INDEX justice_facts_final_idx ON justice_defendant_facts (final_on) WHERE final_on IS NOT NULL;
CREATE INDEX justice_facts_acquitted_idx ON justice_defendant_facts (acquitted_on) WHERE acquitted_on IS NOT NULL;
CREATE INDEX justice_facts_reversed_idx ON justice_defendant_facts (reversed_on) WHERE reversed_on IS NOT NULL;
CREATE INDEX justice_facts_terminated_idx ON justice_defendant_facts (terminated_on) WHERE terminated_on IS NOT NULL;
`;
