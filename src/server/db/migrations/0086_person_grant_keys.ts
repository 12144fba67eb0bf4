/**
 * People search through grants (docs/nrm.md, "Search"; docs/benchmarks.md, "People search").
 *
 * An agency that receives referrals holds grants on thousands of other agencies' people. Finding
 * those whose names carry a query's keys meant reading every granted person (2,000 index look-ups
 * and heap pages for each search, twice when the loose pass runs), since the grants and the name
 * keys are in different tables. `person_grant_keys` puts them together: one row per grantee (an
 * agency or a user, whose ids are both uuids and never collide) and person with an unrevoked grant,
 * with the person's name keys, in a btree_gin index on (grantee, name_keys), so that "the people
 * granted to this agency whose names carry these keys" is one index scan, as it is for the agency's
 * own people (0051). Grant times and scopes are left to the exact access filter, which the search
 * still applies to every row.
 *
 * Triggers keep it exact: grants inserted (per statement), grants changed or deleted (the affected
 * people refreshed), and people whose name keys change.
 */
export const up = /* sql */ `
CREATE TABLE person_grant_keys (
  grantee uuid NOT NULL,
  person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  name_keys text[] NOT NULL,
  PRIMARY KEY (person_id, grantee)
);
CREATE INDEX person_grant_keys_idx ON person_grant_keys USING gin (grantee, name_keys);

-- The rows of the given people as they should be: one per grantee with an unrevoked grant.
CREATE FUNCTION person_grant_keys_rows(ids uuid[]) RETURNS TABLE (grantee uuid, person_id uuid, name_keys text[])
LANGUAGE sql STABLE AS $fn$
  SELECT DISTINCT COALESCE(g.grantee_agency_id, g.grantee_user_id), p.id, p.name_keys
  FROM access_grants g JOIN people p ON p.id = g.record_id
  WHERE g.record_type = 'person' AND g.revoked_at IS NULL AND g.record_id = ANY (ids)
$fn$;

CREATE FUNCTION person_grant_keys_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $fn$
  DELETE FROM person_grant_keys k
  WHERE k.person_id = ANY (ids)
    AND NOT EXISTS (SELECT 1 FROM person_grant_keys_rows(ids) r WHERE r.person_id = k.person_id AND r.grantee = k.grantee);
  INSERT INTO person_grant_keys AS k
  SELECT * FROM person_grant_keys_rows(ids)
  ON CONFLICT (person_id, grantee) DO UPDATE SET name_keys = excluded.name_keys
  WHERE k.name_keys IS DISTINCT FROM excluded.name_keys;
$fn$;

-- Grant writers of one person take turns (and see each other's commits, and the person's keys as committed).
CREATE FUNCTION person_grant_keys_lock(ids uuid[]) RETURNS void LANGUAGE sql AS $fn$
  SELECT 1 FROM people WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
$fn$;

CREATE FUNCTION person_grant_keys_grants_inserted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM person_grant_keys_lock(ARRAY(SELECT g.record_id FROM new_grants g WHERE g.record_type = 'person'));
  INSERT INTO person_grant_keys
  SELECT DISTINCT COALESCE(g.grantee_agency_id, g.grantee_user_id), p.id, p.name_keys
  FROM new_grants g JOIN people p ON p.id = g.record_id
  WHERE g.record_type = 'person' AND g.revoked_at IS NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $fn$;
CREATE TRIGGER person_grant_keys_grants_inserted AFTER INSERT ON access_grants
  REFERENCING NEW TABLE AS new_grants FOR EACH STATEMENT EXECUTE FUNCTION person_grant_keys_grants_inserted();

CREATE FUNCTION person_grant_keys_grants_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM person_grant_keys_lock(ARRAY(SELECT o.record_id FROM old_grants o WHERE o.record_type = 'person'));
    PERFORM person_grant_keys_refresh(ARRAY(SELECT o.record_id FROM old_grants o WHERE o.record_type = 'person'));
  ELSE
    PERFORM person_grant_keys_lock(ARRAY(SELECT o.record_id FROM old_grants o WHERE o.record_type = 'person' UNION SELECT n.record_id FROM new_grants n WHERE n.record_type = 'person'));
    PERFORM person_grant_keys_refresh(ARRAY(
      SELECT o.record_id FROM old_grants o WHERE o.record_type = 'person'
      UNION
      SELECT n.record_id FROM new_grants n WHERE n.record_type = 'person'));
  END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER person_grant_keys_grants_updated AFTER UPDATE ON access_grants
  REFERENCING OLD TABLE AS old_grants NEW TABLE AS new_grants FOR EACH STATEMENT EXECUTE FUNCTION person_grant_keys_grants_changed();
CREATE TRIGGER person_grant_keys_grants_deleted AFTER DELETE ON access_grants
  REFERENCING OLD TABLE AS old_grants FOR EACH STATEMENT EXECUTE FUNCTION person_grant_keys_grants_changed();

CREATE FUNCTION person_grant_keys_people_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE person_grant_keys k SET name_keys = n.name_keys
  FROM new_people n JOIN old_people o ON o.id = n.id
  WHERE k.person_id = n.id AND n.name_keys IS DISTINCT FROM o.name_keys;
  RETURN NULL;
END $fn$;
CREATE TRIGGER person_grant_keys_people_updated AFTER UPDATE ON people
  REFERENCING OLD TABLE AS old_people NEW TABLE AS new_people FOR EACH STATEMENT EXECUTE FUNCTION person_grant_keys_people_updated();

INSERT INTO person_grant_keys
SELECT DISTINCT COALESCE(g.grantee_agency_id, g.grantee_user_id), p.id, p.name_keys
FROM access_grants g JOIN people p ON p.id = g.record_id
WHERE g.record_type = 'person' AND g.revoked_at IS NULL;
ANALYZE person_grant_keys;
`;
