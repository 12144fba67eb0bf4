/**
 * The case list's access index (docs/nrm.md, "Case list"; docs/benchmarks.md, "NRM cases").
 *
 * A case worker's list is the newest cases among those their agency owns or holds a grant on: at a
 * million cases an agency that receives many referrals sees about 3 % of them, 10,000 of its own and
 * 20,000 granted. Walking all cases newest first and testing each against the access filter read
 * thousands of rows for one page (tens of thousands with selective filters), and the granted ones
 * cannot come from an index on the cases, since which agencies hold a grant is in another table.
 *
 * `case_listing` holds one row per agency that may list a case: its owning agency and every agency
 * with an unrevoked grant on it (expiry and future start are left to the exact access filter, which
 * the list still applies to every row it returns). Each row carries the case's order (created_at,
 * id) and the columns the list filters on, so that `case_listing_order_idx` answers a page with an
 * index-only scan that skips non-matching rows inside the index and stops after a page of matches.
 *
 * Triggers keep it exact: on inserted cases and grants (per statement, through transition tables,
 * so bulk inserts stay fast), on changed cases (owner, or a listed column), and on grants revoked,
 * changed or deleted. The backfill at the end fills it for existing data.
 */
export const up = /* sql */ `
CREATE TABLE case_listing (
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  agency_id uuid NOT NULL,
  created_at timestamptz(3) NOT NULL,
  opened_at timestamptz(3) NOT NULL,
  status text NOT NULL,
  victim_status text NOT NULL,
  region text,
  exploitation_forms text[] NOT NULL,
  case_number text NOT NULL,
  owner_agency_id uuid NOT NULL,
  owner_user_id uuid,
  access_ended boolean NOT NULL,
  PRIMARY KEY (case_id, agency_id)
);
CREATE INDEX case_listing_order_idx ON case_listing (agency_id, created_at DESC, case_id DESC)
  INCLUDE (status, victim_status, region, exploitation_forms, case_number, owner_agency_id, owner_user_id, access_ended, opened_at);

-- The rows of the given cases as they should be: the owner's, and one per agency with an unrevoked grant.
CREATE FUNCTION case_listing_rows(ids uuid[]) RETURNS TABLE (
  case_id uuid, agency_id uuid, created_at timestamptz(3), opened_at timestamptz(3), status text, victim_status text,
  region text, exploitation_forms text[], case_number text, owner_agency_id uuid, owner_user_id uuid, access_ended boolean
) LANGUAGE sql STABLE AS $fn$
  SELECT c.id, x.agency_id, c.created_at, c.opened_at, c.status, c.victim_status, c.region, c.exploitation_forms,
         c.case_number, c.owner_agency_id, c.owner_user_id, c.access_ended_at IS NOT NULL
  FROM cases c
  CROSS JOIN LATERAL (
    SELECT c.owner_agency_id AS agency_id
    UNION
    SELECT g.grantee_agency_id FROM access_grants g
    WHERE g.record_type = 'case' AND g.record_id = c.id AND g.grantee_agency_id IS NOT NULL AND g.revoked_at IS NULL
  ) x
  WHERE c.id = ANY (ids)
$fn$;

-- Makes the rows of the given cases exact: removes the rows no longer justified, adds the missing
-- ones and brings the listed columns up to date, touching only rows that change.
CREATE FUNCTION case_listing_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $fn$
  DELETE FROM case_listing l
  WHERE l.case_id = ANY (ids)
    AND NOT EXISTS (SELECT 1 FROM case_listing_rows(ids) r WHERE r.case_id = l.case_id AND r.agency_id = l.agency_id);
  INSERT INTO case_listing AS l
  SELECT * FROM case_listing_rows(ids)
  ON CONFLICT (case_id, agency_id) DO UPDATE SET
    created_at = excluded.created_at, opened_at = excluded.opened_at, status = excluded.status,
    victim_status = excluded.victim_status, region = excluded.region, exploitation_forms = excluded.exploitation_forms,
    case_number = excluded.case_number, owner_agency_id = excluded.owner_agency_id, owner_user_id = excluded.owner_user_id,
    access_ended = excluded.access_ended
  WHERE (l.created_at, l.opened_at, l.status, l.victim_status, l.region, l.exploitation_forms, l.case_number,
         l.owner_agency_id, l.owner_user_id, l.access_ended)
     IS DISTINCT FROM
        (excluded.created_at, excluded.opened_at, excluded.status, excluded.victim_status, excluded.region,
         excluded.exploitation_forms, excluded.case_number, excluded.owner_agency_id, excluded.owner_user_id, excluded.access_ended);
$fn$;

CREATE FUNCTION case_listing_cases_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO case_listing
  SELECT n.id, n.owner_agency_id, n.created_at, n.opened_at, n.status, n.victim_status, n.region, n.exploitation_forms,
         n.case_number, n.owner_agency_id, n.owner_user_id, n.access_ended_at IS NOT NULL
  FROM new_cases n
  ON CONFLICT DO NOTHING;
  -- Grants written before their case (none of Pathway's paths do, but an import might).
  PERFORM case_listing_refresh(ARRAY(
    SELECT n.id FROM new_cases n
    WHERE EXISTS (SELECT 1 FROM access_grants g WHERE g.record_type = 'case' AND g.record_id = n.id AND g.grantee_agency_id IS NOT NULL)));
  RETURN NULL;
END $fn$;
CREATE TRIGGER case_listing_cases_inserted AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION case_listing_cases_inserted();

CREATE FUNCTION case_listing_cases_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM case_listing_refresh(ARRAY(
    SELECT n.id FROM new_cases n JOIN old_cases o ON o.id = n.id
    WHERE (n.created_at, n.opened_at, n.status, n.victim_status, n.region, n.exploitation_forms, n.case_number,
           n.owner_agency_id, n.owner_user_id, n.access_ended_at IS NOT NULL)
       IS DISTINCT FROM
          (o.created_at, o.opened_at, o.status, o.victim_status, o.region, o.exploitation_forms, o.case_number,
           o.owner_agency_id, o.owner_user_id, o.access_ended_at IS NOT NULL)));
  RETURN NULL;
END $fn$;
CREATE TRIGGER case_listing_cases_updated AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION case_listing_cases_updated();

-- Grant writers of one case take turns with each other and with writers of the case row (an UPDATE
-- holds the same lock), so each sees the other's commit: without it a revoke racing a new grant to the
-- same agency, or a transfer racing a grant to the old owner, deletes a row that should stay, and a
-- grant written while the case changes copies its old columns.
CREATE FUNCTION case_listing_lock(ids uuid[]) RETURNS void LANGUAGE sql AS $fn$
  SELECT 1 FROM cases WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
$fn$;

CREATE FUNCTION case_listing_grants_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM case_listing_lock(ARRAY(SELECT g.record_id FROM new_grants g WHERE g.record_type = 'case' AND g.grantee_agency_id IS NOT NULL));
  INSERT INTO case_listing
  SELECT c.id, g.grantee_agency_id, c.created_at, c.opened_at, c.status, c.victim_status, c.region, c.exploitation_forms,
         c.case_number, c.owner_agency_id, c.owner_user_id, c.access_ended_at IS NOT NULL
  FROM new_grants g JOIN cases c ON c.id = g.record_id
  WHERE g.record_type = 'case' AND g.grantee_agency_id IS NOT NULL AND g.revoked_at IS NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $fn$;
CREATE TRIGGER case_listing_grants_inserted AFTER INSERT ON access_grants
  REFERENCING NEW TABLE AS new_grants FOR EACH STATEMENT EXECUTE FUNCTION case_listing_grants_inserted();

CREATE FUNCTION case_listing_grants_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM case_listing_lock(ARRAY(SELECT o.record_id FROM old_grants o WHERE o.record_type = 'case' UNION SELECT n.record_id FROM new_grants n WHERE n.record_type = 'case'));
  PERFORM case_listing_refresh(ARRAY(
    SELECT o.record_id FROM old_grants o WHERE o.record_type = 'case'
    UNION
    SELECT n.record_id FROM new_grants n WHERE n.record_type = 'case'));
  RETURN NULL;
END $fn$;
CREATE TRIGGER case_listing_grants_updated AFTER UPDATE ON access_grants
  REFERENCING OLD TABLE AS old_grants NEW TABLE AS new_grants FOR EACH STATEMENT EXECUTE FUNCTION case_listing_grants_updated();

CREATE FUNCTION case_listing_grants_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM case_listing_lock(ARRAY(SELECT o.record_id FROM old_grants o WHERE o.record_type = 'case'));
  PERFORM case_listing_refresh(ARRAY(SELECT o.record_id FROM old_grants o WHERE o.record_type = 'case'));
  RETURN NULL;
END $fn$;
CREATE TRIGGER case_listing_grants_deleted AFTER DELETE ON access_grants
  REFERENCING OLD TABLE AS old_grants FOR EACH STATEMENT EXECUTE FUNCTION case_listing_grants_deleted();

INSERT INTO case_listing
SELECT c.id, c.owner_agency_id, c.created_at, c.opened_at, c.status, c.victim_status, c.region, c.exploitation_forms,
       c.case_number, c.owner_agency_id, c.owner_user_id, c.access_ended_at IS NOT NULL
FROM cases c;
INSERT INTO case_listing
SELECT c.id, g.grantee_agency_id, c.created_at, c.opened_at, c.status, c.victim_status, c.region, c.exploitation_forms,
       c.case_number, c.owner_agency_id, c.owner_user_id, c.access_ended_at IS NOT NULL
FROM access_grants g JOIN cases c ON c.id = g.record_id
WHERE g.record_type = 'case' AND g.grantee_agency_id IS NOT NULL AND g.revoked_at IS NULL
ON CONFLICT DO NOTHING;
ANALYZE case_listing;
`;
