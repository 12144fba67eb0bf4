/**
 * Reassignment within an agency and reminder e-mails. A reassignment notice is a reminder to the new
 * assignee (`task_assigned`, `case_assigned`), one per reassignment, so the once-per-thing key of the
 * sweep's kinds becomes a partial unique index. Users may turn reminder e-mails off.
 */
export const up = /* sql */ `
ALTER TABLE users ADD COLUMN reminder_emails boolean NOT NULL DEFAULT true;

ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check
  CHECK (kind IN ('task_due','referral_overdue','rg_overdue','task_assigned','case_assigned'));
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_subject_id_key;
CREATE UNIQUE INDEX reminders_sweep_once_idx ON reminders (kind, subject_id)
  WHERE kind IN ('task_due','referral_overdue','rg_overdue');
`;
