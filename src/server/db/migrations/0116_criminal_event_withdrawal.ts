/**
 * A procedural event recorded by mistake is withdrawn, not deleted (nothing is lost): it keeps its
 * row with who withdrew it, when and why (a code; the audit entry says the same), and no longer counts
 * for the order of procedure, the case's status or the figures.
 */
export const up = /* sql */ `
ALTER TABLE criminal_case_events
  ADD COLUMN withdrawn_at timestamptz(3),
  ADD COLUMN withdrawn_by uuid REFERENCES users(id),
  ADD COLUMN withdrawal_reason text CHECK (withdrawal_reason IN ('recorded_by_mistake','wrong_case','duplicate','other')),
  ADD CONSTRAINT criminal_case_events_withdrawn_check CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL) AND (withdrawn_at IS NULL) = (withdrawal_reason IS NULL));
`;
