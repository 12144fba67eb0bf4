import { sql } from 'kysely';
import type { Db, Tx } from '../src/server/db/database.ts';
import { BENCH_PEOPLE, generatePeople } from './people-data.ts';
import { sealFreeTextAtRest, sealNotesAtRest, sealRemainingFreeTextAtRest } from '../src/server/db/data-steps.ts';
import { deriveKeys } from '../src/server/crypto/keys.ts';
import { BENCH_SECRET_KEY } from './server.ts';

/**
 * Cases for the benchmarks (issue 4: 1,000,000 cases, 1,500,000 people, 3,000,000 referrals and
 * events), made from the people dataset. Two people in three are the victim of a case of their own,
 * owned by the person's agency (so agencies have very different numbers of cases); the third are the
 * family members and contactors of those cases. Each case has a spread of statuses, forms of
 * exploitation, regions and opening dates over three years, and three trafficking events
 * (recruitment, transit, exploitation, each with a place and a date).
 *
 * Each case has 0 to 6 referrals to other agencies (about 3 on average, most 2 to 4), in the
 * statuses the app gives them (pending, some of them overdue; accepted; declined; completed;
 * revoked), with the rows the referrals module writes at each step (see
 * src/server/modules/referrals/service.ts): the grant on the referral to the receiver when it is
 * sent; on acceptance the grant on the case with the shared sections (kind `referral`), or for a
 * transfer the move of the case and a `share` grant to the sender; the case grant revoked with the
 * referral; the adult victim's data-sharing consent where the referral went with consent (eight in
 * ten), otherwise only the anonymous sections and an anonymous notification; the child rules for
 * children. Only the audit entries of these steps are left out (the hash chain is written by the
 * app alone).
 *
 * Generated in PostgreSQL (INSERT ... SELECT) in batches of cases, each batch in one transaction;
 * values follow from the row number, so every run gets the same shape of data, and a second call
 * adds nothing. `BENCH_CASES` sets the number of cases (default: two thirds of `BENCH_PEOPLE`).
 */
export const BENCH_CASES = Number(process.env.BENCH_CASES ?? Math.round((BENCH_PEOPLE * 2) / 3));

const FORMS = ['forced_labour', 'sexual_exploitation', 'forced_begging', 'child_labour', 'forced_marriage', 'servitude'];
const REGIONS = ['Baku', 'Ganja', 'Sumgait', 'Lankaran', 'Shaki', 'Mingachevir', 'Shirvan', 'Nakhchivan'];
const SERVICES = ['shelter', 'medical', 'psychological', 'legal_aid', 'interpretation', 'education', 'vocational', 'financial', 'repatriation'];
// Where the exploitation happened (most in Azerbaijan), and the countries the victims passed through.
const DESTINATIONS = ['AZ', 'AZ', 'AZ', 'AZ', 'RU', 'TR', 'AE', 'GE', 'KZ', 'UA', 'IR', 'MY'];
const DESTINATION_CITIES = ['Baku', 'Baku', 'Sumgait', 'Ganja', 'Moscow', 'Istanbul', 'Dubai', 'Tbilisi', 'Almaty', 'Kyiv', 'Tehran', 'Kuala Lumpur'];
const TRANSIT = ['GE', 'TR', 'RU', 'IR', 'AE'];
const TRANSIT_CITIES = ['Tbilisi', 'Istanbul', 'Derbent', 'Astara', 'Sharjah'];
const RECRUITMENT_PLACES = ['Job advertisement on social media', 'Relative of the victim', 'Employment agency', 'Neighbour', 'Marriage broker', 'Messenger group'];
const EXPLOITATION_PLACES = ['Construction site', 'Private flat', 'Street market', 'Farm', 'Private household', 'Garment workshop'];
// Sections a sender typically chooses, by purpose; the app always adds `summary` first.
const SECTIONS_SERVICES = [
  ['summary', 'people', 'events', 'screening', 'consents'],
  ['summary', 'people', 'assistance'],
  ['summary', 'people', 'events', 'notes'],
];
const SECTIONS_IDENTIFICATION = ['summary', 'people', 'events', 'screening', 'identification', 'documents'];
const SECTIONS_TRANSFER = ['summary', 'people', 'events', 'screening', 'consents', 'notes', 'tasks', 'contacts', 'referrals', 'identification', 'timeline', 'documents', 'assistance'];

const text = (a: readonly string[]) => sql`${sql.val([...a])}::text[]`;
/** The i-th of a list, i from any bigint expression. */
const pick = (a: readonly string[], i: ReturnType<typeof sql>) => sql`(${text(a)})[1 + ((${i}) % ${a.length})::int]`;

