/**
 * Indexes for the access filter at a million cases (docs/benchmarks.md, "NRM cases").
 *
 * Every list and search of the policy engine's filter asks "which records of this type does this
 * agency (or user) hold an active grant on": with grants spread over millions of rows, answering it
 * from the table read one heap page per grant (an agency receiving referrals holds tens of
 * thousands). These cover the whole question (grantee, type, record, and the times `visibleFilter`
 * compares), so it is an index-only scan; they replace the narrower ones of 0001.
 *
 * The case number filter is a prefix match (`LIKE 'NRM-2026-00%'`), which a btree serves only with
 * the pattern operator class under a non-C collation.
 */
export const up = /* sql */ `
CREATE INDEX access_grants_agency_records_idx ON access_grants (grantee_agency_id, record_type, record_id) INCLUDE (created_at, expires_at) WHERE revoked_at IS NULL;
CREATE INDEX access_grants_user_records_idx ON access_grants (grantee_user_id, record_type, record_id) INCLUDE (created_at, expires_at) WHERE revoked_at IS NULL;
DROP INDEX access_grants_agency_idx;
DROP INDEX access_grants_user_idx;
CREATE INDEX cases_number_pattern_idx ON cases (case_number text_pattern_ops);
`;
