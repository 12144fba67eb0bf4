/**
 * The case page and every write recomputing a case's facts read its charges by case: without an index
 * on `criminal_case_id` that was a scan of all charges (540 ms at 500,000 charges, docs/benchmarks.md).
 * The figures of a period look up the convictions whose latest sentence came in the period's last month
 * or later (migration 0112): by that day first, so a year reads those few rows, not all its convictions.
 */
export const up = /* sql */ `
CREATE INDEX criminal_charges_case_idx ON criminal_charges (criminal_case_id, brought_on, created_at);
CREATE INDEX justice_facts_sentence_idx ON justice_defendant_facts (sentence_on, convicted_on) WHERE convicted_on IS NOT NULL;
`;
