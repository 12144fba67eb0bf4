/**
 * The monthly sums count the sentence in force at the end of every month (docs/criminal-justice.md,
 * "Figures at scale"; docs/benchmarks.md, "Criminal justice").
 *
 * Until now a conviction's row in `justice_figure_months` carried only the defendant's latest
 * sentence, and a period whose end came before that sentence looked up the sentence in force one
 * defendant at a time (seconds for the early years of a 20-year record). Now a defendant's facts row
 * keeps its sentence history by month (`sentence_steps`: for every month in which a sentence was
 * imposed, the one in force at that month's end, as `[month, attrs]`), and a conviction contributes
 * one row per change, signed: +1 with no sentence from the start (`sentence_month` '-infinity'), and
 * at each step's month -1 with the sentence before and +1 with the new one. So the sum of the rows with
 * `sentence_month` up to a month counts every conviction once, with the sentence in force at that
 * month's end: the read of a period ending on a month's last day needs no lookup at all, and one ending
 * mid-month (today, or an arbitrary day) corrects only the defendants sentenced between that month's
 * start and its end day.
 *
 * `sentence_steps` is written by a row trigger from `criminal_sentences` whenever the facts row is
 * written (every sentence write, appeal and correction rewrites the facts in the same transaction,
 * service.ts `refreshFacts`), so no writer can forget it. The sums are rebuilt here for the existing
 * rows (as 0112 built them).
 */
export const up = /* sql */ `
-- A defendant's sentence in force at the end of every month in which a sentence was imposed
-- (counting.ts, sentenceInForce: the latest by day, then instance, then the order recorded).
CREATE FUNCTION justice_sentence_steps(defendant uuid) RETURNS jsonb LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(jsonb_agg(jsonb_build_array(x.month, x.attrs) ORDER BY x.month), '[]'::jsonb) FROM (
    SELECT DISTINCT ON (date_trunc('month', s.imposed_on)) date_trunc('month', s.imposed_on)::date AS month, justice_sentence_attrs(s) AS attrs
    FROM criminal_sentences s WHERE s.defendant_id = defendant
    ORDER BY date_trunc('month', s.imposed_on), s.imposed_on DESC, CASE s.instance WHEN 'cassation' THEN 2 WHEN 'appeal' THEN 1 ELSE 0 END DESC, s.created_at DESC, s.id DESC) x
$fn$;

ALTER TABLE justice_defendant_facts ADD COLUMN sentence_steps jsonb NOT NULL DEFAULT '[]';

-- Only a convicted defendant's history counts; the others keep '[]'.
CREATE FUNCTION justice_facts_sentence_steps() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.sentence_steps := CASE WHEN NEW.convicted_on IS NULL THEN '[]'::jsonb ELSE justice_sentence_steps(NEW.defendant_id) END;
  RETURN NEW;
END $fn$;

-- Existing rows, in one statement, without the sums' trigger (the sums are rebuilt below).
ALTER TABLE justice_defendant_facts DISABLE TRIGGER justice_defendant_facts_updated;
UPDATE justice_defendant_facts f SET sentence_steps = h.steps
FROM (SELECT x.defendant_id, jsonb_agg(jsonb_build_array(x.month, x.attrs) ORDER BY x.month) AS steps FROM (
        SELECT DISTINCT ON (s.defendant_id, date_trunc('month', s.imposed_on)) s.defendant_id, date_trunc('month', s.imposed_on)::date AS month, justice_sentence_attrs(s) AS attrs
        FROM criminal_sentences s
        ORDER BY s.defendant_id, date_trunc('month', s.imposed_on), s.imposed_on DESC, CASE s.instance WHEN 'cassation' THEN 2 WHEN 'appeal' THEN 1 ELSE 0 END DESC, s.created_at DESC, s.id DESC) x
      GROUP BY x.defendant_id) h
WHERE h.defendant_id = f.defendant_id AND f.convicted_on IS NOT NULL;
ALTER TABLE justice_defendant_facts ENABLE TRIGGER justice_defendant_facts_updated;

CREATE TRIGGER justice_defendant_facts_steps BEFORE INSERT OR UPDATE ON justice_defendant_facts
  FOR EACH ROW EXECUTE FUNCTION justice_facts_sentence_steps();

-- What one defendant's facts row adds to the monthly sums, signed: every fact but the conviction as
-- before (0112); the conviction once with no sentence, then at each step's month the sentence before
-- taken away and the new one added.
CREATE FUNCTION justice_fact_month_contributions(f justice_defendant_facts) RETURNS TABLE (kind text, day date, sentence_month date, attrs jsonb, n integer)
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT c.kind, c.day, c.sentence_month, c.attrs, 1 FROM justice_fact_contributions(f) c WHERE c.kind <> 'convicted'
  UNION ALL
  SELECT c.kind, c.day, s.month, jsonb_set(c.attrs, '{sentence}', s.sentence), s.n
  FROM justice_fact_contributions(f) c,
  LATERAL (
    SELECT '-infinity'::date AS month, 'null'::jsonb AS sentence, 1 AS n
    UNION ALL
    SELECT e.month, e.sentence, 1 FROM (SELECT (st.step->>0)::date AS month, st.step->1 AS sentence FROM jsonb_array_elements(f.sentence_steps) st(step)) e
    UNION ALL
    SELECT e.month, e.before, -1 FROM (
      SELECT (st.step->>0)::date AS month, coalesce(lag(st.step->1) OVER (ORDER BY st.i), 'null'::jsonb) AS before
      FROM jsonb_array_elements(f.sentence_steps) WITH ORDINALITY st(step, i)) e
  ) s
  WHERE c.kind = 'convicted'
$fn$;

DELETE FROM justice_figure_months WHERE kind = 'convicted';
INSERT INTO justice_figure_months (kind, month, sentence_month, attrs, n)
SELECT c.kind, date_trunc('month', c.day)::date, c.sentence_month, c.attrs, sum(c.n)::int
FROM justice_defendant_facts f, LATERAL justice_fact_month_contributions(f) c WHERE c.kind = 'convicted' AND f.convicted_on IS NOT NULL
GROUP BY 1, 2, 3, 4 HAVING sum(c.n) <> 0;

CREATE OR REPLACE FUNCTION justice_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, c.n FROM new_rows r, LATERAL justice_fact_month_contributions(r) c) d
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, -c.n AS n FROM old_rows r, LATERAL justice_fact_month_contributions(r) c UNION ALL SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, c.n FROM new_rows r, LATERAL justice_fact_month_contributions(r) c) d
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  ELSE
    INSERT INTO justice_figure_months AS m (kind, month, sentence_month, attrs, n)
    SELECT kind, month, sentence_month, attrs, sum(n) FROM (SELECT c.kind, date_trunc('month', c.day)::date AS month, c.sentence_month, c.attrs, -c.n AS n FROM old_rows r, LATERAL justice_fact_month_contributions(r) c) d
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (kind, month, sentence_month, attrs) DO UPDATE SET n = m.n + excluded.n;
  END IF;
  DELETE FROM justice_figure_months WHERE n = 0;
  RETURN NULL;
END $fn$;

-- The defendants sentenced in the last, partial month of a period (the read's correction) by day.
CREATE INDEX criminal_sentences_imposed_idx ON criminal_sentences (imposed_on);

ANALYZE justice_defendant_facts;
ANALYZE justice_figure_months;
`;
