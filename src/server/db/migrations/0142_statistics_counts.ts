/**
 * The national statistics counted as the records change (issue 13, "Speed"; docs/statistics.md,
 * "Counting at scale"), so that a year's tables read thousands of rows, not every victim, referral
 * and contact of the year.
 *
 * - `statistics_victims`: one row per victim of a case (the person not merged away), with every value
 *   the tables split by, worked out exactly as the tables define them (age on the day the case opened,
 *   the latest conclusive identification decision, the case's first form, the owner agency's type; a
 *   change of an agency's type moves its victims in one statement), and
 *   `statistics_victim_months`: those rows counted by month of opening. A row trigger on each source
 *   (cases, case_people, people, identification_decisions) calls `statistics_victim_refresh` for the
 *   victims it touches, which works the row out again from the records, with the victim's
 *   `case_people` row locked (so two transactions changing the same victim's sources one after the
 *   other both count; a row lock, so bulk writes use no slot of the shared lock table), and moves the
 *   count from the old group to the new.
 * - `statistics_referral_days`, `statistics_service_days`: referrals by day sent, purpose and status;
 *   assistance services by day (started, else planned, else recorded, in the country's time zone),
 *   service and status. Kept by row triggers adding the new row's group and taking away the old's.
 * - `statistics_contact_days`, `statistics_hotline_victim_days`: contacts (not test ones) by day
 *   received and contact type; the potential victims their persons name, by sex and age group. Kept
 *   the same way, inserts and deletes once per statement from its transition table.
 *
 * Every count is kept in 16 slots, one per writing connection (`statistics_slot`), so that concurrent
 * writers (intake above all) do not queue on one row, and each change writes its rows in key order,
 * so that two transactions moving counts between the same groups in opposite directions do not
 * deadlock. Days are the country profile's time zone's (`statistics_time_zone`); a change of that zone
 * counts everything again (`statistics_rebuild`). A restore loads the backup's rows and counts with the
 * triggers quiet (`pathway.statistics_quiet`); bulk generators do the same and count again at the end.
 * Groups whose count falls to zero are left in place and read as nothing (every read sums and drops
 * zeros).
 */
