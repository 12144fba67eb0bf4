import { sql } from 'kysely';
import type { Db } from '../src/server/db/database.ts';

/**
 * The hotline's history for the full-size benchmarks (issues 13 and 16: 10,000,000 contacts beside
 * 1,000,000 NRM cases): closed contacts over the last three years, owned by an agency of their own
 * ("BENCH hotline history", so the scenarios' own hotline agency keeps only what they add), with
 * every channel, contact type and outcome, one in ten abandoned, and the persons an operator records:
 * a trafficking report names a potential victim (sex, age or "possibly a child", nationality), some
 * a suspected perpetrator too. No contactor numbers or free text (those are sealed by the app).
 *
 * Generated in PostgreSQL (INSERT ... SELECT generate_series) in batches, each in its own
 * transaction; values follow from the row number, so every run gets the same shape, and a second call
 * adds only what is missing. `BENCH_CONTACTS` sets the number (default 10,000,000).
 */
export const BENCH_CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000_000);

export async function contactsAgency(db: Db): Promise<string> {
  const name = 'BENCH hotline history';
  return (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirst())?.id
    ?? (await db.insertInto('agencies').values({ name, type: 'ngo' }).returning('id').executeTakeFirstOrThrow()).id;
}

export async function generateContacts(db: Db, count = BENCH_CONTACTS, log: (line: string) => void = () => {}): Promise<void> {
  const agency = await contactsAgency(db);
  let have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM contacts WHERE owner_agency_id = ${agency}`.execute(db)).rows[0]!.n);
  const batch = 500_000;
  let added = false;
  while (have < count) {
    const size = Math.min(batch, count - have);
    const started = Date.now();
    const from = have + 1;
    const to = have + size;
    await sql`INSERT INTO contacts (channel, status, owner_agency_id, contactor_type, contact_type, language, region, persons, urgency, outcomes, received_at, answered_at, ended_at, completed_at, created_at, updated_at)
      SELECT (ARRAY['call','call','call','call','sms','whatsapp','telegram','web_chat','web_form','email','walk_in'])[1 + (i * 7) % 11],
             CASE WHEN i % 10 = 0 THEN 'abandoned' ELSE 'completed' END, ${agency},
             CASE WHEN i % 10 = 0 THEN NULL ELSE (ARRAY['victim','family_member','friend','witness','professional','anonymous','other'])[1 + (i * 3) % 7] END,
             CASE WHEN i % 10 = 0 THEN NULL ELSE (ARRAY['trafficking_report','information_request','information_request','service_request','non_trafficking','silent','prank','wrong_number','abusive'])[1 + (i * 13) % 9] END,
             (ARRAY['az','az','az','ru','en'])[1 + i % 5],
             (ARRAY['Baku','Ganja','Sumgait','Lankaran','Shaki','Mingachevir','Shirvan','Nakhchivan'])[1 + (i * 11) % 8],
             CASE WHEN i % 10 <> 0 AND (i * 13) % 9 = 0 THEN
               jsonb_build_array(jsonb_build_object(
                 'role', 'potential_victim',
                 'sex', (ARRAY['female','female','male','unknown'])[1 + (i * 5) % 4],
                 'age', CASE WHEN i % 6 = 0 THEN NULL ELSE 12 + (i * 17) % 40 END,
                 'possiblyChild', i % 6 = 0 AND i % 4 = 0,
                 'nationality', (ARRAY['AZ','AZ','AZ','UZ','RU','TJ','KG','IN'])[1 + (i * 19) % 8]))
               || CASE WHEN i % 3 = 0 THEN jsonb_build_array(jsonb_build_object('role', 'suspected_perpetrator', 'sex', 'male', 'age', NULL, 'possiblyChild', false, 'nationality', NULL)) ELSE '[]'::jsonb END
             ELSE '[]'::jsonb END,
             CASE WHEN i % 97 = 0 THEN 'high' ELSE 'normal' END,
             CASE WHEN i % 10 = 0 THEN '{}'::text[] ELSE ARRAY[(ARRAY['information_given','referred_to_provider','reported_to_police','new_case','linked_to_case','follow_up_task','no_action'])[1 + (i * 29) % 7]] END,
             t, CASE WHEN i % 10 = 0 THEN NULL ELSE t + (i % 120) * interval '1 second' END,
             t + interval '5 minutes', CASE WHEN i % 10 = 0 THEN NULL ELSE t + interval '10 minutes' END, t, t
      FROM generate_series(${from}::bigint, ${to}::bigint) i,
           LATERAL (SELECT now() - interval '1 day' - make_interval(secs => (i * 89) % (3 * 365 * 86400)) AS t) x`.execute(db);
    have += size;
    added = true;
    log(`bench: contacts ${have.toLocaleString('en')} of ${count.toLocaleString('en')} (${((Date.now() - started) / 1000).toFixed(1)} s for this batch)`);
  }
  if (added) await sql`ANALYZE contacts`.execute(db);
}