export async function generateCases(db: Db, createdBy: string, count = BENCH_CASES, log: (line: string) => void = () => {}): Promise<string[]> {
  const agencies = await generatePeople(db, undefined, log);
  let have = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE case_number LIKE 'BENCH-%'`.execute(db)).rows[0]!.n);
  const batch = 100_000;
  let added = false;
  while (have < count) {
    const size = Math.min(batch, count - have);
    const started = Date.now();
    const made = await db.transaction().execute(async (tx) => {
      // The statistics' counts (migration 0142) are counted once at the end, not victim by victim.
      await sql`SET LOCAL pathway.statistics_quiet = 'on'`.execute(tx);
      await sql`CREATE TEMP TABLE bench_pick ON COMMIT DROP AS
        SELECT gen_random_uuid() AS case_id, p.id AS person_id, p.owner_agency_id, p.sex, p.citizenship,
          p.birth_year > extract(year FROM now())::int - 18 AS child,
          row_number() OVER (ORDER BY p.id) + ${have}::bigint AS i
        FROM people p
        WHERE p.owner_agency_id = ANY(${agencies}::uuid[]) AND p.merged_into IS NULL
          AND NOT EXISTS (SELECT 1 FROM case_people cp WHERE cp.person_id = p.id)
        ORDER BY p.id LIMIT ${size}`.execute(tx);
      const picked = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM bench_pick`.execute(tx)).rows[0]!.n);
      if (picked === 0) return 0;
      await sql`ALTER TABLE bench_pick ADD COLUMN opened_at timestamptz(3), ADD COLUMN exploited_on date, ADD COLUMN case_number text, ADD COLUMN forms text[], ADD COLUMN region text`.execute(tx);
      await sql`UPDATE bench_pick SET
          opened_at = now() - make_interval(secs => (i * 97) % (3 * 365 * 86400)),
          case_number = 'BENCH-' || lpad(i::text, 8, '0'),
          forms = ARRAY[(${text(FORMS)})[1 + floor(${FORMS.length} * power(((i * 2654435761) % 4294967296) / 4294967296.0, 1.7))::int]],
          region = ${pick(REGIONS, sql`i * 7`)}`.execute(tx);
      await sql`UPDATE bench_pick SET exploited_on = (opened_at - make_interval(days => 10 + (i % 400)::int))::date`.execute(tx);
      await sql`INSERT INTO cases (id, case_number, owner_agency_id, status, victim_status, region, country, exploitation_forms, created_by, opened_at, created_at, updated_at)
        SELECT case_id, case_number, owner_agency_id,
          (ARRAY['active','active','active','follow_up','closed','closed_referred'])[1 + (i % 6)::int],
          (ARRAY['potential','presumed','presumed','identified','not_identified'])[1 + ((i / 6) % 5)::int],
          region, 'AZ', forms, ${createdBy}::uuid, opened_at, opened_at, opened_at
        FROM bench_pick`.execute(tx);
      await sql`INSERT INTO case_people (case_id, person_id, role, added_by, added_at, updated_at)
        SELECT case_id, person_id, 'victim', ${createdBy}::uuid, opened_at, opened_at FROM bench_pick`.execute(tx);
      // Recruitment (at home, months before), transit (days before) and exploitation, each with a place and a date.
      await sql`INSERT INTO case_events (case_id, type, occurred_on, occurred_precision, country, region, city, place, created_by, created_at, updated_at)
        SELECT case_id, 'recruitment', exploited_on - (60 + (i % 120))::int, 'month', 'AZ', region, region,
          ${pick(RECRUITMENT_PLACES, sql`i * 3`)}, ${createdBy}::uuid, opened_at, opened_at FROM bench_pick
        UNION ALL
        SELECT case_id, 'transit', exploited_on - (5 + (i % 30))::int, 'day', ${pick(TRANSIT, sql`i * 5`)}, NULL, ${pick(TRANSIT_CITIES, sql`i * 5`)},
          'Border crossing', ${createdBy}::uuid, opened_at, opened_at FROM bench_pick
        UNION ALL
        SELECT case_id, 'exploitation', exploited_on, 'month', ${pick(DESTINATIONS, sql`i * 11`)},
          CASE WHEN ${pick(DESTINATIONS, sql`i * 11`)} = 'AZ' THEN region END, ${pick(DESTINATION_CITIES, sql`i * 11`)},
          ${pick(EXPLOITATION_PLACES, sql`i * 13`)}, ${createdBy}::uuid, opened_at, opened_at FROM bench_pick`.execute(tx);
      await generateReferrals(tx, agencies, createdBy);
      return picked;
    });
    if (made === 0) break;
    added = true;
    have += made;
    log(`bench: cases ${have.toLocaleString('en')} of ${count.toLocaleString('en')} (${((Date.now() - started) / 1000).toFixed(1)} s for this batch)`);
  }
  const related = await addRelatedPeople(db, agencies, createdBy, Math.ceil(count / 2), log);
  if (!added && !related) return agencies;
  // Stored as the server stores them (docs/nrm.md, "Identity at rest"): events' places and cities and
  // referrals' and grants' reasons sealed, by the data steps' own code.
  log('bench: sealing trafficking events and referrals');
  await sealNotesAtRest(db, deriveKeys(BENCH_SECRET_KEY));
  await sealFreeTextAtRest(db, deriveKeys(BENCH_SECRET_KEY));
  await sealRemainingFreeTextAtRest(db, deriveKeys(BENCH_SECRET_KEY));
  log('bench: counting the national statistics again');
  await sql`SELECT statistics_rebuild()`.execute(db);
  // VACUUM as well as ANALYZE: it sets the visibility map, without which no scan is index-only until autovacuum comes by.
  for (const table of ['cases', 'case_listing', 'case_people', 'case_events', 'referrals', 'access_grants', 'case_consents', 'anonymous_notifications']) await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
  return agencies;
}

