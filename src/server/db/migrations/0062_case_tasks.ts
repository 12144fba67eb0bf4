/**
 * Tasks on cases with due dates, and reminders: rows the reminder worker writes (at most once per
 * thing and kind) for a task coming due, a referral past its answer time, a reasonable-grounds
 * decision past its target. Users see theirs; reminders to an agency are for everyone in it.
 */
export const up = /* sql */ `
CREATE TABLE case_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  due_at timestamptz(3) NOT NULL,
  assigned_user_id uuid NOT NULL REFERENCES users(id),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  completed_at timestamptz(3),
  completed_by uuid REFERENCES users(id),
  reminded_at timestamptz(3)
);
CREATE INDEX case_tasks_case_idx ON case_tasks (case_id, due_at);
CREATE INDEX case_tasks_open_due_idx ON case_tasks (due_at) WHERE completed_at IS NULL;
CREATE INDEX case_tasks_assignee_idx ON case_tasks (assigned_user_id, due_at) WHERE completed_at IS NULL;

CREATE TABLE reminders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('task_due','referral_overdue','rg_overdue')),
  -- The thing reminded about: a task, a referral.
  subject_id uuid NOT NULL,
  case_id uuid NOT NULL REFERENCES cases(id),
  user_id uuid REFERENCES users(id),
  agency_id uuid REFERENCES agencies(id),
  due_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  read_at timestamptz(3),
  UNIQUE (kind, subject_id),
  CHECK ((user_id IS NULL) <> (agency_id IS NULL))
);
CREATE INDEX reminders_user_idx ON reminders (user_id, created_at) WHERE user_id IS NOT NULL;
CREATE INDEX reminders_agency_idx ON reminders (agency_id, created_at) WHERE agency_id IS NOT NULL;
`;
