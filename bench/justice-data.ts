import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../src/server/audit/audit.ts';
import type { Db } from '../src/server/db/database.ts';
import { createUser } from '../src/server/modules/users/service.ts';
import type { Role } from '../src/shared/roles.ts';
import type { BenchContext, BenchUser } from './scenario.ts';

/**
 * Criminal cases for the justice scenarios (issue 12): `BENCH_JUSTICE_CASES` cases (default 200,000)
 * opened from 2005 to today across 20 police agencies, with 2.5 defendants each on average (500,000),
 * their charges, events, first-instance verdicts, sentences (a quarter suspended or deferred) and the
 * facts the figures count; sexual exploitation three cases in four. Generated in PostgreSQL
 * (INSERT ... SELECT) from the row number, so every run has the same shape; a second call adds
 * nothing. Defendants are legal-person rows (`legal_entity_name`) so the dataset needs no people:
 * the figures, the list and the case page read no names of them (the case page's names query then
 * finds none).
 */
export const BENCH_JUSTICE_CASES = Number(process.env.BENCH_JUSTICE_CASES ?? 200_000);
const AGENCIES = 20;
const PASSWORD = 'benchmark password 1';

export async function benchUser(db: Db, email: string, agencyId: string, role: Role): Promise<BenchUser> {
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) return { id: existing.id, email, password: PASSWORD, agencyId };
  const { user } = await createUser(db, SYSTEM_ACTOR, { email, name: email, language: 'en', agencyId, roles: [role], isServiceAccount: false, password: PASSWORD });
  return { id: user.id, email, password: PASSWORD, agencyId };
}

