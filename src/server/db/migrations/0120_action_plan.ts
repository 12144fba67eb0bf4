/**
 * The national action plan tracker (issue 13, docs/action-plan.md): plans with their act, years,
 * status and predecessor; goals; measures with a hierarchical number, the responsible body and the
 * co-responsible bodies, a deadline (day, year, span of years or continuous), indicators; progress
 * reports per measure (or meeting action item) x body x year, reviewed by the coordinator's office,
 * with indicator values and evidence files (encrypted like case documents); coordination meetings with
 * their participating bodies and the action items their decisions give; the reminders the sweep
 * writes once per thing, body and year. A measure's status is not stored: it is derived
 * (src/domain/action-plan.ts). The roles: the coordinator manages plans and reviews reports, analysts
 * and auditors read them, the new `plan_focal_point` role reports for its own body.
 */
export const up = /* sql */ `
CREATE TABLE action_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  act_type text NOT NULL CHECK (act_type IN ('presidential_order','presidential_decree','cabinet_decision','law','other')),
  act_number text CHECK (length(act_number) <= 60),
  act_date date,
  start_year integer NOT NULL CHECK (start_year BETWEEN 1990 AND 2100),
  end_year integer NOT NULL CHECK (end_year BETWEEN 1990 AND 2100),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','adopted','expired','superseded')),
  predecessor_id uuid REFERENCES action_plans(id),
  report_due_days integer NOT NULL DEFAULT 20 CHECK (report_due_days BETWEEN 0 AND 365),
  version integer NOT NULL DEFAULT 1,
  created_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (end_year >= start_year),
  CHECK (predecessor_id IS DISTINCT FROM id)
);
CREATE INDEX action_plans_years_idx ON action_plans (start_year DESC, id);

CREATE TABLE action_plan_goals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES action_plans(id),
  number text NOT NULL CHECK (number ~ '^[0-9]+(\\.[0-9]+)*$'),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  UNIQUE (plan_id, number)
);

CREATE TABLE action_plan_measures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid NOT NULL REFERENCES action_plans(id),
  goal_id uuid REFERENCES action_plan_goals(id),
  number text NOT NULL CHECK (number ~ '^[0-9]+(\\.[0-9]+)*$'),
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
  responsible_agency_id uuid NOT NULL REFERENCES agencies(id),
  deadline_kind text NOT NULL CHECK (deadline_kind IN ('date','year','period','continuous')),
  deadline_on date,
  deadline_year integer,
  deadline_from_year integer,
  deadline_to_year integer,
  expected_result text CHECK (length(expected_result) <= 4000),
  dropped_at timestamptz(3),
  dropped_by uuid REFERENCES users(id),
  drop_reason text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (plan_id, number),
  CHECK (CASE deadline_kind
    WHEN 'date' THEN deadline_on IS NOT NULL
    WHEN 'year' THEN deadline_year IS NOT NULL
    WHEN 'period' THEN deadline_from_year IS NOT NULL AND deadline_to_year >= deadline_from_year
    ELSE true END),
  CHECK ((dropped_at IS NULL) = (drop_reason IS NULL))
);
CREATE INDEX action_plan_measures_agency_idx ON action_plan_measures (responsible_agency_id);

-- Co-responsible bodies ("co-executors"): they report on their share too.
CREATE TABLE action_plan_measure_agencies (
  measure_id uuid NOT NULL REFERENCES action_plan_measures(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (measure_id, agency_id)
);
CREATE INDEX action_plan_measure_agencies_agency_idx ON action_plan_measure_agencies (agency_id);

CREATE TABLE action_plan_indicators (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  measure_id uuid NOT NULL REFERENCES action_plan_measures(id),
  position integer NOT NULL DEFAULT 0,
  definition text NOT NULL CHECK (length(definition) BETWEEN 1 AND 1000),
  unit text NOT NULL CHECK (unit IN ('count','percentage','amount','yes_no')),
  baseline double precision,
  target double precision
);
CREATE INDEX action_plan_indicators_measure_idx ON action_plan_indicators (measure_id, position);

CREATE TABLE action_plan_meetings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id uuid REFERENCES action_plans(id),
  held_on date NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  minutes text CHECK (length(minutes) <= 20000),
  quorum_met boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX action_plan_meetings_held_idx ON action_plan_meetings (held_on DESC, id);

CREATE TABLE action_plan_meeting_agencies (
  meeting_id uuid NOT NULL REFERENCES action_plan_meetings(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  attended boolean NOT NULL DEFAULT true,
  PRIMARY KEY (meeting_id, agency_id)
);

-- A decision of a meeting assigned to one body with a due day.
CREATE TABLE action_plan_action_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  meeting_id uuid NOT NULL REFERENCES action_plan_meetings(id),
  number text NOT NULL CHECK (length(number) BETWEEN 1 AND 20),
  decision text NOT NULL CHECK (length(decision) BETWEEN 1 AND 4000),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  due_on date NOT NULL,
  dropped_at timestamptz(3),
  dropped_by uuid REFERENCES users(id),
  drop_reason text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((dropped_at IS NULL) = (drop_reason IS NULL))
);
CREATE INDEX action_plan_action_items_agency_idx ON action_plan_action_items (agency_id, due_on);
CREATE INDEX action_plan_action_items_meeting_idx ON action_plan_action_items (meeting_id);

CREATE TABLE action_plan_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  measure_id uuid REFERENCES action_plan_measures(id),
  action_item_id uuid REFERENCES action_plan_action_items(id),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  period integer NOT NULL CHECK (period BETWEEN 1990 AND 2100),
  progress text NOT NULL CHECK (progress IN ('not_started','in_progress','done','not_done')),
  narrative text NOT NULL CHECK (length(narrative) <= 20000),
  review text NOT NULL DEFAULT 'submitted' CHECK (review IN ('submitted','accepted','returned')),
  submitted_by uuid NOT NULL REFERENCES users(id),
  submitted_at timestamptz(3) NOT NULL DEFAULT now(),
  reviewed_by uuid REFERENCES users(id),
  reviewed_at timestamptz(3),
  return_reason text,
  version integer NOT NULL DEFAULT 1,
  CHECK ((measure_id IS NULL) <> (action_item_id IS NULL)),
  CHECK (review <> 'returned' OR return_reason IS NOT NULL)
);
CREATE UNIQUE INDEX action_plan_reports_measure_idx ON action_plan_reports (measure_id, agency_id, period) WHERE measure_id IS NOT NULL;
CREATE UNIQUE INDEX action_plan_reports_item_idx ON action_plan_reports (action_item_id, agency_id) WHERE action_item_id IS NOT NULL;
CREATE INDEX action_plan_reports_review_idx ON action_plan_reports (review, submitted_at);
CREATE INDEX action_plan_reports_agency_idx ON action_plan_reports (agency_id, period);

CREATE TABLE action_plan_report_values (
  report_id uuid NOT NULL REFERENCES action_plan_reports(id),
  indicator_id uuid NOT NULL REFERENCES action_plan_indicators(id),
  value double precision NOT NULL,
  PRIMARY KEY (report_id, indicator_id)
);

-- Evidence files: encrypted with the master key like case documents kept in the database.
CREATE TABLE action_plan_documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id uuid NOT NULL REFERENCES action_plan_reports(id),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  content_type text NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  ciphertext bytea NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX action_plan_documents_report_idx ON action_plan_documents (report_id, created_at);

-- Written by the sweep at most once per kind, thing (measure or action item), body and year.
CREATE TABLE action_plan_reminders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('report_due','action_item_due')),
  subject_id uuid NOT NULL,
  agency_id uuid NOT NULL REFERENCES agencies(id),
  period integer NOT NULL,
  due_on date NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  read_at timestamptz(3),
  UNIQUE (kind, subject_id, agency_id, period)
);
CREATE INDEX action_plan_reminders_agency_idx ON action_plan_reminders (agency_id, created_at DESC);

UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['action_plan:manage','action_plan:read']) ORDER BY 1)
  WHERE code = 'coordinator';
UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['action_plan:read']) ORDER BY 1)
  WHERE code IN ('analyst', 'auditor');
INSERT INTO roles (code, permissions) VALUES ('plan_focal_point', ARRAY['action_plan:report'])
  ON CONFLICT (code) DO NOTHING;
`;
