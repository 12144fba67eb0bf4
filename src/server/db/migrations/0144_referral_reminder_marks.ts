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
 * the reminders written before are taken from them here (each referral rewritten once). The rows
 * rewritten are read from the new indexes without a look at the table only once `referrals` has
 * been vacuumed: on a large installation, `VACUUM (ANALYZE) referrals` after the upgrade
 * (docs/operations.md, "migrate", "Upgrades"); autovacuum may not see enough changed rows to do it soon.
 */
export const up = /* sql */ `
ALTER TABLE referrals ADD COLUMN answer_reminded_at timestamptz(3), ADD COLUMN rg_reminded_at timestamptz(3);
-- Each referral reminded of written once, with both marks.
UPDATE referrals r SET answer_reminded_at = m.answered, rg_reminded_at = m.rg
FROM (
  SELECT subject_id, max(created_at) FILTER (WHERE kind = 'referral_overdue') AS answered, max(created_at) FILTER (WHERE kind = 'rg_overdue') AS rg
  FROM reminders WHERE kind IN ('referral_overdue', 'rg_overdue') GROUP BY subject_id
) m
WHERE m.subject_id = r.id;
CREATE INDEX referrals_answer_unreminded_idx ON referrals (answer_due_at) WHERE status = 'pending' AND answer_reminded_at IS NULL;
CREATE INDEX referrals_rg_unreminded_idx ON referrals (sent_at) INCLUDE (id, case_id)
  WHERE purpose = 'identification' AND status IN ('pending', 'accepted') AND rg_reminded_at IS NULL;
ANALYZE referrals;
`;
