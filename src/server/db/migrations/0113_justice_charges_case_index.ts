/**
 * The case page and every write recomputing a case's facts read its charges by case: without an index
 * on `criminal_case_id` that was a scan of all charges (540 ms at 500,000 charges, docs/benchmarks.md).
 */
export const up = /* sql */ `
CREATE INDEX criminal_charges_case_idx ON criminal_charges (criminal_case_id, brought_on, created_at);
`;
