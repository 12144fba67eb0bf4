/**
 * The audit log keeps a searched name only as the keyed hashes of its name keys
 * (`changes.nameKeyHashes`); auditors find "who searched for this person?" by the same hashes of the
 * name they type. This index serves that search.
 *
 * Entries written before the rule are not rewritten: the log is append-only and hash-chained, and a
 * rewrite would break `pathway audit verify` and every anchor noted outside the database. The audit
 * routes show old entries through the same rule as new ones (docs/access-model.md).
 */
export const up = /* sql */ `
CREATE INDEX audit_log_name_key_hashes_idx ON audit_log USING gin ((changes -> 'nameKeyHashes'))
  WHERE changes ? 'nameKeyHashes';
`;