export const up = /* sql */ `
CREATE FUNCTION statistics_time_zone() RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT coalesce((SELECT value->>'timeZone' FROM settings WHERE key = 'nrm.country_profile'), 'Asia/Baku')
$fn$;

CREATE FUNCTION statistics_quiet() RETURNS boolean LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(current_setting('pathway.statistics_quiet', true), '') = 'on'
$fn$;

-- ---------------------------------------------------------------------------------------------
-- NRM victims

CREATE TABLE statistics_victims (
  case_id uuid NOT NULL,
  person_id uuid NOT NULL,
  opened_on date NOT NULL,
  sex text NOT NULL,
  age_group text NOT NULL,
  status text NOT NULL,
  citizenship text NOT NULL,
  country text NOT NULL,
  form text NOT NULL,
  agency_id uuid NOT NULL,
  agency_type text NOT NULL,
  PRIMARY KEY (case_id, person_id)
);
CREATE INDEX statistics_victims_opened_idx ON statistics_victims (opened_on);
CREATE INDEX statistics_victims_agency_idx ON statistics_victims (agency_id);

CREATE TABLE statistics_victim_months (
  month date NOT NULL,
  sex text NOT NULL,
  age_group text NOT NULL,
  status text NOT NULL,
  citizenship text NOT NULL,
  country text NOT NULL,
  form text NOT NULL,
  agency_type text NOT NULL,
  slot smallint NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (month, sex, age_group, status, citizenship, country, form, agency_type, slot)
);

-- One victim's row as the tables define it, or none (not a victim, merged away, no such case).
-- '' stands for "not recorded" (citizenship, country, form).
CREATE FUNCTION statistics_victim_row(c_id uuid, p_id uuid, tz text)
RETURNS TABLE (opened_on date, sex text, age_group text, status text, citizenship text, country text, form text, agency_id uuid, agency_type text)
LANGUAGE sql STABLE AS $fn$
  SELECT v.opened_on, v.sex,
         CASE WHEN v.age_disputed THEN 'child'
              WHEN v.birth_year IS NULL THEN 'unknown'
              WHEN extract(year FROM v.opened_on)::int - v.birth_year <= 18 THEN 'child'
              ELSE 'adult' END,
         CASE WHEN d.outcome IN ('identified_trafficking', 'identified_forced_labour') THEN 'identified'
              WHEN d.outcome IN ('not_enough_evidence', 'negative') THEN 'not_identified'
              ELSE 'presumed' END,
         coalesce(v.citizenship, ''), coalesce(v.country, ''), coalesce(v.form, ''), v.owner_agency_id, v.agency_type
  FROM (
    SELECT cp.age_disputed, pe.sex, pe.birth_year, pe.citizenship, c.country, c.exploitation_forms[1] AS form,
           c.owner_agency_id, a.type AS agency_type, (c.opened_at AT TIME ZONE tz)::date AS opened_on
    FROM cases c
    JOIN case_people cp ON cp.case_id = c.id AND cp.person_id = p_id AND cp.role = 'victim'
    JOIN people pe ON pe.id = cp.person_id AND pe.merged_into IS NULL
    JOIN agencies a ON a.id = c.owner_agency_id
    WHERE c.id = c_id
  ) v
  LEFT JOIN LATERAL (
    SELECT outcome FROM identification_decisions d
    WHERE d.case_id = c_id AND d.person_id = p_id
    ORDER BY (d.stage = 'conclusive') DESC, d.decided_on DESC, d.created_at DESC
    LIMIT 1
  ) d ON true
$fn$;

-- The writing connection's slot: two transactions on two connections never wait on one count row
-- (nor deadlock moving victims between the same two groups in opposite directions).
CREATE FUNCTION statistics_slot() RETURNS smallint LANGUAGE sql STABLE AS $fn$ SELECT (pg_backend_pid() % 16)::smallint $fn$;

-- A victim's count moved from its old group to its new one (either may be absent), in one statement
-- with the rows in key order.
CREATE FUNCTION statistics_victim_move(was statistics_victims, now_row statistics_victims) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO statistics_victim_months (month, sex, age_group, status, citizenship, country, form, agency_type, slot, n)
  SELECT date_trunc('month', (v.r).opened_on)::date, (v.r).sex, (v.r).age_group, (v.r).status, (v.r).citizenship, (v.r).country, (v.r).form, (v.r).agency_type,
         statistics_slot(), sum(v.d)::int
  FROM (VALUES (was, -1), (now_row, 1)) v(r, d)
  WHERE (v.r).case_id IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(v.d) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
  ON CONFLICT (month, sex, age_group, status, citizenship, country, form, agency_type, slot)
  DO UPDATE SET n = statistics_victim_months.n + excluded.n
$fn$;

CREATE FUNCTION statistics_victim_refresh(c_id uuid, p_id uuid) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  was statistics_victims;
  now_row statistics_victims;
  has boolean;
BEGIN
  IF c_id IS NULL OR p_id IS NULL OR statistics_quiet() THEN RETURN; END IF;
  -- Writers of one victim queue on its row in case_people (a row lock, so a transaction touching
  -- many victims takes no slot of the shared lock table); each statement below then sees what the
  -- writer before committed. With the row gone, the DELETE below is what orders them.
  PERFORM 1 FROM case_people WHERE case_id = c_id AND person_id = p_id FOR NO KEY UPDATE;
  SELECT c_id, p_id, r.* INTO now_row FROM statistics_victim_row(c_id, p_id, statistics_time_zone()) r;
  has := FOUND;
  SELECT * INTO was FROM statistics_victims WHERE case_id = c_id AND person_id = p_id;
  IF FOUND AND has AND was IS NOT DISTINCT FROM now_row THEN RETURN; END IF;
  DELETE FROM statistics_victims WHERE case_id = c_id AND person_id = p_id RETURNING * INTO was;
  IF has THEN
    INSERT INTO statistics_victims SELECT now_row.*;
  ELSE
    now_row := NULL;
  END IF;
  PERFORM statistics_victim_move(was, now_row);
END $fn$;

CREATE FUNCTION statistics_case_people_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.role = 'victim' THEN PERFORM statistics_victim_refresh(OLD.case_id, OLD.person_id); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (NEW.role = 'victim' OR (TG_OP = 'UPDATE' AND OLD.role = 'victim'))
     AND (TG_OP = 'INSERT' OR NEW.case_id <> OLD.case_id OR NEW.person_id <> OLD.person_id OR NEW.role <> 'victim' OR OLD.role <> 'victim' OR NEW.age_disputed <> OLD.age_disputed) THEN
    PERFORM statistics_victim_refresh(NEW.case_id, NEW.person_id);
  END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_case_people AFTER INSERT OR UPDATE OF case_id, person_id, role, age_disputed OR DELETE ON case_people
  FOR EACH ROW EXECUTE FUNCTION statistics_case_people_changed();

CREATE FUNCTION statistics_case_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE v record;
BEGIN
  FOR v IN SELECT person_id FROM case_people WHERE case_id = NEW.id AND role = 'victim' ORDER BY person_id LOOP
    PERFORM statistics_victim_refresh(NEW.id, v.person_id);
  END LOOP;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_cases AFTER UPDATE OF opened_at, country, exploitation_forms, owner_agency_id ON cases
  FOR EACH ROW WHEN (OLD.opened_at IS DISTINCT FROM NEW.opened_at OR OLD.country IS DISTINCT FROM NEW.country
    OR OLD.exploitation_forms[1] IS DISTINCT FROM NEW.exploitation_forms[1] OR OLD.owner_agency_id IS DISTINCT FROM NEW.owner_agency_id)
  EXECUTE FUNCTION statistics_case_changed();

CREATE FUNCTION statistics_person_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE v record;
BEGIN
  FOR v IN SELECT case_id FROM case_people WHERE person_id = NEW.id AND role = 'victim' ORDER BY case_id LOOP
    PERFORM statistics_victim_refresh(v.case_id, NEW.id);
  END LOOP;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_people AFTER UPDATE OF sex, birth_year, citizenship, merged_into ON people
  FOR EACH ROW WHEN (OLD.sex IS DISTINCT FROM NEW.sex OR OLD.birth_year IS DISTINCT FROM NEW.birth_year
    OR OLD.citizenship IS DISTINCT FROM NEW.citizenship OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
  EXECUTE FUNCTION statistics_person_changed();

CREATE FUNCTION statistics_decision_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM statistics_victim_refresh(OLD.case_id, OLD.person_id); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.case_id, NEW.person_id) IS DISTINCT FROM (OLD.case_id, OLD.person_id)) THEN
    PERFORM statistics_victim_refresh(NEW.case_id, NEW.person_id);
  END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_identification_decisions AFTER INSERT OR UPDATE OF case_id, person_id, stage, outcome, decided_on, created_at OR DELETE ON identification_decisions
  FOR EACH ROW EXECUTE FUNCTION statistics_decision_changed();

-- An agency of another type: its victims move, all in one statement (the counts are by type).
CREATE FUNCTION statistics_agency_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF statistics_quiet() THEN RETURN NULL; END IF;
  WITH moved AS (
    UPDATE statistics_victims SET agency_type = NEW.type WHERE agency_id = NEW.id
    RETURNING opened_on, sex, age_group, status, citizenship, country, form
  )
  INSERT INTO statistics_victim_months (month, sex, age_group, status, citizenship, country, form, agency_type, slot, n)
  SELECT x.month, x.sex, x.age_group, x.status, x.citizenship, x.country, x.form, x.agency_type, statistics_slot(), sum(x.d)::int
  FROM (
    SELECT date_trunc('month', opened_on)::date AS month, sex, age_group, status, citizenship, country, form, OLD.type AS agency_type, -1 AS d FROM moved
    UNION ALL
    SELECT date_trunc('month', opened_on)::date, sex, age_group, status, citizenship, country, form, NEW.type, 1 FROM moved
  ) x
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(x.d) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
  ON CONFLICT (month, sex, age_group, status, citizenship, country, form, agency_type, slot) DO UPDATE SET n = statistics_victim_months.n + excluded.n;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_agencies AFTER UPDATE OF type ON agencies
  FOR EACH ROW WHEN (OLD.type IS DISTINCT FROM NEW.type)
  EXECUTE FUNCTION statistics_agency_changed();

-- ---------------------------------------------------------------------------------------------
-- Referrals and services

CREATE TABLE statistics_referral_days (
  day date NOT NULL,
  purpose text NOT NULL,
  status text NOT NULL,
  slot smallint NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (day, purpose, status, slot)
);

CREATE FUNCTION statistics_referral_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE tz text;
BEGIN
  IF statistics_quiet() THEN RETURN NULL; END IF;
  tz := statistics_time_zone();
  INSERT INTO statistics_referral_days (day, purpose, status, slot, n)
  SELECT x.day, x.purpose, x.status, statistics_slot(), sum(x.d)::int
  FROM (
    SELECT (OLD.sent_at AT TIME ZONE tz)::date, OLD.purpose, OLD.status, -1 WHERE TG_OP IN ('UPDATE', 'DELETE')
    UNION ALL
    SELECT (NEW.sent_at AT TIME ZONE tz)::date, NEW.purpose, NEW.status, 1 WHERE TG_OP IN ('INSERT', 'UPDATE')
  ) x(day, purpose, status, d)
  GROUP BY 1, 2, 3 HAVING sum(x.d) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (day, purpose, status, slot) DO UPDATE SET n = statistics_referral_days.n + excluded.n;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_referrals_insert_delete AFTER INSERT OR DELETE ON referrals
  FOR EACH ROW EXECUTE FUNCTION statistics_referral_changed();
CREATE TRIGGER statistics_referrals_update AFTER UPDATE OF sent_at, purpose, status ON referrals
  FOR EACH ROW WHEN ((OLD.sent_at, OLD.purpose, OLD.status) IS DISTINCT FROM (NEW.sent_at, NEW.purpose, NEW.status))
  EXECUTE FUNCTION statistics_referral_changed();

CREATE TABLE statistics_service_days (
  day date NOT NULL,
  service text NOT NULL,
  status text NOT NULL,
  slot smallint NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (day, service, status, slot)
);

CREATE FUNCTION statistics_service_day(s case_assistance_services, tz text) RETURNS date LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(s.started_on, s.planned_on, (s.created_at AT TIME ZONE tz)::date)
$fn$;

CREATE FUNCTION statistics_service_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE tz text;
BEGIN
  IF statistics_quiet() THEN RETURN NULL; END IF;
  tz := statistics_time_zone();
  INSERT INTO statistics_service_days (day, service, status, slot, n)
  SELECT x.day, x.service, x.status, statistics_slot(), sum(x.d)::int
  FROM (
    SELECT statistics_service_day(OLD, tz), OLD.service, OLD.status, -1 WHERE TG_OP IN ('UPDATE', 'DELETE')
    UNION ALL
    SELECT statistics_service_day(NEW, tz), NEW.service, NEW.status, 1 WHERE TG_OP IN ('INSERT', 'UPDATE')
  ) x(day, service, status, d)
  GROUP BY 1, 2, 3 HAVING sum(x.d) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (day, service, status, slot) DO UPDATE SET n = statistics_service_days.n + excluded.n;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_services_insert_delete AFTER INSERT OR DELETE ON case_assistance_services
  FOR EACH ROW EXECUTE FUNCTION statistics_service_changed();
CREATE TRIGGER statistics_services_update AFTER UPDATE OF service, status, started_on, planned_on, created_at ON case_assistance_services
  FOR EACH ROW WHEN ((OLD.service, OLD.status, OLD.started_on, OLD.planned_on, OLD.created_at) IS DISTINCT FROM (NEW.service, NEW.status, NEW.started_on, NEW.planned_on, NEW.created_at))
  EXECUTE FUNCTION statistics_service_changed();

-- ---------------------------------------------------------------------------------------------
-- The hotline

CREATE TABLE statistics_contact_days (
  day date NOT NULL,
  contact_type text NOT NULL,
  slot smallint NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (day, contact_type, slot)
);

CREATE TABLE statistics_hotline_victim_days (
  day date NOT NULL,
  sex text NOT NULL,
  age_group text NOT NULL,
  slot smallint NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (day, sex, age_group, slot)
);

-- The potential victims a contact's persons name, by sex and age group (as the tables define them).
CREATE FUNCTION statistics_hotline_victims(persons jsonb) RETURNS TABLE (sex text, age_group text, n integer) LANGUAGE sql IMMUTABLE AS $fn$
  SELECT coalesce(x->>'sex', 'unknown'),
         CASE WHEN (x->>'possiblyChild')::boolean OR (x->>'age')::int < 18 THEN 'child'
              WHEN x->>'age' IS NULL THEN 'unknown' ELSE 'adult' END,
         count(*)::int
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(persons) = 'array' THEN persons ELSE '[]'::jsonb END) x
  WHERE x->>'role' = 'potential_victim'
  GROUP BY 1, 2
$fn$;

-- Inserts and deletes, counted once per statement (intake writes contacts in batches), read from the
-- statement's transition table (\`added\` or \`removed\`), the rows in key order.
CREATE FUNCTION statistics_contacts_statement() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  rel text := CASE TG_OP WHEN 'INSERT' THEN 'added' ELSE 'removed' END;
  sign integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  IF statistics_quiet() THEN RETURN NULL; END IF;
  EXECUTE format($q$
    INSERT INTO statistics_contact_days (day, contact_type, slot, n)
    SELECT (c.received_at AT TIME ZONE $1)::date, coalesce(c.contact_type, ''), statistics_slot(), $2 * count(*)::int
    FROM %I c WHERE NOT c.is_test GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (day, contact_type, slot) DO UPDATE SET n = statistics_contact_days.n + excluded.n$q$, rel)
    USING statistics_time_zone(), sign;
  EXECUTE format($q$
    INSERT INTO statistics_hotline_victim_days (day, sex, age_group, slot, n)
    SELECT (c.received_at AT TIME ZONE $1)::date, v.sex, v.age_group, statistics_slot(), $2 * sum(v.n)::int
    FROM %I c, LATERAL statistics_hotline_victims(c.persons) v
    WHERE NOT c.is_test AND c.persons <> '[]'::jsonb GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, sex, age_group, slot) DO UPDATE SET n = statistics_hotline_victim_days.n + excluded.n$q$, rel)
    USING statistics_time_zone(), sign;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_contacts_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION statistics_contacts_statement();
CREATE TRIGGER statistics_contacts_delete AFTER DELETE ON contacts REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION statistics_contacts_statement();

-- Updates one row at a time (a contact is edited alone; transition tables take no column list).
CREATE FUNCTION statistics_contact_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE tz text;
BEGIN
  IF statistics_quiet() THEN RETURN NULL; END IF;
  tz := statistics_time_zone();
  INSERT INTO statistics_contact_days (day, contact_type, slot, n)
  SELECT x.day, x.contact_type, statistics_slot(), sum(x.d)::int
  FROM (
    SELECT (OLD.received_at AT TIME ZONE tz)::date, coalesce(OLD.contact_type, ''), -1 WHERE NOT OLD.is_test
    UNION ALL
    SELECT (NEW.received_at AT TIME ZONE tz)::date, coalesce(NEW.contact_type, ''), 1 WHERE NOT NEW.is_test
  ) x(day, contact_type, d)
  GROUP BY 1, 2 HAVING sum(x.d) <> 0 ORDER BY 1, 2
  ON CONFLICT (day, contact_type, slot) DO UPDATE SET n = statistics_contact_days.n + excluded.n;
  INSERT INTO statistics_hotline_victim_days (day, sex, age_group, slot, n)
  SELECT x.day, v.sex, v.age_group, statistics_slot(), sum(x.d * v.n)::int
  FROM (
    SELECT (OLD.received_at AT TIME ZONE tz)::date, OLD.persons, -1 WHERE NOT OLD.is_test
    UNION ALL
    SELECT (NEW.received_at AT TIME ZONE tz)::date, NEW.persons, 1 WHERE NOT NEW.is_test
  ) x(day, persons, d), LATERAL statistics_hotline_victims(x.persons) v
  GROUP BY 1, 2, 3 HAVING sum(x.d * v.n) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (day, sex, age_group, slot) DO UPDATE SET n = statistics_hotline_victim_days.n + excluded.n;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_contacts_update AFTER UPDATE OF received_at, contact_type, is_test, persons ON contacts
  FOR EACH ROW WHEN ((OLD.received_at, OLD.contact_type, OLD.is_test) IS DISTINCT FROM (NEW.received_at, NEW.contact_type, NEW.is_test) OR OLD.persons IS DISTINCT FROM NEW.persons)
  EXECUTE FUNCTION statistics_contact_updated();

-- ---------------------------------------------------------------------------------------------
-- Counting everything again: here, after a restore, and when the country's time zone changes.

CREATE FUNCTION statistics_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE tz text := statistics_time_zone();
BEGIN
  TRUNCATE statistics_victims, statistics_victim_months, statistics_referral_days, statistics_service_days, statistics_contact_days, statistics_hotline_victim_days;

  INSERT INTO statistics_victims (case_id, person_id, opened_on, sex, age_group, status, citizenship, country, form, agency_id, agency_type)
  SELECT v.case_id, v.person_id, v.opened_on, v.sex,
         CASE WHEN v.age_disputed THEN 'child'
              WHEN v.birth_year IS NULL THEN 'unknown'
              WHEN extract(year FROM v.opened_on)::int - v.birth_year <= 18 THEN 'child'
              ELSE 'adult' END,
         CASE WHEN d.outcome IN ('identified_trafficking', 'identified_forced_labour') THEN 'identified'
              WHEN d.outcome IN ('not_enough_evidence', 'negative') THEN 'not_identified'
              ELSE 'presumed' END,
         coalesce(v.citizenship, ''), coalesce(v.country, ''), coalesce(v.form, ''), v.owner_agency_id, v.agency_type
  FROM (
    SELECT cp.case_id, cp.person_id, cp.age_disputed, pe.sex, pe.birth_year, pe.citizenship, c.country,
           c.exploitation_forms[1] AS form, c.owner_agency_id, a.type AS agency_type, (c.opened_at AT TIME ZONE tz)::date AS opened_on
    FROM cases c
    JOIN case_people cp ON cp.case_id = c.id AND cp.role = 'victim'
    JOIN people pe ON pe.id = cp.person_id AND pe.merged_into IS NULL
    JOIN agencies a ON a.id = c.owner_agency_id
  ) v
  LEFT JOIN (
    SELECT DISTINCT ON (case_id, person_id) case_id, person_id, outcome FROM identification_decisions
    ORDER BY case_id, person_id, (stage = 'conclusive') DESC, decided_on DESC, created_at DESC
  ) d ON d.case_id = v.case_id AND d.person_id = v.person_id;

  INSERT INTO statistics_victim_months (month, sex, age_group, status, citizenship, country, form, agency_type, slot, n)
  SELECT date_trunc('month', opened_on)::date, sex, age_group, status, citizenship, country, form, agency_type, 0, count(*)::int
  FROM statistics_victims GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

  INSERT INTO statistics_referral_days (day, purpose, status, slot, n)
  SELECT (sent_at AT TIME ZONE tz)::date, purpose, status, 0, count(*)::int FROM referrals GROUP BY 1, 2, 3;

  INSERT INTO statistics_service_days (day, service, status, slot, n)
  SELECT statistics_service_day(s, tz), service, status, 0, count(*)::int FROM case_assistance_services s GROUP BY 1, 2, 3;

  INSERT INTO statistics_contact_days (day, contact_type, slot, n)
  SELECT (received_at AT TIME ZONE tz)::date, coalesce(contact_type, ''), 0, count(*)::int FROM contacts WHERE NOT is_test GROUP BY 1, 2;

  INSERT INTO statistics_hotline_victim_days (day, sex, age_group, slot, n)
  SELECT (c.received_at AT TIME ZONE tz)::date, v.sex, v.age_group, 0, sum(v.n)::int
  FROM contacts c, LATERAL statistics_hotline_victims(c.persons) v
  WHERE NOT c.is_test AND c.persons <> '[]'::jsonb
  GROUP BY 1, 2, 3;
END $fn$;

CREATE FUNCTION statistics_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT statistics_quiet() THEN PERFORM statistics_rebuild(); END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER statistics_settings_insert AFTER INSERT ON settings
  FOR EACH ROW WHEN (NEW.key = 'nrm.country_profile' AND coalesce(NEW.value->>'timeZone', 'Asia/Baku') <> 'Asia/Baku')
  EXECUTE FUNCTION statistics_time_zone_changed();
CREATE TRIGGER statistics_settings_update AFTER UPDATE ON settings
  FOR EACH ROW WHEN (NEW.key = 'nrm.country_profile' AND coalesce(NEW.value->>'timeZone', 'Asia/Baku') IS DISTINCT FROM coalesce(OLD.value->>'timeZone', 'Asia/Baku'))
  EXECUTE FUNCTION statistics_time_zone_changed();
CREATE TRIGGER statistics_settings_delete AFTER DELETE ON settings
  FOR EACH ROW WHEN (OLD.key = 'nrm.country_profile' AND coalesce(OLD.value->>'timeZone', 'Asia/Baku') <> 'Asia/Baku')
  EXECUTE FUNCTION statistics_time_zone_changed();

SELECT statistics_rebuild();
`;
