/**
 * A case's timeline reads the audit log's writes on the case; every opening of the case page adds a
 * read entry on it too, so without this index the timeline would scan ever more reads.
 */
export const up = /* sql */ `
CREATE INDEX audit_log_record_writes_idx ON audit_log (record_type, record_id, seq) WHERE action NOT LIKE '%.read';
`;