/**
 * The referrals of the cases in `bench_pick`, with what the referrals module writes along with them.
 * Receivers are drawn with a skew toward the larger agencies (the shelters and services most
 * referrals go to); a transfer is only ever a case's last referral.
 */
async function generateReferrals(tx: Tx, agencies: string[], createdBy: string): Promise<void> {
  const n = agencies.length;
  await sql`CREATE TEMP TABLE bench_ref ON COMMIT DROP AS
    WITH c AS (
      SELECT b.*, ((b.i * 2246822519) % 4294967296) / 4294967296.0 AS h FROM bench_pick b
    ), r AS (
      SELECT c.*, j, c.i * 7 + j AS k,
        CASE WHEN h < 0.08 THEN 0 WHEN h < 0.20 THEN 1 WHEN h < 0.38 THEN 2 WHEN h < 0.60 THEN 3 WHEN h < 0.77 THEN 4 WHEN h < 0.90 THEN 5 ELSE 6 END AS n
      FROM c CROSS JOIN LATERAL generate_series(1, 6) AS j
    ), q AS (
      SELECT r.*,
        (((k * 2654435761) % 4294967296) / 4294967296.0) AS q1,
        (((k * 40503 + 12345) % 65536) / 65536.0) AS q2,
        (((k * 1103515245 + 12345) % 2147483648) / 2147483648.0) AS q3,
        (((k * 2246822519 + 7) % 4294967296) / 4294967296.0) AS q4
      FROM r WHERE j <= n
    ), t AS (
      SELECT q.*,
        1 + floor(${n}::int * q1 * q1)::int AS tk,
        CASE WHEN j = n AND q2 < 0.04 THEN 'case_transfer' WHEN q2 < 0.19 THEN 'identification' ELSE 'services' END AS purpose,
        CASE WHEN q3 < 0.06 THEN 'pending_recent' WHEN q3 < 0.11 THEN 'pending_overdue' WHEN q3 < 0.38 THEN 'accepted'
             WHEN q3 < 0.50 THEN 'declined' WHEN q3 < 0.91 THEN 'completed' ELSE 'revoked' END AS step
      FROM q
    ), u AS (
      SELECT t.*,
        CASE WHEN (${sql.val(agencies)}::uuid[])[tk] = owner_agency_id THEN (${sql.val(agencies)}::uuid[])[1 + tk % ${n}::int] ELSE (${sql.val(agencies)}::uuid[])[tk] END AS to_agency_id,
        -- A transfer is complete once accepted, and an accepted transfer is not revoked.
        CASE WHEN purpose = 'case_transfer' AND step = 'completed' THEN 'accepted'
             WHEN step LIKE 'pending%' THEN 'pending' ELSE step END AS status,
        step = 'revoked' AND k % 2 = 0 AND purpose <> 'case_transfer' AS revoked_after_acceptance,
        CASE WHEN child THEN 'child' WHEN q4 < 0.8 THEN 'consent' ELSE 'anonymous' END AS consent_basis,
        CASE WHEN purpose = 'case_transfer' THEN ${text(SECTIONS_TRANSFER)} WHEN purpose = 'identification' THEN ${text(SECTIONS_IDENTIFICATION)}
          WHEN k % 3 = 0 THEN ${text(SECTIONS_SERVICES[0]!)} WHEN k % 3 = 1 THEN ${text(SECTIONS_SERVICES[1]!)} ELSE ${text(SECTIONS_SERVICES[2]!)} END AS requested,
        CASE WHEN step = 'pending_recent' THEN now() - make_interval(hours => 1 + (k % 47)::int, secs => (k % 3600)::int)
             ELSE greatest(opened_at, least(opened_at + make_interval(days => (j * 9 + k % 7)::int, secs => (k % 86400)::int), now() - make_interval(days => 4, secs => (k % 86400)::int))) END AS sent_at
      FROM t
    )
    SELECT u.*,
      gen_random_uuid() AS id,
      gen_random_uuid() AS referral_grant_id,
      CASE WHEN status IN ('accepted','completed') OR revoked_after_acceptance THEN gen_random_uuid() END AS case_grant_id,
      CASE WHEN status IN ('accepted','completed') OR revoked_after_acceptance THEN least(now(), sent_at + make_interval(hours => 1 + (k % 60)::int)) END AS accepted_at,
      CASE WHEN status = 'declined' THEN least(now(), sent_at + make_interval(hours => 1 + (k % 70)::int)) END AS declined_at
    FROM u`.execute(tx);
  await sql`ALTER TABLE bench_ref ADD COLUMN shared text[], ADD COLUMN completed_at timestamptz, ADD COLUMN revoked_at timestamptz`.execute(tx);
  await sql`UPDATE bench_ref SET
      completed_at = CASE WHEN status = 'completed' THEN least(now(), accepted_at + make_interval(days => 3 + (k % 40)::int)) END,
      revoked_at = CASE WHEN status = 'revoked' THEN least(now(), coalesce(accepted_at, sent_at) + make_interval(days => 1 + (k % 10)::int)) END`.execute(tx);
  await sql`UPDATE bench_ref SET shared = CASE WHEN consent_basis = 'anonymous' THEN ARRAY['summary'] ELSE requested END`.execute(tx);
  // The grant on the referral to the receiver (sendReferral).
  await sql`INSERT INTO access_grants (id, record_type, record_id, grantee_agency_id, sections, kind, reason, granted_by, created_at)
    SELECT referral_grant_id, 'referral', id, to_agency_id, ARRAY['referral'], 'referral', 'Referral received', ${createdBy}::uuid, sent_at FROM bench_ref`.execute(tx);
  // On acceptance (acceptReferral): the shared sections of the case to the receiver, or for a transfer the summary and referrals to the sender; revoked with the referral (revokeReferral).
  await sql`INSERT INTO access_grants (id, record_type, record_id, grantee_agency_id, sections, kind, reason, granted_by, created_at, revoked_at)
    SELECT case_grant_id, 'case', case_id,
      CASE WHEN purpose = 'case_transfer' THEN owner_agency_id ELSE to_agency_id END,
      CASE WHEN purpose = 'case_transfer' THEN ARRAY['summary','referrals'] ELSE shared END,
      CASE WHEN purpose = 'case_transfer' THEN 'share' ELSE 'referral' END,
      CASE WHEN purpose = 'case_transfer' THEN 'Case transferred to another agency' ELSE 'Referral ' || id || ' accepted' END,
      ${createdBy}::uuid, accepted_at, revoked_at
    FROM bench_ref WHERE case_grant_id IS NOT NULL`.execute(tx);
  await sql`INSERT INTO referrals (id, case_id, from_agency_id, from_user_id, to_agency_id, purpose, service_type, sections_requested, sections_shared, consent_basis, summary, status,
      sent_at, answer_due_at, accepted_at, accepted_by, declined_at, declined_by, decline_reason, completed_at, completed_by, completion_note, revoked_at, revoked_by, revoke_reason,
      case_grant_id, referral_grant_id, created_at, updated_at)
    SELECT id, case_id, owner_agency_id, ${createdBy}::uuid, to_agency_id, purpose, CASE WHEN purpose = 'services' THEN ${pick(SERVICES, sql`k`)} END,
      requested, shared, consent_basis,
      jsonb_build_object('caseNumber', case_number, 'exploitationForms', to_jsonb(forms), 'region', region, 'country', 'AZ',
        'victims', jsonb_build_array(jsonb_build_object('sex', sex, 'ageBand', CASE WHEN child THEN 'child' ELSE 'adult' END, 'nationality', citizenship, 'unaccompanied', false))),
      status, sent_at, sent_at + interval '72 hours',
      accepted_at, CASE WHEN accepted_at IS NOT NULL THEN ${createdBy}::uuid END,
      declined_at, CASE WHEN declined_at IS NOT NULL THEN ${createdBy}::uuid END, CASE WHEN declined_at IS NOT NULL THEN 'No free places' END,
      completed_at, CASE WHEN completed_at IS NOT NULL THEN ${createdBy}::uuid END, CASE WHEN completed_at IS NOT NULL THEN 'Service delivered' END,
      revoked_at, CASE WHEN revoked_at IS NOT NULL THEN ${createdBy}::uuid END, CASE WHEN revoked_at IS NOT NULL THEN 'Referred elsewhere' END,
      case_grant_id, referral_grant_id, sent_at, greatest(sent_at, accepted_at, declined_at, completed_at, revoked_at)
    FROM bench_ref`.execute(tx);
  // The adult victim's consent to share with that agency for that purpose, recorded the day before.
  await sql`INSERT INTO case_consents (case_id, person_id, kind, agency_id, purpose, given_on, form, recorded_by, recorded_at)
    SELECT DISTINCT ON (case_id, to_agency_id, purpose) case_id, person_id, 'data_sharing', to_agency_id, purpose, (sent_at - interval '1 day')::date,
      CASE WHEN k % 3 = 0 THEN 'oral' ELSE 'written' END, ${createdBy}::uuid, sent_at - interval '1 day'
    FROM bench_ref WHERE consent_basis = 'consent'
    ORDER BY case_id, to_agency_id, purpose, sent_at`.execute(tx);
  // Without consent only the anonymous sections went, and the notification was counted.
  await sql`INSERT INTO anonymous_notifications (referral_id, from_agency_id, sex, age_band, nationality, exploitation_forms, region, country, event_date, created_at)
    SELECT id, owner_agency_id, sex, 'adult', citizenship, forms, region, 'AZ', to_char(exploited_on, 'YYYY-MM'), sent_at FROM bench_ref WHERE consent_basis = 'anonymous'`.execute(tx);
  // An accepted transfer moved the case to the receiver.
  await sql`UPDATE cases c SET owner_agency_id = r.to_agency_id, updated_at = r.accepted_at
    FROM bench_ref r WHERE r.case_id = c.id AND r.purpose = 'case_transfer' AND r.status = 'accepted'`.execute(tx);
}

