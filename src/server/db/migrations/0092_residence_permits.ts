/**
 * Residence permits of victims (CETS art. 14): issued for the person's situation or for criminal
 * proceedings, with their expiry, so the country profile's `permitExpiryReminderDays` can remind the
 * case worker before one runs out. A renewal is a new row pointing at the permit it renews; nothing is
 * overwritten. The reminder sweep reads the current permits (not renewed) by expiry.
 */
export const up = /* sql */ `
CREATE TABLE residence_permits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  person_id uuid NOT NULL REFERENCES people(id),
  ground text NOT NULL CHECK (ground IN ('personal_situation', 'criminal_proceedings')),
  issued_on date NOT NULL,
  expires_on date NOT NULL,
  authority text CHECK (length(authority) BETWEEN 1 AND 200),
  permit_number text CHECK (length(permit_number) BETWEEN 1 AND 60),
  renews_id uuid REFERENCES residence_permits(id),
  recorded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (expires_on > issued_on)
);
CREATE INDEX residence_permits_case_idx ON residence_permits (case_id, person_id, issued_on);
-- A permit is renewed once; the renewal is then the one that is renewed next.
CREATE UNIQUE INDEX residence_permits_renews_key ON residence_permits (renews_id) WHERE renews_id IS NOT NULL;
CREATE INDEX residence_permits_expiry_idx ON residence_permits (expires_on);

ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check
  CHECK (kind IN ('task_due','referral_overdue','rg_overdue','task_assigned','case_assigned','permit_expiry'));
DROP INDEX reminders_sweep_once_idx;
CREATE UNIQUE INDEX reminders_sweep_once_idx ON reminders (kind, subject_id)
  WHERE kind IN ('task_due','referral_overdue','rg_overdue','permit_expiry');
`;
