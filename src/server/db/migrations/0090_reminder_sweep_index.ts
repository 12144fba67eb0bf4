/**
 * The reminder sweep reads, every minute, the identification referrals still waiting for a
 * reasonable-grounds decision (pending or accepted): a few percent of all referrals. Without this
 * index each sweep read the whole referrals table; with it the sweep reads only these (sent time, id
 * and case are all it needs to find the waiting ones and their sent days).
 */
export const up = /* sql */ `
CREATE INDEX referrals_identification_open_idx ON referrals (sent_at) INCLUDE (id, case_id)
  WHERE purpose = 'identification' AND status IN ('pending', 'accepted');
`;
