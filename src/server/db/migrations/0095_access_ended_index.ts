/**
 * The policy engine hides the cases an order ended access to, their people and their referrals, on
 * every read path (`accessEnded` of the resources). For people and referrals that is a look-up of
 * the case: per row a probe, or, when PostgreSQL would rather hash the few closed cases once, a scan
 * of them. This partial index holds only those cases (a handful), so either way costs almost nothing
 * and no list turns into a scan of every case.
 */
export const up = /* sql */ `
CREATE INDEX cases_access_ended_idx ON cases (id) WHERE access_ended_at IS NOT NULL;
`;
