/**
 * The person of the receiving agency who handles a referral: given by a supervisor of that agency,
 * or the user who accepts it. Overdue-answer and reasonable-grounds reminders then go to that person
 * instead of the whole agency, and the supervisor can hand the referral to someone else.
 */
export const up = /* sql */ `
ALTER TABLE referrals ADD COLUMN handler_user_id uuid REFERENCES users(id);
CREATE INDEX referrals_handler_idx ON referrals (handler_user_id) WHERE handler_user_id IS NOT NULL;

ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check
  CHECK (kind IN ('task_due','referral_overdue','rg_overdue','task_assigned','case_assigned','permit_expiry','referral_assigned'));
`;
