/**
 * The law-enforcement figures pre-aggregated by month (docs/criminal-justice.md, "Figures at scale";
 * docs/benchmarks.md, "Criminal justice").
 *
 * Every figure is a count of defendants (or cases) with one dated fact in the period, split by the
 * defendant's (or case's) attributes: a defendant counts in "convicted" by its `convicted_on`, in
 * "indicted" by its `indicted_on`, and so on, each independently of the others. So the figures of any
 * period are sums of per-fact contributions: `justice_fact_contributions` says what one defendant's
 * facts row contributes (a kind, the day, the attributes the counting rules look at), and
 * `justice_case_contribution` the same of a case (`justice_case_facts`: its opening, forms, articles,
 * complicity and the sexes of its suspects). `justice_figure_months` holds their sums per month,
 * kept exact by statement triggers on both facts tables (the old rows subtracted, the new added, in
 * the writing transaction: never stale). The statistics read sums the whole months of a period there
 * and computes the partial months at its ends from the facts rows themselves with the same functions.
 *
 * The sentence counted is the one in force on the period's end (`asOf`): the facts row keeps the
 * defendant's latest sentence (`sentence_on`, `sentence`), and a convicted contribution carries the
 * month of that sentence (`sentence_month`); the read uses the sum only where that month is before
 * `asOf`'s month (then the latest sentence is the one in force) and looks up the sentence in force for
 * the few others.
 */
