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
 *
 * The bench's slow filters (docs/benchmarks.md) were those matching few or none of the agency's cases
 * (`status=final`, `form=sexual`, `article=144-1` for an agency with none): the agency's index was
 * walked to its end, fetching every case to test it (5,000 to 10,000 heap fetches a page).
 */
const STATUS_RANK = `(CASE status WHEN 'investigation' THEN 0 WHEN 'suspended' THEN 1 WHEN 'terminated' THEN 2 WHEN 'in_court' THEN 3 WHEN 'decided' THEN 4 WHEN 'final' THEN 5 END)`;

// What the list filters on besides the agency (status, body, forms, articles, complicity, "mine", the
// number prefix): carried in the agency indexes so that the agency's way in filters on the index alone
// (an index-only scan), never fetching a case to find that it does not match.
const FILTERED = 'status, body, forms, articles, official_complicity, owner_user_id';

export const up = /* sql */ `
CREATE INDEX criminal_cases_agency_opened_id_idx ON criminal_cases (owner_agency_id, opened_on, id) INCLUDE (${FILTERED}, case_number);
CREATE INDEX criminal_cases_opened_id_idx ON criminal_cases (opened_on, id);
DROP INDEX criminal_cases_agency_idx;
DROP INDEX criminal_cases_opened_idx;
CREATE INDEX criminal_cases_agency_number_idx ON criminal_cases (owner_agency_id, case_number, id) INCLUDE (${FILTERED}, opened_on);
CREATE INDEX criminal_cases_number_idx ON criminal_cases (case_number, id);
-- The number prefix within the agency (the prefix index of 0109 spans all agencies: with the agency's
-- key, a bitmap of both and every match fetched).
CREATE INDEX criminal_cases_agency_number_prefix_idx ON criminal_cases (owner_agency_id, lower(case_number) text_pattern_ops) INCLUDE (opened_on, id, ${FILTERED}, case_number);
CREATE INDEX criminal_cases_agency_status_idx ON criminal_cases (owner_agency_id, ${STATUS_RANK}, opened_on, id) INCLUDE (${FILTERED}, case_number);
CREATE INDEX criminal_cases_status_idx ON criminal_cases (${STATUS_RANK}, opened_on, id);
ANALYZE criminal_cases;
`;
