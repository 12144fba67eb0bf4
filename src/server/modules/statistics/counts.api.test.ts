/**
 * The counts kept as the records change (migration 0142) against the tables' definition counted
 * straight from the records (the queries below, which the statistics read before the counts existed):
 * after every kind of change to every source, for whole years, periods cut mid-month and single days,
 * after two transactions change one victim's sources at once, after the time zone changes, and
 * against counting everything again.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, type TestApp } from '../../../../test/helpers/app.ts';
import type { DbOrTx } from '../../db/database.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import * as repo from './repository.ts';

type P = repo.Period;

// ---- The definition, counted from the records -------------------------------------------------

async function victimsFromRecords(db: DbOrTx, p: P, tz: string) {
  const { rows } = await sql<Record<string, unknown>>`
    WITH v AS (
      SELECT cp.case_id, cp.person_id, cp.age_disputed, pe.sex, pe.birth_year, pe.citizenship,
             c.country, c.exploitation_forms[1] AS form, a.type AS agency_type,
             (c.opened_at AT TIME ZONE ${tz})::date AS opened_on
      FROM cases c
      JOIN case_people cp ON cp.case_id = c.id AND cp.role = 'victim'
      JOIN people pe ON pe.id = cp.person_id AND pe.merged_into IS NULL
      JOIN agencies a ON a.id = c.owner_agency_id
      WHERE c.opened_at >= (${p.from}::date)::timestamp AT TIME ZONE ${tz}
        AND c.opened_at < ((${p.to}::date + 1)::timestamp AT TIME ZONE ${tz})
    )
    SELECT v.sex,
           CASE WHEN v.age_disputed THEN 'child'
                WHEN v.birth_year IS NULL THEN 'unknown'
                WHEN extract(year FROM v.opened_on)::int - v.birth_year <= 18 THEN 'child'
                ELSE 'adult' END AS "ageGroup",
           CASE WHEN d.outcome IN ('identified_trafficking', 'identified_forced_labour') THEN 'identified'
                WHEN d.outcome IN ('not_enough_evidence', 'negative') THEN 'not_identified'
                ELSE 'presumed' END AS status,
           v.citizenship, v.country, v.form, v.agency_type AS "agencyType",
           to_char(v.opened_on, 'YYYY') || '-Q' || to_char(v.opened_on, 'Q') AS quarter,
           count(*)::int AS n
    FROM v
    LEFT JOIN LATERAL (
      SELECT outcome FROM identification_decisions d
      WHERE d.case_id = v.case_id AND d.person_id = v.person_id
      ORDER BY (d.stage = 'conclusive') DESC, d.decided_on DESC, d.created_at DESC
      LIMIT 1
    ) d ON true
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`.execute(db);
  return rows;
}

const range = (col: string, p: P, tz: string) =>
  sql`${sql.ref(col)} >= (${p.from}::date)::timestamp AT TIME ZONE ${tz} AND ${sql.ref(col)} < ((${p.to}::date + 1)::timestamp AT TIME ZONE ${tz})`;

async function othersFromRecords(db: DbOrTx, p: P, tz: string) {
  const referrals = (await sql<Record<string, unknown>>`SELECT purpose, status, count(*)::int AS n FROM referrals WHERE ${range('sent_at', p, tz)} GROUP BY 1, 2`.execute(db)).rows;
  const services = (await sql<Record<string, unknown>>`
    SELECT service, status, count(*)::int AS n FROM case_assistance_services
    WHERE coalesce(started_on, planned_on, (created_at AT TIME ZONE ${tz})::date) BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1, 2`.execute(db)).rows;
  const contacts = (await sql<Record<string, unknown>>`
    SELECT contact_type AS "contactType", count(*)::int AS n FROM contacts WHERE ${range('received_at', p, tz)} AND NOT is_test GROUP BY 1`.execute(db)).rows;
  const hotlineVictims = (await sql<Record<string, unknown>>`
    SELECT coalesce(x->>'sex', 'unknown') AS sex,
           CASE WHEN (x->>'possiblyChild')::boolean OR (x->>'age')::int < 18 THEN 'child'
                WHEN x->>'age' IS NULL THEN 'unknown' ELSE 'adult' END AS "ageGroup",
           count(*)::int AS n
    FROM contacts c, jsonb_array_elements(CASE WHEN jsonb_typeof(c.persons) = 'array' THEN c.persons ELSE '[]'::jsonb END) x
    WHERE ${range('c.received_at', p, tz)} AND NOT c.is_test AND x->>'role' = 'potential_victim'
    GROUP BY 1, 2`.execute(db)).rows;
  return { referrals, services, contacts, hotlineVictims };
}

const sorted = (rows: ReadonlyArray<Record<string, unknown>>) => rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))).sort();

async function kept(db: DbOrTx, p: P) {
  return {
    victims: sorted(await repo.victimGroups(db, p)),
    referrals: sorted(await repo.referralGroups(db, p)),
    services: sorted(await repo.serviceGroups(db, p)),
    contacts: sorted(await repo.hotlineContactGroups(db, p)),
    hotlineVictims: sorted(await repo.hotlineVictimGroups(db, p)),
  };
}

async function fromRecords(db: DbOrTx, p: P) {
  const tz = (await loadCountryProfile(db)).timeZone;
  const o = await othersFromRecords(db, p, tz);
  return { victims: sorted(await victimsFromRecords(db, p, tz)), referrals: sorted(o.referrals), services: sorted(o.services), contacts: sorted(o.contacts), hotlineVictims: sorted(o.hotlineVictims) };
}

const PERIODS: P[] = [
  { from: '2024-01-01', to: '2024-12-31' },
  { from: '2023-01-01', to: '2025-12-31' },
  { from: '2024-02-15', to: '2024-11-14' },
  { from: '2024-03-01', to: '2024-03-31' },
  { from: '2024-03-10', to: '2024-03-10' },
  { from: '2024-03-31', to: '2024-04-01' },
  { from: '2024-12-31', to: '2025-01-01' },
  { from: '2024-06-02', to: '2024-06-29' },
];

async function expectCountsMatch(db: DbOrTx, what: string) {
  let counted = 0;
  for (const p of PERIODS) {
    const want = await fromRecords(db, p);
    expect(await kept(db, p), `${what}: ${p.from} to ${p.to}`).toEqual(want);
    counted += want.victims.length + want.referrals.length + want.contacts.length;
  }
  return counted;
}

// ---- Data ------------------------------------------------------------------------------------

let t: TestApp;
let ngo: string;
let police: string;
let user: string;
let seq = 0;

async function victimCase(o: { at: string; sex?: string; birthYear?: number | null; form?: string; citizenship?: string | null; country?: string | null; agency?: string }) {
  seq++;
  const c = await t.db.insertInto('cases').values({ caseNumber: `CNT-${seq}`, ownerAgencyId: o.agency ?? ngo, createdBy: user, openedAt: new Date(o.at), exploitationForms: o.form ? [o.form] : [], country: o.country === undefined ? 'AZ' : o.country }).returning('id').executeTakeFirstOrThrow();
  const p = await t.db.insertInto('people').values({ ownerAgencyId: o.agency ?? ngo, sex: o.sex ?? 'female', birthYear: o.birthYear === undefined ? 1990 : o.birthYear, citizenship: o.citizenship === undefined ? 'AZE' : o.citizenship }).returning('id').executeTakeFirstOrThrow();
  await t.db.insertInto('casePeople').values({ caseId: c.id, personId: p.id, role: 'victim', addedBy: user }).execute();
  return { caseId: c.id, personId: p.id };
}

const decide = (v: { caseId: string; personId: string }, stage: 'reasonable_grounds' | 'conclusive', outcome: string, on: string) =>
  t.db.insertInto('identificationDecisions').values({ caseId: v.caseId, personId: v.personId, stage, outcome, decidedOn: on, decidedBy: user, decidedByAgencyId: ngo }).returning('id').executeTakeFirstOrThrow();

async function referral(caseId: string, at: string, purpose = 'services', status = 'pending') {
  return t.db
    .insertInto('referrals')
    .values({ caseId, fromAgencyId: ngo, fromUserId: user, toAgencyId: police, purpose, status, sectionsRequested: ['summary'], sectionsShared: ['summary'], consentBasis: 'consent', summary: JSON.stringify({}), sentAt: new Date(at), answerDueAt: new Date(at) })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function contact(at: string, o: { type?: string | null; persons?: unknown[]; test?: boolean } = {}) {
  return t.db
    .insertInto('contacts')
    .values({ channel: 'call', status: 'completed', ownerAgencyId: ngo, contactType: o.type === undefined ? 'trafficking_report' : o.type, persons: JSON.stringify(o.persons ?? []), receivedAt: new Date(at), isTest: o.test ?? false })
    .returning('id')
    .executeTakeFirstOrThrow();
}

const victimPerson = (sex: string, age: number | null, possiblyChild = false) => ({ role: 'potential_victim', sex, age, possiblyChild, nationality: null });

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  police = (await makeAgency(t.db, { type: 'police' })).id;
  user = (await makeUser(t.db, { roles: ['case_worker'], agencyId: ngo })).id;
}, 120_000);
afterAll(async () => t?.close());

describe('the statistics counted as the records change', () => {
  it('equal the tables counted from the records after every kind of change, for any period', async () => {
    // Times in UTC near the edges of Baku's days (UTC+4), months and years.
    const a = await victimCase({ at: '2024-03-09T21:00:00Z', form: 'sexual_exploitation' }); // 10 March in Baku
    const b = await victimCase({ at: '2024-03-31T19:30:00Z', sex: 'male', birthYear: 2008, form: 'forced_labour', citizenship: 'UZB' }); // 31 March 23:30
    const c = await victimCase({ at: '2024-03-31T20:30:00Z', sex: 'male', birthYear: null, form: 'child_labour', citizenship: null, country: null }); // 1 April 00:30
    const d = await victimCase({ at: '2024-12-31T20:30:00Z', birthYear: 2006 }); // 1 January 2025
    const e = await victimCase({ at: '2024-06-15T08:00:00Z', agency: police, form: 'forced_begging' });
    const f = await victimCase({ at: '2024-02-14T21:00:00Z' }); // 15 February
    // A family member is not a victim; a second victim in a case counts apart.
    const relative = await t.db.insertInto('people').values({ ownerAgencyId: ngo, sex: 'female', birthYear: 1970 }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('casePeople').values({ caseId: a.caseId, personId: relative.id, role: 'family_member', addedBy: user }).execute();
    const second = await t.db.insertInto('people').values({ ownerAgencyId: ngo, sex: 'female', birthYear: 2010, citizenship: 'AZE' }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('casePeople').values({ caseId: a.caseId, personId: second.id, role: 'victim', addedBy: user, ageDisputed: true }).execute();
    await decide(a, 'reasonable_grounds', 'positive', '2024-03-12');
    const bConclusive = await decide(b, 'conclusive', 'identified_trafficking', '2024-04-20');
    await decide(c, 'reasonable_grounds', 'negative', '2024-04-02');

    const r1 = await referral(a.caseId, '2024-03-10T10:00:00Z');
    const r2 = await referral(b.caseId, '2024-03-31T20:30:00Z', 'identification', 'accepted');
    await t.db.insertInto('caseAssistanceServices').values({ caseId: a.caseId, service: 'safe_accommodation', status: 'in_progress', startedOn: '2024-03-11', createdBy: user }).execute();
    const s2 = await t.db.insertInto('caseAssistanceServices').values({ caseId: b.caseId, service: 'material_assistance', status: 'planned', plannedOn: '2024-06-01', createdBy: user }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('caseAssistanceServices').values({ caseId: c.caseId, service: 'emergency_medical_care', status: 'planned', createdBy: user, createdAt: new Date('2024-03-31T21:00:00Z') }).execute();

    const k1 = await contact('2024-03-09T21:00:00Z', { persons: [victimPerson('female', 16), { role: 'suspected_perpetrator', sex: 'male', age: null, possiblyChild: false, nationality: null }] });
    const k2 = await contact('2024-03-31T20:00:00Z', { type: null, persons: [victimPerson('male', null, true), victimPerson('unknown', null)] });
    const k3 = await contact('2024-06-01T10:00:00Z', { type: 'information_request', test: true, persons: [victimPerson('female', 30)] });
    await contact('2024-12-31T19:59:00Z', { type: 'silent' });
    expect(await expectCountsMatch(t.db, 'as recorded')).toBeGreaterThan(10);

    // People: sex, birth year, citizenship; a person merged into another; a victim no longer a victim and back; age disputed.
    await t.db.updateTable('people').set({ sex: 'female', birthYear: 1999, citizenship: 'KGZ' }).where('id', '=', b.personId).execute();
    await t.db.updateTable('people').set({ mergedInto: a.personId, mergedAt: new Date() }).where('id', '=', f.personId).execute();
    await t.db.updateTable('casePeople').set({ role: 'witness' }).where('personId', '=', c.personId).execute();
    await t.db.updateTable('casePeople').set({ ageDisputed: true }).where('personId', '=', d.personId).execute();
    // Cases: opened across a month and a year, another form, moved to an agency of another type.
    await t.db.updateTable('cases').set({ openedAt: new Date('2025-01-05T10:00:00Z'), exploitationForms: ['forced_marriage', 'servitude'] }).where('id', '=', a.caseId).execute();
    await t.db.updateTable('cases').set({ ownerAgencyId: police, country: 'RU' }).where('id', '=', b.caseId).execute();
    // Decisions: a later conclusive one, one taken back.
    await decide(e, 'conclusive', 'not_enough_evidence', '2024-07-01');
    await t.db.deleteFrom('identificationDecisions').where('id', '=', bConclusive.id).execute();
    // Referrals, services, contacts changed and removed.
    await t.db.updateTable('referrals').set({ status: 'declined' }).where('id', '=', r1.id).execute();
    await t.db.updateTable('referrals').set({ sentAt: new Date('2024-05-01T10:00:00Z'), purpose: 'case_transfer' }).where('id', '=', r2.id).execute();
    await t.db.updateTable('caseAssistanceServices').set({ status: 'in_progress', startedOn: '2024-03-31' }).where('id', '=', s2.id).execute();
    await t.db.updateTable('contacts').set({ contactType: 'trafficking_report', persons: JSON.stringify([victimPerson('male', 40)]) }).where('id', '=', k2.id).execute();
    await t.db.updateTable('contacts').set({ isTest: false }).where('id', '=', k3.id).execute();
    await t.db.updateTable('contacts').set({ receivedAt: new Date('2024-04-30T20:00:00Z') }).where('id', '=', k1.id).execute();
    await t.db.deleteFrom('contacts').where('id', '=', (await contact('2024-03-15T10:00:00Z')).id).execute();
    await expectCountsMatch(t.db, 'after the changes');

    // An agency of another type (its victims move in one statement).
    await t.db.updateTable('agencies').set({ type: 'shelter' }).where('id', '=', police).execute();
    await expectCountsMatch(t.db, 'after an agency changed type');

    // A victim who stops being one while the case moves, then comes back.
    await t.db.updateTable('casePeople').set({ role: 'victim' }).where('personId', '=', c.personId).execute();
    await t.db.deleteFrom('casePeople').where('personId', '=', second.id).execute();
    await expectCountsMatch(t.db, 'after a victim left a case and another came back');
  });

  it('count a victim once when two transactions change its sources at the same time', async () => {
    const v = await victimCase({ at: '2024-08-10T10:00:00Z', form: 'forced_labour' });
    const one = new pg.Client({ connectionString: t.url });
    const two = new pg.Client({ connectionString: t.url });
    await one.connect();
    await two.connect();
    try {
      await one.query('BEGIN');
      await two.query('BEGIN');
      // One changes the person; before it commits, the other records a decision for the same victim.
      await one.query('UPDATE people SET sex = $1, birth_year = $2 WHERE id = $3', ['male', 2009, v.personId]);
      const pending = two.query(
        `INSERT INTO identification_decisions (case_id, person_id, stage, outcome, decided_on, decided_by, decided_by_agency_id) VALUES ($1, $2, 'conclusive', 'identified_forced_labour', '2024-08-20', $3, $4)`,
        [v.caseId, v.personId, user, ngo],
      );
      await new Promise((r) => setTimeout(r, 200));
      await one.query('COMMIT');
      await pending;
      await two.query('COMMIT');
    } finally {
      await one.end();
      await two.end();
    }
    const groups = await repo.victimGroups(t.db, { from: '2024-08-01', to: '2024-08-31' });
    expect(groups).toEqual([expect.objectContaining({ sex: 'male', ageGroup: 'child', status: 'identified', n: 1 })]);
    await expectCountsMatch(t.db, 'after concurrent changes');
  });

  // 40,000 victims, each refreshed by its own trigger call: seconds on an idle machine, a minute on a
  // loaded two-core one. What is tested is the counting, not the speed (that is the benchmarks').
  it('count every victim of a transaction that writes more of them than the shared lock table could hold locks for', { timeout: 180_000 }, async () => {
    const many = 40_000;
    await t.db.transaction().execute(async (tx) => {
      await sql`CREATE TEMP TABLE bulk ON COMMIT DROP AS SELECT gen_random_uuid() AS case_id, gen_random_uuid() AS person_id, i FROM generate_series(1, ${many}) i`.execute(tx);
      await sql`INSERT INTO cases (id, case_number, owner_agency_id, created_by, opened_at, exploitation_forms, country)
        SELECT case_id, 'BULK-' || i, ${ngo}, ${user}, timestamptz '2023-05-01 10:00Z' + i * interval '1 minute', ARRAY['forced_labour'], 'AZ' FROM bulk`.execute(tx);
      await sql`INSERT INTO people (id, owner_agency_id, sex, birth_year) SELECT person_id, ${ngo}, CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END, 1980 FROM bulk`.execute(tx);
      await sql`INSERT INTO case_people (case_id, person_id, role, added_by) SELECT case_id, person_id, 'victim', ${user} FROM bulk`.execute(tx);
    });
    const groups = await repo.victimGroups(t.db, { from: '2023-01-01', to: '2023-12-31' });
    expect(groups.reduce((sum, g) => sum + g.n, 0)).toBe(many);
    expect(await kept(t.db, { from: '2023-05-01', to: '2023-05-31' })).toEqual(await fromRecords(t.db, { from: '2023-05-01', to: '2023-05-31' }));
  });

  it('count everything again when the time zone changes, and counting again gives what was kept', { timeout: 180_000 }, async () => {
    const keptRows = async () => ({
      months: sorted((await sql<Record<string, unknown>>`SELECT month::text, sex, age_group, status, citizenship, country, form, agency_type, sum(n)::int AS n FROM statistics_victim_months GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(n) <> 0`.execute(t.db)).rows),
      contacts: sorted((await sql<Record<string, unknown>>`SELECT day::text, contact_type, sum(n)::int AS n FROM statistics_contact_days GROUP BY 1, 2 HAVING sum(n) <> 0`.execute(t.db)).rows),
      hotline: sorted((await sql<Record<string, unknown>>`SELECT day::text, sex, age_group, sum(n)::int AS n FROM statistics_hotline_victim_days GROUP BY 1, 2, 3 HAVING sum(n) <> 0`.execute(t.db)).rows),
      referrals: sorted((await sql<Record<string, unknown>>`SELECT day::text, purpose, status, sum(n)::int AS n FROM statistics_referral_days GROUP BY 1, 2, 3 HAVING sum(n) <> 0`.execute(t.db)).rows),
      services: sorted((await sql<Record<string, unknown>>`SELECT day::text, service, status, sum(n)::int AS n FROM statistics_service_days GROUP BY 1, 2, 3 HAVING sum(n) <> 0`.execute(t.db)).rows),
    });
    const before = await keptRows();
    expect(before.months.length).toBeGreaterThan(0);
    await sql`SELECT statistics_rebuild()`.execute(t.db);
    expect(await keptRows()).toEqual(before);

    // London is four hours behind Baku: the victim opened at 21:00 UTC on 9 March moves back a day.
    const profile = await t.db.selectFrom('settings').select('value').where('key', '=', 'nrm.country_profile').executeTakeFirst();
    await t.db
      .insertInto('settings')
      .values({ key: 'nrm.country_profile', value: JSON.stringify({ ...((profile?.value as object) ?? {}), timeZone: 'Europe/London' }) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
      .execute();
    expect(await keptRows()).not.toEqual(before);
    await expectCountsMatch(t.db, 'in another time zone');
  });
});
