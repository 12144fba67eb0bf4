import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, type TestApp } from '../../../test/helpers/app.ts';
import { dayIn, identificationDates } from '../../domain/deadlines.ts';
import { AZ_CALENDAR } from '../../domain/holidays.ts';
import { COUNTRY_PROFILE_SETTING, loadCountryProfile } from '../nrm-profile.ts';
import { sweepReminders } from './reminders.ts';

let t: TestApp;
let ngo: string;
let authorityA: string;
let authorityB: string;
let worker: string;
const NOW = new Date('2026-04-08T06:00:00Z'); // 10:00 in Baku, a week after Novruz and Ramazan 2026
const LONG_AGO = new Date('2000-01-01T00:00:00Z'); // the due time of the reminders that were there before
const MAIL = { from: 'pathway@example.org', consoleUrl: null, appUrl: 'https://pathway.example.org' };

/**
 * 2,493 referrals (3 a day from 1 January 2024 to 10 April 2026): sent at the first and the last
 * millisecond of the day and at midday in Baku, to two authorities; about one in 17 for services,
 * some declined, completed or revoked; every 7th case has a reasonable-grounds decision, the next a
 * conclusive one only; every 13th referral already has its reasonable-grounds reminder.
 */
async function seed() {
  const n = 2493;
  await sql`INSERT INTO cases (case_number, owner_agency_id, created_by) SELECT 'SWEEP-' || i, ${ngo}, ${worker} FROM generate_series(0, ${n - 1}) i`.execute(t.db);
  await sql`
    INSERT INTO referrals (case_id, from_agency_id, from_user_id, to_agency_id, purpose, service_type, sections_requested, sections_shared, consent_basis, summary, status, sent_at, answer_due_at)
    SELECT c.id, ${ngo}, ${worker}, CASE WHEN i % 2 = 0 THEN ${authorityA}::uuid ELSE ${authorityB}::uuid END,
           CASE WHEN i % 17 = 5 THEN 'services' ELSE 'identification' END, CASE WHEN i % 17 = 5 THEN 'shelter' END,
           '{summary}', '{summary}', 'consent', '{}'::jsonb,
           CASE i % 11 WHEN 3 THEN 'declined' WHEN 4 THEN 'completed' WHEN 5 THEN 'revoked' ELSE CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'accepted' END END,
           (('2024-01-01'::date + i / 3)::timestamp + CASE i % 3 WHEN 0 THEN interval '0' WHEN 1 THEN interval '23:59:59.999' ELSE interval '12:34:56.789' END) AT TIME ZONE 'Asia/Baku',
           '2099-01-01'
    FROM generate_series(0, ${n - 1}) i JOIN cases c ON c.case_number = 'SWEEP-' || i`.execute(t.db);
  const person = (await t.db.insertInto('people').values({ ownerAgencyId: ngo, createdBy: worker }).returning('id').executeTakeFirstOrThrow()).id;
  await sql`
    INSERT INTO identification_decisions (case_id, person_id, stage, outcome, decided_on, reasons, decided_by, decided_by_agency_id)
    SELECT c.id, ${person}, CASE WHEN i % 7 = 2 THEN 'reasonable_grounds' ELSE 'conclusive' END, CASE WHEN i % 7 = 2 THEN 'positive' ELSE 'not_enough_evidence' END,
           '2026-01-01', 'test', ${worker}, ${authorityA}
    FROM generate_series(0, ${n - 1}) i JOIN cases c ON c.case_number = 'SWEEP-' || i WHERE i % 7 IN (2, 3)`.execute(t.db);
  await sql`
    INSERT INTO reminders (kind, subject_id, case_id, agency_id, due_at)
    SELECT 'rg_overdue', r.id, r.case_id, r.to_agency_id, ${LONG_AGO} FROM referrals r JOIN cases c ON c.id = r.case_id
    WHERE c.case_number LIKE 'SWEEP-%' AND substr(c.case_number, 7)::int % 13 = 1`.execute(t.db);
}

type Row = [subjectId: string, caseId: string | null, agencyId: string | null, dueAt: string];

/** The reminders the sweep should have written by `at`, computed the old way: referral by referral. */
async function expected(at: Date): Promise<Row[]> {
  const profile = await loadCountryProfile(t.db);
  const referrals = await t.db.selectFrom('referrals').select(['id', 'caseId', 'toAgencyId', 'purpose', 'status', 'sentAt']).execute();
  const decided = new Set((await t.db.selectFrom('identificationDecisions').select('caseId').where('stage', '=', 'reasonable_grounds').execute()).map((d) => d.caseId));
  const before = new Set((await t.db.selectFrom('reminders').select('subjectId').where('kind', '=', 'rg_overdue').where('dueAt', '=', LONG_AGO).execute()).map((m) => m.subjectId));
  const today = dayIn(profile.timeZone, at);
  return referrals
    .filter((r) => r.purpose === 'identification' && ['pending', 'accepted'].includes(r.status) && !decided.has(r.caseId) && !before.has(r.id))
    .map((r) => ({ r, due: identificationDates(profile, AZ_CALENDAR, { referredOn: dayIn(profile.timeZone, r.sentAt) }).rgDueOn }))
    .filter(({ due }) => today > due)
    .map(({ r, due }): Row => [r.id, r.caseId, r.toAgencyId, new Date(`${due}T23:59:59+04:00`).toISOString()])
    .sort();
}

