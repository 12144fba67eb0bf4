import { sql } from 'kysely';
import type { Db } from '../src/server/db/database.ts';
import { ACT_OUTCOMES, ACT_TYPES, PERPETRATOR_CATEGORIES } from '../src/shared/press.ts';

/**
 * Published press-freedom incidents for the benchmarks, generated in PostgreSQL with one
 * INSERT ... SELECT over generate_series (100,000 in a few seconds). Each row is a synthetic
 * incident and its public snapshot, shaped as publishing writes it; values follow from the row
 * number, so every run gets the same data. A second call with the same count adds nothing.
 */
export const BENCH_PRESS_INCIDENTS = Number(process.env.BENCH_PRESS_INCIDENTS ?? 100_000);

export async function generatePressIncidents(db: Db, count = BENCH_PRESS_INCIDENTS): Promise<number> {
  const have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM press_incidents WHERE external_ref LIKE 'BENCH-%'`.execute(db)).rows[0]!.n);
  if (have >= count) return 0;
  const agency = await db.insertInto('agencies').values({ name: `Press bench agency ${Date.now()}`, type: 'ngo' }).returning('id').executeTakeFirstOrThrow();
  const acts = sql.val([...ACT_TYPES]);
  const outcomes = sql.val([...ACT_OUTCOMES]);
  const categories = sql.val([...PERPETRATOR_CATEGORIES]);
  const cities = sql.val(['Baku', 'Ganja', 'Sumqayit', 'Mingachevir', 'Lankaran', 'Shaki', 'Nakhchivan', 'Quba']);
  await sql`
    WITH g AS (
      SELECT i,
        gen_random_uuid() AS id,
        date '2000-01-01' + ((i * 37) % 9125) AS occurred_on,
        (${acts}::text[])[1 + (i * 7) % 14] AS act,
        (${outcomes}::text[])[1 + (i * 3) % 4] AS outcome,
        (${categories}::text[])[1 + (i * 11) % 10] AS category,
        (${cities}::text[])[1 + (i * 13) % 8] AS city,
        CASE WHEN i % 10 < 2 THEN 'full_justice' WHEN i % 10 = 2 THEN 'partial_justice' ELSE 'complete_impunity' END AS impunity
      FROM generate_series(${have + 1}::int, ${count}::int) AS i
    ), r AS (
      SELECT g.*,
        CASE WHEN impunity <> 'complete_impunity' THEN 'resolved' WHEN i % 7 = 0 THEN 'no_information' ELSE 'ongoing' END AS unesco,
        CASE WHEN i % 5 = 0 THEN NULL ELSE least(occurred_on + (i % 3000), date '2025-12-31') END AS last_act
      FROM g
    ), inc AS (
      INSERT INTO press_incidents (id, external_ref, title, occurred_on, occurred_precision, city, narrative, impunity_status,
        perpetrator_convicted, mastermind_convicted, unesco_status, last_investigative_act_on, search_keys, published_at, is_synthetic, owner_agency_id)
      SELECT id, 'BENCH-' || i, '[Synthetic] ' || replace(act, '_', ' ') || ' #' || i, occurred_on, 'day', city,
        'Generated benchmark record, not a real incident.', impunity, impunity <> 'complete_impunity',
        CASE WHEN impunity = 'full_justice' THEN true ELSE NULL END, unesco, last_act,
        ARRAY['sinthatic', 'journalist', 'j' || (i % 5000)], now(), true, ${agency.id}
      FROM r
      RETURNING id
    ), pub AS (
    INSERT INTO press_public_incidents (incident_id, occurred_on, occurred_year, act_types, outcomes, perpetrator_categories,
      impunity_status, perpetrator_convicted, mastermind_convicted, unesco_status, killing, last_investigative_act_on, search_keys, related_ids, is_synthetic, published_at)
    SELECT r.id, occurred_on, extract(year FROM occurred_on)::int, ARRAY[act], ARRAY[outcome], ARRAY[category],
      impunity, impunity <> 'complete_impunity', CASE WHEN impunity = 'full_justice' THEN true ELSE NULL END, unesco, act = 'killing', last_act, ARRAY['sinthatic', 'journalist', 'j' || (i % 5000)], '{}', true, now()
    FROM r
    RETURNING incident_id
    )
    INSERT INTO press_public_docs (incident_id, item, doc)
    SELECT r.id,
      jsonb_build_object('id', r.id, 'title', '[Synthetic] ' || replace(act, '_', ' ') || ' #' || i,
        'occurred', jsonb_build_object('on', occurred_on, 'precision', 'day', 'display', occurred_on::text), 'disputed', null, 'city', city,
        'victims', jsonb_build_array('Synthetic journalist ' || (i % 5000)), 'actTypes', jsonb_build_array(act), 'outcomes', jsonb_build_array(outcome),
        'perpetratorCategories', jsonb_build_array(category),
        'derived', jsonb_build_object('impunityStatus', impunity, 'perpetratorConvicted', impunity <> 'complete_impunity', 'mastermindConvicted', CASE WHEN impunity = 'full_justice' THEN true ELSE NULL END,
          'unescoStatus', unesco, 'lastInvestigativeActOn', last_act, 'daysSinceLastInvestigativeAct', null, 'overridden', false),
        'isSynthetic', true),
      jsonb_build_object(
        'id', r.id, 'title', '[Synthetic] ' || replace(act, '_', ' ') || ' #' || i,
        'occurred', jsonb_build_object('on', occurred_on, 'precision', 'day', 'display', occurred_on::text),
        'disputed', null, 'dateNote', null, 'country', 'AZ', 'city', city, 'context', 'street', 'alertCategory', null,
        'narrative', 'Generated benchmark record, not a real incident.', 'priorThreats', null, 'workRelation', 'unconfirmed',
        'victims', jsonb_build_array(jsonb_build_object('kind', 'person', 'name', 'Synthetic journalist ' || (i % 5000), 'aliases', '[]'::jsonb, 'outlets', jsonb_build_array('Synthetic outlet ' || (i % 50)))),
        'acts', jsonb_build_array(jsonb_build_object('actType', act, 'method', null, 'outcome', outcome, 'victim', 'Synthetic journalist ' || (i % 5000))),
        'perpetrators', jsonb_build_array(jsonb_build_object('label', null, 'category', category, 'degree', 'direct_perpetrator', 'attribution', CASE WHEN impunity = 'complete_impunity' THEN 'charged' ELSE 'convicted' END)),
        'legalCases', jsonb_build_array(jsonb_build_object('jurisdiction', 'AZ', 'authority', 'Synthetic prosecutor', 'qualification', null,
          'milestones', CASE WHEN last_act IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('kind', 'case_opened', 'occurred', jsonb_build_object('on', last_act, 'precision', 'day', 'display', last_act::text), 'note', null, 'investigative', true, 'source', null)) END)),
        'stateRequests', '[]'::jsonb, 'sources', jsonb_build_array(jsonb_build_object('kind', 'other', 'title', 'Synthetic source ' || i, 'publisher', null, 'url', null, 'publishedOn', null, 'reliability', 'low', 'claim', null)),
        'derived', jsonb_build_object('impunityStatus', impunity, 'perpetratorConvicted', impunity <> 'complete_impunity', 'mastermindConvicted', CASE WHEN impunity = 'full_justice' THEN true ELSE NULL END,
          'unescoStatus', unesco, 'lastInvestigativeActOn', last_act, 'daysSinceLastInvestigativeAct', null, 'overridden', false),
        'isSynthetic', true, 'publishedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    FROM r`.execute(db);
  await sql`VACUUM ANALYZE press_incidents`.execute(db);
  await sql`VACUUM ANALYZE press_public_incidents`.execute(db);
  await sql`VACUUM ANALYZE press_public_docs`.execute(db);
  // Write the new data out now rather than in a checkpoint during the first measurement.
  await sql`CHECKPOINT`.execute(db).catch(() => undefined);
  await sql`INSERT INTO settings (key, value) VALUES ('press.public_version', '1'::jsonb)
    ON CONFLICT (key) DO UPDATE SET value = to_jsonb(settings.value::text::bigint + 1)`.execute(db);
  return count - have;
}

/** The public list's filter combinations a visitor uses, cycled through by the list scenario. */
export const PUBLIC_LIST_QUERIES: readonly string[] = [
  '',
  'year=2012',
  'actType=killing',
  'outcome=seriously_injured',
  'perpetratorCategory=police_security',
  'investigationStatus=no_information',
  'impunityStatus=full_justice',
  'year=2019&actType=assault',
  'year=2008&investigationStatus=ongoing',
  'actType=judicial_harassment&perpetratorCategory=government_officials',
  'synthetic=true&impunityStatus=partial_justice',
  'q=journalist&year=2015',
  'limit=20&actType=threat&outcome=no_physical_injury',
];
