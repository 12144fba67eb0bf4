/**
 * A public statistical release can be withdrawn (issue 13, docs/statistics.md): by the coordinator's
 * office, with a reason kept here (the audit log holds only that one was given). A withdrawn release
 * leaves the public list and its page answers 410; its ledger keeps counting in later disclosure
 * audits, since what was public once may have been copied.
 */
export const up = /* sql */ `
ALTER TABLE statistics_releases DROP CONSTRAINT statistics_releases_status_check;
ALTER TABLE statistics_releases ADD CONSTRAINT statistics_releases_status_check CHECK (status IN ('prepared', 'approved', 'superseded', 'withdrawn'));
ALTER TABLE statistics_releases
  ADD COLUMN withdrawn_by uuid REFERENCES users(id),
  ADD COLUMN withdrawn_at timestamptz,
  ADD COLUMN withdrawal_reason text,
  ADD CONSTRAINT statistics_releases_withdrawal CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL AND approved_at IS NOT NULL));
`;