export async function generateJustice(db: Db, createdBy: string, count = BENCH_JUSTICE_CASES, log: (line: string) => void = () => {}): Promise<string[]> {
  const agencies: string[] = [];
  for (let a = 0; a < AGENCIES; a++) {
    const name = `BENCH police ${a + 1}`;
    const found = await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirst();
    agencies.push(found?.id ?? (await db.insertInto('agencies').values({ name, type: 'police' }).returning('id').executeTakeFirstOrThrow()).id);
  }
  let have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM criminal_cases WHERE case_number LIKE 'BJ-%'`.execute(db)).rows[0]!.n);
  if (have >= count) return agencies;
  const days = sql`(current_date - date '2005-01-01')`;
  while (have < count) {
    const size = Math.min(50_000, count - have);
    const started = Date.now();
    await db.transaction().execute(async (tx) => {
      await sql`CREATE TEMP TABLE bj ON COMMIT DROP AS
        SELECT gen_random_uuid() AS case_id, i,
          (${sql.val(agencies)}::uuid[])[1 + (i % ${AGENCIES})::int] AS agency,
          date '2005-01-01' + ((i * 7919) % ${days})::int AS opened_on,
          CASE WHEN i % 4 = 0 THEN 'forced_labour' ELSE 'sexual_exploitation' END AS form,
          CASE WHEN i % 4 = 0 THEN '144-2.1' WHEN i % 3 = 0 THEN '144-1.2.3' ELSE '144-1.1' END AS article,
          i % 50 = 0 AS complicity
        FROM generate_series(${have + 1}::bigint, ${have + size}::bigint) i`.execute(tx);
      await sql`INSERT INTO criminal_cases (id, owner_agency_id, body, case_number, opened_on, articles, forms, places, official_complicity, status, created_by, created_at, updated_at)
        SELECT case_id, agency, 'police', 'BJ-' || lpad(i::text, 8, '0'), opened_on, ARRAY[article], ARRAY[form], '{}', complicity,
          CASE WHEN opened_on > current_date - 120 THEN 'investigation' WHEN i % 5 = 0 THEN 'in_court' ELSE 'final' END, ${createdBy}::uuid, now(), now()
        FROM bj`.execute(tx);
      // 1 to 4 defendants a case (2.5 on average).
      await sql`CREATE TEMP TABLE bd ON COMMIT DROP AS
        SELECT gen_random_uuid() AS id, gen_random_uuid() AS charge_id, bj.*, k,
          CASE WHEN (i + k) % 2 = 0 THEN 'female' ELSE 'male' END AS sex,
          CASE WHEN bj.opened_on > current_date - 400 OR (i + k) % 9 = 0 THEN 'pending' WHEN (i + k) % 11 = 0 THEN 'acquitted' WHEN (i + k) % 13 = 0 THEN 'terminated' ELSE 'convicted' END AS fate
        FROM bj, generate_series(1, 1 + (i % 4)::int) k`.execute(tx);
      await sql`INSERT INTO criminal_defendants (id, criminal_case_id, legal_entity_name, role, sex, pseudonym, added_by)
        SELECT id, case_id, 'BENCH defendant ' || i || '-' || k, 'exploiter', sex, 'D-B' || i || '-' || k, ${createdBy}::uuid FROM bd`.execute(tx);
      await sql`INSERT INTO criminal_charges (id, criminal_case_id, defendant_id, article, brought_on, outcome, outcome_on, outcome_instance, recorded_by)
        SELECT charge_id, case_id, id, article, opened_on + 10,
          CASE fate WHEN 'convicted' THEN 'convicted' WHEN 'acquitted' THEN 'acquitted' END,
          CASE WHEN fate IN ('convicted','acquitted') THEN opened_on + 300 END, CASE WHEN fate IN ('convicted','acquitted') THEN 'first' END, ${createdBy}::uuid
        FROM bd`.execute(tx);
      await sql`INSERT INTO criminal_verdicts (charge_id, defendant_id, instance, outcome, decided_on, recorded_by)
        SELECT charge_id, id, 'first', fate, opened_on + 300, ${createdBy}::uuid FROM bd WHERE fate IN ('convicted','acquitted')`.execute(tx);
      await sql`INSERT INTO criminal_sentences (defendant_id, instance, imposed_on, type, term_months, suspended, probation_months, deferred, deferral_ground, below_minimum, band, recorded_by)
        SELECT id, 'first', opened_on + 300, 'imprisonment', t, s, CASE WHEN s THEN 24 END, d, CASE WHEN d THEN 'child_under_age' END, t < 60,
          CASE WHEN s OR d THEN 'suspended_or_deferred' WHEN t < 12 THEN 'under_1' WHEN t < 60 THEN '1_5' WHEN t <= 120 THEN '5_10' ELSE 'over_10' END, ${createdBy}::uuid
        FROM (SELECT bd.*, 36 + ((i * 31 + k) % 8) * 12 AS t, (i + k) % 4 = 1 AND sex = 'male' AS s, (i + k) % 4 = 1 AND sex = 'female' AS d FROM bd WHERE fate = 'convicted') x`.execute(tx);
      await sql`INSERT INTO criminal_case_events (criminal_case_id, defendant_id, type, occurred_on, recorded_by)
        SELECT case_id, NULL, 'opened', opened_on, ${createdBy}::uuid FROM bj
        UNION ALL SELECT case_id, id, 'suspect_identified', opened_on, ${createdBy}::uuid FROM bd
        UNION ALL SELECT case_id, id, 'charged', opened_on + 10, ${createdBy}::uuid FROM bd
        UNION ALL SELECT case_id, id, 'indicted', opened_on + 120, ${createdBy}::uuid FROM bd WHERE fate IN ('convicted','acquitted')
        UNION ALL SELECT case_id, id, 'verdict', opened_on + 300, ${createdBy}::uuid FROM bd WHERE fate IN ('convicted','acquitted')
        UNION ALL SELECT case_id, id, 'terminated', opened_on + 90, ${createdBy}::uuid FROM bd WHERE fate = 'terminated'`.execute(tx);
      await sql`INSERT INTO justice_defendant_facts (defendant_id, criminal_case_id, case_opened_on, form_groups, articles, convicted_articles, sex, complicity,
          indicted_on, convicted_on, final_on, acquitted_on, terminated_on, termination_ground, sentence_on, sentence)
        SELECT id, case_id, opened_on, ARRAY[CASE WHEN form = 'forced_labour' THEN 'labour' ELSE 'sexual' END], ARRAY[split_part(article, '.', 1)],
          CASE WHEN fate = 'convicted' THEN ARRAY[split_part(article, '.', 1)] ELSE '{}' END, sex, complicity,
          CASE WHEN fate IN ('convicted','acquitted') THEN opened_on + 120 END, CASE WHEN fate = 'convicted' THEN opened_on + 300 END,
          CASE WHEN fate = 'convicted' THEN opened_on + 340 END, CASE WHEN fate = 'acquitted' THEN opened_on + 300 END,
          CASE WHEN fate = 'terminated' THEN opened_on + 90 END, CASE WHEN fate = 'terminated' THEN 'no_evidence' END,
          l.imposed_on, l.attrs
        FROM bd LEFT JOIN LATERAL justice_sentence_on(bd.id, 'infinity') l ON true`.execute(tx);
      // The cases' facts (migration 0112; the monthly sums follow both by their triggers).
      await sql`SELECT justice_case_facts_refresh(ARRAY(SELECT case_id FROM bj))`.execute(tx);
    });
    have += size;
    log(`bench: criminal cases ${have.toLocaleString('en')} of ${count.toLocaleString('en')} (${((Date.now() - started) / 1000).toFixed(1)} s for this batch)`);
  }
  for (const table of ['criminal_cases', 'criminal_defendants', 'criminal_charges', 'criminal_verdicts', 'criminal_sentences', 'criminal_case_events', 'justice_defendant_facts', 'justice_case_facts', 'justice_figure_months']) await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
  return agencies;
}

/** The dataset, an analyst (figures) and an investigator of the first agency (its list and case pages). */
export async function justiceUsers(ctx: BenchContext): Promise<{ analyst: BenchUser; investigator: BenchUser }> {
  const agencies = await generateJustice(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
  const coordinator = (await ctx.db.selectFrom('agencies').select('id').where('name', '=', 'BENCH coordinator').executeTakeFirst())?.id
    ?? (await ctx.db.insertInto('agencies').values({ name: 'BENCH coordinator', type: 'coordinator' }).returning('id').executeTakeFirstOrThrow()).id;
  return {
    analyst: await benchUser(ctx.db, 'justice-analyst@bench.pathway.local', coordinator, 'analyst'),
    investigator: await benchUser(ctx.db, 'justice-investigator@bench.pathway.local', agencies[0]!, 'investigator'),
  };
}
