/**
 * An audit log that scales (issue 16): audited operations no longer queue behind one lock.
 *
 * Entries written until now form the single chain they always formed, kept unchanged as chain 0 (a
 * "legacy" chain: hashed without chain and position, its position is its seq); it is closed and
 * nothing is appended to it again. New entries go to one of the chains listed in `audit_chains`
 * (16): each chain has its own positions 1, 2, ... (`pos`) and its own links, and a writer takes
 * only that chain's transaction-scoped advisory lock, trying the chains in turn from its backend's
 * own (`audit_claim_chain`), so concurrent writers spread over the chains instead of waiting.
 * `seq` is now given by a sequence: unique and in the order appends began, with gaps where a
 * transaction rolled back; the hash chains are what shows tampering, not `seq`.
 *
 * `audit_anchors` is a hash chain of its own: each anchor records every chain's head (position and
 * hash) at a moment, so that cutting off a chain's newest entries behind an anchor shows
 * (`pathway audit verify`, docs/operations.md). Append-only like the log.
 */
export const up = /* sql */ `
CREATE TABLE audit_chains (
  chain smallint PRIMARY KEY CHECK (chain >= 0),
  legacy boolean NOT NULL DEFAULT false
);
INSERT INTO audit_chains (chain, legacy) VALUES (0, true);
INSERT INTO audit_chains (chain) SELECT generate_series(1, 16);

ALTER TABLE audit_log ADD COLUMN chain smallint NOT NULL DEFAULT 0, ADD COLUMN pos bigint;
ALTER TABLE audit_log ALTER COLUMN chain DROP DEFAULT;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_chain_pos_check CHECK ((chain = 0) = (pos IS NULL)) NOT VALID;
-- One entry per position of a chain: no forks, whatever the writer. Chain 0's position is its seq.
CREATE UNIQUE INDEX audit_log_chain_pos_idx ON audit_log (chain, (coalesce(pos, seq)));

CREATE SEQUENCE audit_log_seq AS bigint;
SELECT setval('audit_log_seq', coalesce((SELECT max(seq) FROM audit_log), 0) + 1, false);

-- Locks a chain for the rest of the transaction and answers its head and 'entries' new seqs.
-- A transaction that already holds a chain keeps it (pathway.audit_chain, transaction-local);
-- otherwise the first chain free of all, from the backend's own, and only when every chain is
-- busy does it wait, for its own.
CREATE FUNCTION audit_claim_chain(entries int) RETURNS TABLE (chain smallint, pos bigint, hash text, seqs bigint[])
LANGUAGE plpgsql AS $$
DECLARE
  held text := current_setting('pathway.audit_chain', true);
  chains smallint[];
  n int;
  home int;
  c smallint;
BEGIN
  IF held IS NOT NULL AND held <> '' THEN
    c := held::smallint;
  ELSE
    SELECT array_agg(a.chain ORDER BY a.chain) INTO chains FROM audit_chains a WHERE NOT a.legacy;
    n := coalesce(array_length(chains, 1), 0);
    IF n = 0 THEN RAISE EXCEPTION 'audit_chains lists no chain to append to'; END IF;
    home := pg_backend_pid() % n;
    FOR i IN 0 .. n - 1 LOOP
      IF pg_try_advisory_xact_lock(7231001, chains[1 + (home + i) % n]) THEN
        c := chains[1 + (home + i) % n];
        EXIT;
      END IF;
    END LOOP;
    IF c IS NULL THEN
      c := chains[1 + home];
      PERFORM pg_advisory_xact_lock(7231001, c);
    END IF;
    PERFORM set_config('pathway.audit_chain', c::text, true);
  END IF;
  RETURN QUERY
    SELECT c, coalesce(l.pos, 0::bigint), coalesce(l.hash, repeat('0', 64)),
           ARRAY(SELECT nextval('audit_log_seq') FROM generate_series(1, entries))
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT a.pos, a.hash FROM audit_log a WHERE a.chain = c ORDER BY coalesce(a.pos, a.seq) DESC LIMIT 1
    ) AS l ON true;
END $$;

CREATE TABLE audit_anchors (
  id bigint PRIMARY KEY,
  at timestamptz(3) NOT NULL,
  heads jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE FUNCTION audit_anchors_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_anchors is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE OR DELETE ON audit_anchors
  FOR EACH ROW EXECUTE FUNCTION audit_anchors_refuse_change();
CREATE TRIGGER audit_anchors_no_truncate BEFORE TRUNCATE ON audit_anchors
  FOR EACH STATEMENT EXECUTE FUNCTION audit_anchors_refuse_change();
`;
