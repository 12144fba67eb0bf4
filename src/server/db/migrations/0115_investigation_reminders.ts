/**
 * The preliminary-investigation time limit of a criminal case joins the reminder sweep
 * (docs/criminal-justice.md): a reminder is about an NRM case or a criminal case, never both. One
 * reminder per case and time limit (an extension gives a new limit, and so a new reminder). The
 * sweep reads only the cases still in investigation, by opening day.
 */
export const up = /* sql */ `
ALTER TABLE reminders ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE reminders ADD COLUMN criminal_case_id uuid REFERENCES criminal_cases(id);
ALTER TABLE reminders ADD CONSTRAINT reminders_one_case_check CHECK ((case_id IS NULL) <> (criminal_case_id IS NULL));
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check
  CHECK (kind IN ('task_due','referral_overdue','rg_overdue','task_assigned','case_assigned','permit_expiry','referral_assigned','investigation_due'));
CREATE UNIQUE INDEX reminders_investigation_once_idx ON reminders (subject_id, due_at) WHERE kind = 'investigation_due';
CREATE INDEX criminal_cases_in_investigation_idx ON criminal_cases (opened_on) INCLUDE (investigation_extended_until) WHERE status = 'investigation';
`;