/** The reasonable-grounds reminders the sweeps wrote (not those that were there before). */
async function written(): Promise<Row[]> {
  const rows = await t.db.selectFrom('reminders').select(['subjectId', 'caseId', 'agencyId', 'userId', 'dueAt']).where('kind', '=', 'rg_overdue').where('dueAt', '<>', LONG_AGO).execute();
  expect(rows.every((m) => m.userId === null)).toBe(true);
  return rows.map((m): Row => [m.subjectId, m.caseId, m.agencyId, m.dueAt.toISOString()]).sort();
}

/** The sweeps' reasonable-grounds reminders gone, and their marks on the referrals (migration 0144), as if no sweep had run. */
const forget = () =>
  sql`WITH gone AS (DELETE FROM reminders WHERE kind = 'rg_overdue' AND due_at <> ${LONG_AGO} RETURNING subject_id)
    UPDATE referrals SET rg_reminded_at = NULL WHERE id IN (SELECT subject_id FROM gone)`.execute(t.db);

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  authorityA = (await makeAgency(t.db, { type: 'police' })).id;
  authorityB = (await makeAgency(t.db, { type: 'police' })).id;
  worker = (await makeUser(t.db, { roles: ['case_worker'], agencyId: ngo })).id;
  await makeUser(t.db, { roles: ['identification_officer'], agencyId: authorityA });
  await makeUser(t.db, { roles: ['identification_officer'], agencyId: authorityA });
  await makeUser(t.db, { roles: ['identification_officer'], agencyId: authorityB });
  await makeUser(t.db, { roles: ['investigator'], agencyId: authorityB }); // cannot decide: no e-mail
  const quiet = await makeUser(t.db, { roles: ['identification_officer'], agencyId: authorityB });
  await t.db.updateTable('users').set({ reminderEmails: false }).where('id', '=', quiet.id).execute();
  await seed();
});
afterAll(() => t.close());

