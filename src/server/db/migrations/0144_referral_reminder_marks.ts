/**
 * The reminder sweep reads only the referrals it has not reminded about yet (issue 16; docs/nrm.md,
 * "Tasks and reminders"). It found where its new work starts by an anti-join of the waiting
 * referrals with the reminders written before: every minute, in every Pathway process, it read every
 * pending referral past its answer time and every open identification referral, reminded or not. On
 * the benchmark's database (1,000,000 cases, 150,000 overdue referrals reminded long ago) that was
 * 2 s of a core per process and sweep, and the hotline's answers waited behind it.
 *
 * Now a referral carries the time of its overdue reminder (`answer_reminded_at`) and of its
 * reasonable-grounds reminder (`rg_reminded_at`), set by the sweep in the statement that writes the
 * reminder, and two partial indexes hold only the referrals still waiting for one: the sweep reads
 * those. The reminders stay as they were (one per kind and referral, their unique key); the marks of
 * the reminders written before are taken from them here.
 */
export const up = /* sql */ `
ALTER TABLE referrals ADD COLUMN answer_reminded_at timestamptz(3), ADD COLUMN rg_reminded_at timestamptz(3);
UPDATE referrals r SET answer_reminded_at = m.created_at FROM reminders m WHERE m.kind = 'referral_overdue' AND m.subject_id = r.id;
UPDATE referrals r SET rg_reminded_at = m.created_at FROM reminders m WHERE m.kind = 'rg_overdue' AND m.subject_id = r.id;
CREATE INDEX referrals_answer_unreminded_idx ON referrals (answer_due_at) WHERE status = 'pending' AND answer_reminded_at IS NULL;
CREATE INDEX referrals_rg_unreminded_idx ON referrals (sent_at) INCLUDE (id, case_id)
  WHERE purpose = 'identification' AND status IN ('pending', 'accepted') AND rg_reminded_at IS NULL;
`;
