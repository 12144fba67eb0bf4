import { sql } from 'kysely';
import type { Db } from '../src/server/db/database.ts';
import { generatePeople } from './people-data.ts';

/**
 * Cases for the benchmarks (issue 4: 1,000,000), made from the people dataset: one case per person
 * (up to `BENCH_CASES`), owned by the person's agency (so agencies have very different numbers of
 * cases), with the person as its victim, one trafficking event, a spread of statuses, forms of
 * exploitation, regions and opening dates over three years. Generated in PostgreSQL in batches;
 * values follow from the row number; a second call adds nothing. `BENCH_CASES` sets the count.
 */
export const BENCH_CASES = Number(process.env.BENCH_CASES ?? 1_000_000);

const FORMS = ['forced_labour', 'sexual_exploitation', 'forced_begging', 'child_labour', 'forced_marriage', 'servitude'];
const REGIONS = ['Baku', 'Ganja', 'Sumgait', 'Lankaran', 'Shaki', 'Mingachevir', 'Shirvan', 'Nakhchivan'];

export async function generateCases(db: Db, createdBy: string, count = BENCH_CASES, log: (line: string) => void = () => {}): Promise<string[]> {
  const agencies = await generatePeople(db, undefined, log);
  const have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE owner_agency_id = ANY(${agencies}::uuid[])`.execute(db)).rows[0]!.n);
  if (have >= count) return agencies;
  const batch = 200_000;
  for (let done = have; done < count; ) {
    const size = Math.min(batch, count - done);
    const started = Date.now();
    await db.transaction().execute(async (tx) => {
      await sql`CREATE TEMP TABLE bench_pick ON COMMIT DROP AS
        SELECT gen_random_uuid() AS case_id, p.id AS person_id, p.owner_agency_id, row_number() OVER (ORDER BY p.id) + ${done}::bigint AS i
        FROM people p
        WHERE p.owner_agency_id = ANY(${agencies}::uuid[]) AND p.merged_into IS NULL
          AND NOT EXISTS (SELECT 1 FROM case_people cp WHERE cp.person_id = p.id)
        ORDER BY p.id LIMIT ${size}`.execute(tx);
      await sql`INSERT INTO cases (id, case_number, owner_agency_id, status, victim_status, region, country, exploitation_forms, created_by, opened_at, created_at, updated_at)
        SELECT case_id, 'BENCH-' || lpad(i::text, 8, '0'), owner_agency_id,
          (ARRAY['active','active','active','follow_up','closed','closed_referred'])[1 + (i % 6)::int],
          (ARRAY['potential','presumed','presumed','identified','not_identified'])[1 + ((i / 6) % 5)::int],
          (${sql.val(REGIONS)}::text[])[1 + ((i * 7) % ${REGIONS.length})::int], 'AZ',
          ARRAY[(${sql.val(FORMS)}::text[])[1 + floor(${FORMS.length} * power(((i * 2654435761) % 4294967296) / 4294967296.0, 1.7))::int]],
          ${createdBy}::uuid,
          now() - make_interval(secs => (i * 97) % (3 * 365 * 86400)),
          now() - make_interval(secs => (i * 97) % (3 * 365 * 86400)),
          now() - make_interval(secs => (i * 97) % (3 * 365 * 86400))
        FROM bench_pick`.execute(tx);
      await sql`INSERT INTO case_people (case_id, person_id, role, added_by) SELECT case_id, person_id, 'victim', ${createdBy}::uuid FROM bench_pick`.execute(tx);
      await sql`INSERT INTO case_events (case_id, type, occurred_on, occurred_precision, country, region, created_by)
        SELECT case_id, 'exploitation', (now() - make_interval(days => 30 + (i % 900)::int))::date, 'month', 'AZ', (${sql.val(REGIONS)}::text[])[1 + ((i * 7) % ${REGIONS.length})::int], ${createdBy}::uuid
        FROM bench_pick`.execute(tx);
    });
    done += size;
    log(`cases: ${done}/${count} (${Date.now() - started} ms)`);
  }
  await sql`ANALYZE cases`.execute(db);
  await sql`ANALYZE case_people`.execute(db);
  await sql`ANALYZE case_events`.execute(db);
  return agencies;
}