describe('the reasonable-grounds reminders of the sweep', () => {
  it('go to exactly the waiting referrals past their due day, once each, due at the end of that day in Baku', async () => {
    const want = await expected(NOW);
    // The data reaches both sides of the boundary: late referrals by the thousand and some not yet due.
    expect(want.length).toBeGreaterThan(1000);
    expect(want.some((r) => r[3] === '2026-04-07T19:59:59.000Z')).toBe(true); // sent 31 March, due 7 April
    expect(want.some((r) => r[3] >= '2026-04-08')).toBe(false); // sent 1 April, due today: not yet

    expect(await sweepReminders(t.db, NOW)).toEqual({ created: want.length, emailsQueued: 0 });
    expect(await written()).toEqual(want);
    expect(await sweepReminders(t.db, NOW)).toEqual({ created: 0, emailsQueued: 0 });
    expect(await written()).toEqual(want);
    // Those that had one keep it as it was.
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM reminders WHERE kind = 'rg_overdue' AND due_at = ${LONG_AGO}`.execute(t.db)).rows[0]!.n)).toBe(Math.ceil(2493 / 13));
  });

  it('the next day writes only the newly late ones, an old referral that appeared meanwhile among them', async () => {
    const c = await t.db.insertInto('cases').values({ caseNumber: 'SWEEP-LATE', ownerAgencyId: ngo, createdBy: worker }).returning('id').executeTakeFirstOrThrow();
    await t.db
      .insertInto('referrals')
      .values({ caseId: c.id, fromAgencyId: ngo, fromUserId: worker, toAgencyId: authorityB, purpose: 'identification', sectionsRequested: ['summary'], sectionsShared: ['summary'], consentBasis: 'consent', summary: '{}', sentAt: new Date('2025-02-03T10:00:00Z'), answerDueAt: new Date('2099-01-01') })
      .execute();
    const had = (await written()).length;
    const next = new Date(NOW.getTime() + 86_400_000);
    const want = await expected(next);
    const { created } = await sweepReminders(t.db, next);
    expect(created).toBe(want.length - had);
    expect(created).toBeGreaterThan(1); // the referrals sent on 1 April and the old one
    expect(await written()).toEqual(want);
    expect(await sweepReminders(t.db, next)).toEqual({ created: 0, emailsQueued: 0 });
  });

  it.each(['Pacific/Kiritimati', 'America/Sao_Paulo'])('count the sent day in the profile\'s time zone (%s), as dayIn does', async (timeZone) => {
    await t.db.insertInto('settings').values({ key: COUNTRY_PROFILE_SETTING, value: JSON.stringify({ timeZone }) }).execute();
    try {
      await forget();
      const want = await expected(NOW);
      expect((await sweepReminders(t.db, NOW)).created).toBe(want.length);
      expect(await written()).toEqual(want);
    } finally {
      await t.db.deleteFrom('settings').where('key', '=', COUNTRY_PROFILE_SETTING).execute();
    }
  });

  it('queue every new reminder\'s e-mails, however many, to the officers of the receiving authority who want them', async () => {
    await forget();
    const want = await expected(NOW);
    const toA = want.filter((r) => r[2] === authorityA).length;
    const toB = want.length - toA;
    expect(toA).toBeGreaterThan(500); // more than one batch of reminders and of e-mails
    const { created, emailsQueued } = await sweepReminders(t.db, NOW, MAIL);
    expect(created).toBe(want.length);
    expect(emailsQueued).toBe(toA * 2 + toB);
    const perReminder = await t.db
      .selectFrom('mailOutbox as o')
      .innerJoin('reminders as m', 'm.id', 'o.recordId')
      .select(['m.agencyId', (eb) => eb.fn.countAll<string>().as('n')])
      .where('o.kind', '=', 'reminder')
      .where('m.kind', '=', 'rg_overdue')
      .groupBy(['m.id', 'm.agencyId'])
      .execute();
    expect(perReminder).toHaveLength(want.length);
    expect(perReminder.every((g) => Number(g.n) === (g.agencyId === authorityA ? 2 : 1))).toBe(true);
    expect(await sweepReminders(t.db, NOW, MAIL)).toEqual({ created: 0, emailsQueued: 0 });
  });
});

describe('the other kinds of the sweep', () => {
  it('remind about every task coming due and every unanswered referral without a reminder, whether the reminded ones are due before or after them', async () => {
    const c = await t.db.insertInto('cases').values({ caseNumber: 'SWEEP-OTHER', ownerAgencyId: ngo, createdBy: worker }).returning('id').executeTakeFirstOrThrow();
    const hours = (h: number) => new Date(NOW.getTime() + h * 3600_000);
    const task = async (dueIn: number, done = false) =>
      (await t.db.insertInto('caseTasks').values({ caseId: c.id, dueAt: hours(dueIn), assignedUserId: worker, createdBy: worker, completedAt: done ? NOW : null }).returning('id').executeTakeFirstOrThrow()).id;
    const referral = async (dueIn: number, status: 'pending' | 'accepted' = 'pending') =>
      (
        await t.db
          .insertInto('referrals')
          .values({ caseId: c.id, fromAgencyId: ngo, fromUserId: worker, toAgencyId: authorityA, purpose: 'services', serviceType: 'medical', sectionsRequested: ['summary'], sectionsShared: ['summary'], consentBasis: 'consent', summary: '{}', status, sentAt: hours(-200), answerDueAt: hours(dueIn) })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const tasks = { a: await task(-50), b: await task(-40), c: await task(-30), d: await task(-20), e: await task(-10), f: await task(23), later: await task(30), done: await task(-35, true) };
    const referrals = { a: await referral(-50), b: await referral(-40), c: await referral(-20), d: await referral(-1), accepted: await referral(-30, 'accepted'), notYet: await referral(5) };
    // Already reminded: the earliest and one in the middle of each.
    await t.db
      .insertInto('reminders')
      .values([
        { kind: 'task_due', subjectId: tasks.a, caseId: c.id, userId: worker, dueAt: LONG_AGO },
        { kind: 'task_due', subjectId: tasks.d, caseId: c.id, userId: worker, dueAt: LONG_AGO },
        { kind: 'referral_overdue', subjectId: referrals.a, caseId: c.id, agencyId: authorityA, dueAt: LONG_AGO },
        { kind: 'referral_overdue', subjectId: referrals.c, caseId: c.id, agencyId: authorityA, dueAt: LONG_AGO },
      ])
      .execute();

    expect(await sweepReminders(t.db, NOW)).toEqual({ created: 6, emailsQueued: 0 });
    const rows = await t.db.selectFrom('reminders').select(['kind', 'subjectId', 'dueAt']).where('caseId', '=', c.id).execute();
    const got = (kind: string) => Object.fromEntries(rows.filter((m) => m.kind === kind).map((m) => [m.subjectId, m.dueAt.toISOString()]));
    const byDue = (ids: Record<string, string>, due: Record<string, number>) => Object.fromEntries(Object.entries(due).map(([k, h]) => [ids[k]!, h === 0 ? LONG_AGO.toISOString() : hours(h).toISOString()]));
    expect(got('task_due')).toEqual(byDue(tasks, { a: 0, b: -40, c: -30, d: 0, e: -10, f: 23 }));
    expect(got('referral_overdue')).toEqual(byDue(referrals, { a: 0, b: -40, c: 0, d: -1 }));
    const marked = await t.db.selectFrom('caseTasks').select('id').where('caseId', '=', c.id).where('remindedAt', '=', NOW).execute();
    expect(marked.map((m) => m.id).sort()).toEqual([tasks.b, tasks.c, tasks.e, tasks.f].sort());
    // Every overdue pending referral is marked as reminded (migration 0144), those reminded before
    // (by another process, or before the marks) as well; the accepted one and the one not yet due not.
    const marks = await t.db.selectFrom('referrals').select(['id', 'answerRemindedAt']).where('caseId', '=', c.id).execute();
    expect(Object.fromEntries(marks.map((m) => [m.id, m.answerRemindedAt?.toISOString() ?? null]))).toEqual({
      [referrals.a]: NOW.toISOString(), [referrals.b]: NOW.toISOString(), [referrals.c]: NOW.toISOString(), [referrals.d]: NOW.toISOString(), [referrals.accepted]: null, [referrals.notYet]: null,
    });
    expect(await sweepReminders(t.db, NOW)).toEqual({ created: 0, emailsQueued: 0 });
  });

  it('read only the referrals not marked as reminded: a marked one is not reminded again, and an unmarked one is reminded whatever was reminded before it', async () => {
    const c = await t.db.insertInto('cases').values({ caseNumber: 'SWEEP-MARKS', ownerAgencyId: ngo, createdBy: worker }).returning('id').executeTakeFirstOrThrow();
    const referral = async (dueAt: Date, values: { answerRemindedAt?: Date; rgRemindedAt?: Date; purpose?: string } = {}) =>
      (
        await t.db
          .insertInto('referrals')
          .values({ caseId: c.id, fromAgencyId: ngo, fromUserId: worker, toAgencyId: authorityA, purpose: values.purpose ?? 'services', serviceType: values.purpose ? null : 'medical', sectionsRequested: ['summary'], sectionsShared: ['summary'], consentBasis: 'consent', summary: '{}', sentAt: new Date('2026-01-05T10:00:00Z'), answerDueAt: dueAt, answerRemindedAt: values.answerRemindedAt ?? null, rgRemindedAt: values.rgRemindedAt ?? null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    // Marked with no reminder (its reminder read away by hand): the sweep does not look at it again.
    const marked = await referral(new Date('2026-02-01T00:00:00Z'), { answerRemindedAt: LONG_AGO });
    const identification = await referral(new Date('2026-02-01T00:00:00Z'), { purpose: 'identification', answerRemindedAt: LONG_AGO, rgRemindedAt: LONG_AGO });
    // Not marked, due after the marked one.
    const fresh = await referral(new Date('2026-03-01T00:00:00Z'));
    await sweepReminders(t.db, NOW);
    const rows = await t.db.selectFrom('reminders').select(['kind', 'subjectId']).where('caseId', '=', c.id).execute();
    expect(rows).toEqual([{ kind: 'referral_overdue', subjectId: fresh }]);
    expect(rows.some((r) => r.subjectId === marked || r.subjectId === identification)).toBe(false);
    // A referral a user's transaction holds is left for the next sweep: the sweep waits on no one.
    const held = await referral(new Date('2026-03-02T00:00:00Z'));
    await t.db.transaction().execute(async (trx) => {
      await trx.selectFrom('referrals').select('id').where('id', '=', held).forUpdate().execute();
      await sweepReminders(t.db, NOW);
      expect(await t.db.selectFrom('reminders').select('id').where('subjectId', '=', held).execute()).toEqual([]);
    });
    await sweepReminders(t.db, NOW);
    expect(await t.db.selectFrom('reminders').select('kind').where('subjectId', '=', held).execute()).toEqual([{ kind: 'referral_overdue' }]);
    expect((await t.db.selectFrom('referrals').select('answerRemindedAt').where('id', '=', held).executeTakeFirstOrThrow()).answerRemindedAt).toEqual(NOW);
    // The sweep's first read is the partial index of the unmarked ones, whatever the number of marked ones.
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT min(answer_due_at) FROM referrals r WHERE status = 'pending' AND answer_reminded_at IS NULL AND answer_due_at < ${NOW}`.execute(t.db);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('referrals_answer_unreminded_idx');
  });
});
