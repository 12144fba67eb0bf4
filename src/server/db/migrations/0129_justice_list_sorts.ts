/**
 * The criminal-case list sorts by opening date, case number or status (in the order of procedure,
 * then opening date), either way, keyset on the sort's values and the id (docs/criminal-justice.md,
 * "API"). Each sort has an index over all cases (users who may read every case) and one by owning
 * agency (the agency's way in), with the id last so that a page is a page of index entries read in
 * order, forwards or backwards. The status expression is the one `repository.ts` orders by
 * (`STATUS_RANK`): PostgreSQL uses an expression index only for the same expression.
 *
 * The opening-date indexes of 0107 held the id ascending under the date descending, so neither
 * direction of (date, id) was their order and every page sorted its candidates: replaced here by
 * indexes in the list's own order.
 */
const STATUS_RANK = `(CASE status WHEN 'investigation' THEN 0 WHEN 'suspended' THEN 1 WHEN 'terminated' THEN 2 WHEN 'in_court' THEN 3 WHEN 'decided' THEN 4 WHEN 'final' THEN 5 END)`;

export const up = /* sql */ `
CREATE INDEX criminal_cases_agency_opened_id_idx ON criminal_cases (owner_agency_id, opened_on, id);
CREATE INDEX criminal_cases_opened_id_idx ON criminal_cases (opened_on, id);
DROP INDEX criminal_cases_agency_idx;
DROP INDEX criminal_cases_opened_idx;
CREATE INDEX criminal_cases_agency_number_idx ON criminal_cases (owner_agency_id, case_number, id);
CREATE INDEX criminal_cases_number_idx ON criminal_cases (case_number, id);
CREATE INDEX criminal_cases_agency_status_idx ON criminal_cases (owner_agency_id, ${STATUS_RANK}, opened_on, id);
CREATE INDEX criminal_cases_status_idx ON criminal_cases (${STATUS_RANK}, opened_on, id);
ANALYZE criminal_cases;
`;
