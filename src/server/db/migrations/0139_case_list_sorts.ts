/**
 * The case list's other orders (issue 15; docs/nrm.md, "Case list"): by opening time (`opened`,
 * `-opened`) and by case number (`number`, `-number`), besides the default newest entered first.
 *
 * Each way into the list (`listCases`) reads at most a page in the requested order and stops, as
 * `case_listing_order_idx` (0085) lets it for `created_at`: the agency's branch from `case_listing`
 * with the same filtered columns included (index-only, filters tested inside the index), the user's
 * own cases and the cases of users who read every case from the cases table. A btree is read in
 * either direction, so one index serves an order and its reverse. Names are not an order: they are
 * sealed at rest (0098) and no index can sort them.
 */
export const up = /* sql */ `
CREATE INDEX case_listing_opened_idx ON case_listing (agency_id, opened_at DESC, case_id DESC)
  INCLUDE (status, victim_status, region, exploitation_forms, case_number, owner_agency_id, owner_user_id, access_ended, created_at);
CREATE INDEX case_listing_number_idx ON case_listing (agency_id, case_number DESC, case_id DESC)
  INCLUDE (status, victim_status, region, exploitation_forms, owner_agency_id, owner_user_id, access_ended, created_at, opened_at);
CREATE INDEX cases_opened_idx ON cases (opened_at, id);
CREATE INDEX cases_number_order_idx ON cases (case_number, id);
CREATE INDEX cases_owner_user_opened_idx ON cases (owner_user_id, opened_at, id) WHERE owner_user_id IS NOT NULL;
CREATE INDEX cases_owner_user_number_idx ON cases (owner_user_id, case_number, id) WHERE owner_user_id IS NOT NULL;
`;
