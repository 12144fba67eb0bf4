/**
 * NRM cases: the case itself (HTCDS Case and Victim context vocabularies), the contacts it came from,
 * the trafficking events (recruitment, transit, exploitation: place and a date known to the day, month
 * or year), screenings carried over from contacts or made on the case, and notes. A case's timeline
 * is read from the audit log (every write to a case or its parts names the case).
 */
export const up = /* sql */ `
CREATE SEQUENCE case_number_seq;

CREATE TABLE cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- NRM-<year>-<6 digits>, from one sequence: unique and never reused.
  case_number text NOT NULL UNIQUE,
  owner_agency_id uuid NOT NULL REFERENCES agencies(id),
  owner_user_id uuid REFERENCES users(id),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','follow_up','closed','closed_referred')),
  closure_reason text,
  victim_status text NOT NULL DEFAULT 'potential' CHECK (victim_status IN ('potential','presumed','identified','not_identified')),
  narrative text,
  region text,
  country text CHECK (country ~ '^[A-Z]{2}$'),
  exploitation_forms text[] NOT NULL DEFAULT '{}',
  sex_exploitation_types text[] NOT NULL DEFAULT '{}',
  control_methods text[] NOT NULL DEFAULT '{}',
  recruitment_methods text[] NOT NULL DEFAULT '{}',
  recruitment_apps text[] NOT NULL DEFAULT '{}',
  industry text,
  source_contact_id uuid REFERENCES contacts(id),
  opened_at timestamptz(3) NOT NULL DEFAULT now(),
  closed_at timestamptz(3),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX cases_created_idx ON cases (created_at, id);
CREATE INDEX cases_agency_created_idx ON cases (owner_agency_id, created_at, id);
CREATE INDEX cases_owner_user_idx ON cases (owner_user_id, created_at) WHERE owner_user_id IS NOT NULL;
CREATE INDEX cases_status_idx ON cases (status, created_at);
CREATE INDEX cases_victim_status_idx ON cases (victim_status, created_at);
CREATE INDEX cases_region_idx ON cases (region, created_at);
CREATE INDEX cases_exploitation_idx ON cases USING gin (exploitation_forms);
CREATE INDEX cases_source_contact_idx ON cases (source_contact_id) WHERE source_contact_id IS NOT NULL;

-- The contacts a case came from or was linked to (one case, several contacts).
CREATE TABLE case_contacts (
  case_id uuid NOT NULL REFERENCES cases(id),
  contact_id uuid NOT NULL REFERENCES contacts(id),
  linked_by uuid NOT NULL REFERENCES users(id),
  linked_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, contact_id)
);
CREATE INDEX case_contacts_contact_idx ON case_contacts (contact_id);

CREATE TABLE case_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  type text NOT NULL CHECK (type IN ('recruitment','transit','exploitation')),
  -- The first day of the period the date stands for, and how far it is known.
  occurred_on date,
  occurred_precision text CHECK (occurred_precision IN ('day','month','year')),
  country text CHECK (country ~ '^[A-Z]{2}$'),
  region text,
  city text,
  place text,
  description text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((occurred_on IS NULL) = (occurred_precision IS NULL))
);
CREATE INDEX case_events_case_idx ON case_events (case_id, occurred_on);

-- Screenings copied from the contacts a case came from, or made on the case itself.
CREATE TABLE case_screenings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  from_contact_screening_id uuid REFERENCES contact_screenings(id),
  list text NOT NULL CHECK (list IN ('adult_labour','child_labour','adult_sexual','child_sexual')),
  list_reason text NOT NULL,
  indicators jsonb NOT NULL,
  recruitment_act_established boolean NOT NULL DEFAULT false,
  presumed_victim boolean NOT NULL,
  provisional boolean NOT NULL,
  catalogue_version text NOT NULL,
  rule_version text NOT NULL,
  result jsonb NOT NULL,
  screened_by uuid NOT NULL REFERENCES users(id),
  screened_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (case_id, from_contact_screening_id)
);
CREATE INDEX case_screenings_case_idx ON case_screenings (case_id, screened_at);

CREATE TABLE case_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  body text NOT NULL,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX case_notes_case_idx ON case_notes (case_id, created_at);
`;