export const up = /* sql */ `
-- The attributes of a sentence the counting rules look at.
CREATE FUNCTION justice_sentence_attrs(s criminal_sentences) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $fn$
  SELECT jsonb_build_object('band', s.band, 'suspended', s.suspended, 'deferred', s.deferred, 'belowMinimum', s.below_minimum,
    'deferralGround', s.deferral_ground, 'flagged', s.review_flag IS NOT NULL, 'type', s.type, 'termMonths', s.term_months)
$fn$;

-- A defendant's sentence in force on a day (counting.ts, sentenceInForce): the latest imposed on or
-- before it, by day, then instance, then the order recorded. 'infinity' gives the latest of all.
CREATE FUNCTION justice_sentence_on(defendant uuid, day date) RETURNS TABLE (imposed_on date, attrs jsonb) LANGUAGE sql STABLE AS $fn$
  SELECT s.imposed_on, justice_sentence_attrs(s) FROM criminal_sentences s
  WHERE s.defendant_id = defendant AND s.imposed_on <= day
  ORDER BY s.imposed_on DESC, CASE s.instance WHEN 'cassation' THEN 2 WHEN 'appeal' THEN 1 ELSE 0 END DESC, s.created_at DESC, s.id DESC
  LIMIT 1
$fn$;

ALTER TABLE justice_defendant_facts ADD COLUMN sentence_on date, ADD COLUMN sentence jsonb;
UPDATE justice_defendant_facts f SET sentence_on = l.imposed_on, sentence = l.attrs
FROM (SELECT DISTINCT ON (s.defendant_id) s.defendant_id, s.imposed_on, justice_sentence_attrs(s) AS attrs FROM criminal_sentences s
      ORDER BY s.defendant_id, s.imposed_on DESC, CASE s.instance WHEN 'cassation' THEN 2 WHEN 'appeal' THEN 1 ELSE 0 END DESC, s.created_at DESC, s.id DESC) l
WHERE l.defendant_id = f.defendant_id;

-- What one defendant's facts row adds to the figures: one row per dated fact.
CREATE FUNCTION justice_fact_contributions(f justice_defendant_facts) RETURNS TABLE (kind text, day date, sentence_month date, attrs jsonb)
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT k.kind, k.day, k.sentence_month, k.attrs
  FROM (SELECT jsonb_build_object('formGroups', f.form_groups, 'articles', f.articles, 'sex', f.sex, 'complicity', f.complicity) AS b,
               jsonb_build_object('convictedArticles', f.convicted_articles) AS c) x,
  LATERAL (VALUES
    ('opened', f.case_opened_on, '-infinity'::date, x.b),
    ('indicted', f.indicted_on, '-infinity'::date, x.b),
    ('acquitted', f.acquitted_on, '-infinity'::date, x.b),
    ('terminated', f.terminated_on, '-infinity'::date, x.b || jsonb_build_object('terminationGround', f.termination_ground)),
    ('convicted', f.convicted_on, coalesce(date_trunc('month', f.sentence_on)::date, '-infinity'::date), x.b || x.c || jsonb_build_object('sentence', coalesce(f.sentence, 'null'::jsonb))),
    ('final', f.final_on, '-infinity'::date, x.b || x.c),
    ('reversed', f.reversed_on, '-infinity'::date, x.b || x.c)
  ) k(kind, day, sentence_month, attrs)
  WHERE k.day IS NOT NULL
$fn$;

-- Per criminal case, what the case figures count: its opening, forms, articles (of its parts) and complicity, and the sexes of its suspects.
CREATE TABLE justice_case_facts (
  criminal_case_id uuid PRIMARY KEY REFERENCES criminal_cases(id),
  opened_on date NOT NULL,
  forms text[] NOT NULL,
  articles text[] NOT NULL,
  complicity boolean NOT NULL,
  sexes text[] NOT NULL
);
CREATE INDEX justice_case_facts_opened_idx ON justice_case_facts (opened_on);

-- Makes the case facts of the given cases exact (after their defendants' facts were written).
CREATE FUNCTION justice_case_facts_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO justice_case_facts AS t (criminal_case_id, opened_on, forms, articles, complicity, sexes)
  SELECT cc.id, cc.opened_on, cc.forms, ARRAY(SELECT DISTINCT split_part(art, '.', 1) FROM unnest(cc.articles) art ORDER BY 1), cc.official_complicity,
    ARRAY(SELECT DISTINCT f.sex FROM justice_defendant_facts f WHERE f.criminal_case_id = cc.id ORDER BY 1)
  FROM criminal_cases cc WHERE cc.id = ANY (ids)
  ON CONFLICT (criminal_case_id) DO UPDATE SET opened_on = excluded.opened_on, forms = excluded.forms, articles = excluded.articles,
    complicity = excluded.complicity, sexes = excluded.sexes
  WHERE (t.opened_on, t.forms, t.articles, t.complicity, t.sexes) IS DISTINCT FROM (excluded.opened_on, excluded.forms, excluded.articles, excluded.complicity, excluded.sexes);
$fn$;

CREATE FUNCTION justice_case_contribution(c justice_case_facts) RETURNS TABLE (kind text, day date, sentence_month date, attrs jsonb)
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT 'case', c.opened_on, '-infinity'::date,
    jsonb_build_object('forms', c.forms, 'articles', c.articles, 'complicity', c.complicity, 'sexes', c.sexes)
$fn$;

INSERT INTO justice_case_facts (criminal_case_id, opened_on, forms, articles, complicity, sexes)
SELECT cc.id, cc.opened_on, cc.forms, ARRAY(SELECT DISTINCT split_part(art, '.', 1) FROM unnest(cc.articles) art ORDER BY 1), cc.official_complicity,
  coalesce(s.sexes, '{}')
FROM criminal_cases cc
LEFT JOIN (SELECT criminal_case_id, array_agg(DISTINCT sex ORDER BY sex) AS sexes FROM justice_defendant_facts GROUP BY 1) s ON s.criminal_case_id = cc.id;

CREATE TABLE justice_figure_months (
  kind text NOT NULL,
  month date NOT NULL,
  sentence_month date NOT NULL,
  attrs jsonb NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (kind, month, sentence_month, attrs)
);
CREATE INDEX justice_figure_months_month_idx ON justice_figure_months (month);

INSERT INTO justice_figure_months (kind, month, sentence_month, attrs, n)
SELECT c.kind, date_trunc('month', c.day)::date, c.sentence_month, c.attrs, count(*)::int
FROM justice_defendant_facts f, LATERAL justice_fact_contributions(f) c GROUP BY 1, 2, 3, 4;
INSERT INTO justice_figure_months (kind, month, sentence_month, attrs, n)
SELECT c.kind, date_trunc('month', c.day)::date, c.sentence_month, c.attrs, count(*)::int
FROM justice_case_facts cf, LATERAL justice_case_contribution(cf) c GROUP BY 1, 2, 3, 4;

-- The sums follow every write of the facts: the old rows' contributions subtracted, the new added, in
-- key order (two writers take the sums' row locks in the same order); sums at zero are removed (the
-- partial index finds them).
CREATE INDEX justice_figure_months_zero_idx ON justice_figure_months (kind) WHERE n = 0;
CREATE FUNCTION justice_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, 1 AS n FROM new_rows r, LATERAL justice_fact_contributions(r) c) d
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, -1 AS n FROM old_rows r, LATERAL justice_fact_contributions(r) c UNION ALL SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, 1 AS n FROM new_rows r, LATERAL justice_fact_contributions(r) c) d
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  ELSE
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, -1 AS n FROM old_rows r, LATERAL justice_fact_contributions(r) c) d
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  END IF;
  DELETE FROM justice_figure_months WHERE n = 0;
  RETURN NULL;
END $fn$;
CREATE TRIGGER justice_defendant_facts_inserted AFTER INSERT ON justice_defendant_facts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION justice_facts_changed();
CREATE TRIGGER justice_defendant_facts_updated AFTER UPDATE ON justice_defendant_facts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION justice_facts_changed();
CREATE TRIGGER justice_defendant_facts_deleted AFTER DELETE ON justice_defendant_facts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION justice_facts_changed();

CREATE FUNCTION justice_case_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, 1 AS n FROM new_rows r, LATERAL justice_case_contribution(r) c) d
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, -1 AS n FROM old_rows r, LATERAL justice_case_contribution(r) c UNION ALL SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, 1 AS n FROM new_rows r, LATERAL justice_case_contribution(r) c) d
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  ELSE
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, -1 AS n FROM old_rows r, LATERAL justice_case_contribution(r) c) d
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  END IF;
  DELETE FROM justice_figure_months WHERE n = 0;
  RETURN NULL;
END $fn$;
CREATE TRIGGER justice_case_facts_inserted AFTER INSERT ON justice_case_facts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION justice_case_facts_changed();
CREATE TRIGGER justice_case_facts_updated AFTER UPDATE ON justice_case_facts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION justice_case_facts_changed();
CREATE TRIGGER justice_case_facts_deleted AFTER DELETE ON justice_case_facts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION justice_case_facts_changed();

ANALYZE justice_defendant_facts;
ANALYZE justice_case_facts;
ANALYZE justice_figure_months;
`;
