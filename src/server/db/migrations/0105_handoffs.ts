/**
 * Hand-offs and finding things (issue 15, docs/nrm.md "Referrals" and "Case list").
 *
 * An identification referral that lacks a section the decision needs can be asked for: the receiver's
 * request is kept on the referral (when, by whom) and becomes a task of the sender on the case,
 * linked to the referral so that sharing the sections completes it.
 */
export const up = /* sql */ `
ALTER TABLE referrals ADD COLUMN sections_asked_at timestamptz(3), ADD COLUMN sections_asked_by uuid REFERENCES users(id);
ALTER TABLE case_tasks ADD COLUMN referral_id uuid REFERENCES referrals(id), ADD COLUMN asked_sections text[];
CREATE INDEX case_tasks_referral_idx ON case_tasks (referral_id) WHERE referral_id IS NOT NULL AND completed_at IS NULL;
`;