/**
 * The people not yet in a case become the family members (three in five) and contactors of cases of
 * their own agency, up to `target` of them; a second call adds nothing.
 */
async function addRelatedPeople(db: Db, agencies: string[], createdBy: string, target: number, log: (line: string) => void): Promise<boolean> {
  const have = Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM case_people cp JOIN cases c ON c.id = cp.case_id WHERE c.case_number LIKE 'BENCH-%' AND cp.role <> 'victim'`.execute(db)).rows[0]!.n,
  );
  if (have >= target) return false;
  const started = Date.now();
  const { numAffectedRows } = await sql`
    WITH cs AS (
      SELECT c.id, c.owner_agency_id, c.opened_at, row_number() OVER (PARTITION BY c.owner_agency_id ORDER BY c.case_number) AS rn
      FROM cases c WHERE c.case_number LIKE 'BENCH-%'
    ), sizes AS (
      SELECT owner_agency_id, count(*) AS n FROM cases WHERE case_number LIKE 'BENCH-%' GROUP BY owner_agency_id
    ), extra AS (
      SELECT p.id, p.owner_agency_id, row_number() OVER (PARTITION BY p.owner_agency_id ORDER BY p.id) AS rn
      FROM people p
      WHERE p.owner_agency_id = ANY(${agencies}::uuid[]) AND p.merged_into IS NULL
        AND NOT EXISTS (SELECT 1 FROM case_people cp WHERE cp.person_id = p.id)
      ORDER BY p.id
      LIMIT ${target - have}
    ), placed AS (
      -- Each extra person goes to the case of their agency whose number in the agency is this one.
      SELECT extra.id, extra.rn, extra.owner_agency_id, 1 + (extra.rn * 7919) % sizes.n AS case_rn
      FROM extra JOIN sizes ON sizes.owner_agency_id = extra.owner_agency_id
    )
    INSERT INTO case_people (case_id, person_id, role, added_by, added_at, updated_at)
    SELECT cs.id, placed.id, CASE WHEN placed.rn % 5 < 3 THEN 'family_member' ELSE 'contactor' END, ${createdBy}::uuid, cs.opened_at, cs.opened_at
    FROM placed JOIN cs ON cs.owner_agency_id = placed.owner_agency_id AND cs.rn = placed.case_rn`.execute(db);
  log(`bench: ${Number(numAffectedRows ?? 0).toLocaleString('en')} family members and contactors added to cases (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return true;
}
