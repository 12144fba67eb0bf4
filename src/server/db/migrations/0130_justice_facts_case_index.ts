/**
 * A case's defendants' facts by case. `justice_case_facts_refresh` (migration 0112) reads the sexes of a
 * case's defendants from `justice_defendant_facts` on every write that refreshes the case's facts, and the
 * records behind the investigations figure filter cases by their defendants' forms: without an index on
 * `criminal_case_id` each was a scan of every defendant's facts (500,000 rows in the bench dataset; the
 * generator's refresh of 50,000 cases at once ran for hours).
 */
export const up = /* sql */ `
CREATE INDEX justice_facts_case_idx ON justice_defendant_facts (criminal_case_id);
`;
