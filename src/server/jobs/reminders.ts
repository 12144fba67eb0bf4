import { sql, type InsertQueryBuilder, type InsertResult, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/types.ts';
import { addDays, dayIn, identificationDates } from '../../domain/deadlines.ts';
import { calendarFor } from '../../domain/country-profile.ts';
import { loadCountryProfile, loadJusticeProfile } from '../nrm-profile.ts';
import { enqueueReminderMails } from '../mail/reminder-mail.ts';
import type { MailSettings } from '../mail/outbox.ts';
import { pruneExpired, type PruneWindows } from './housekeeping.ts';
import { anchorAuditChains } from '../audit/audit.ts';
import { sweepActionPlanReminders } from '../modules/action-plan/reminders.ts';

/** The kinds the sweep writes at most once per thing (the partial unique index `reminders_sweep_once_idx`). */
const SWEEP_KINDS = ['task_due', 'referral_overdue', 'rg_overdue', 'permit_expiry'];

/** No reminder of this kind about the row yet. */
const notReminded = (kind: 'task_due' | 'referral_overdue' | 'rg_overdue' | 'permit_expiry', alias: 'k' | 'r') => sql<boolean>`NOT EXISTS (SELECT 1 FROM reminders m WHERE m.kind = ${sql.lit(kind)} AND m.subject_id = ${sql.ref(`${alias}.id`)})`;

/**
 * A referral's reminders go to its handler while the handler can act on them: an active person of
 * the receiving agency with one of `permissions` (answer referrals; for the reasonable-grounds
 * target, decide on identification). Otherwise (no handler, disabled, moved to another agency, role
 * taken away) they go to the receiving agency as a whole.
 */
const handlerCanAct = (permissions: readonly string[]) => sql<boolean>`EXISTS (
  SELECT 1 FROM users hu WHERE hu.id = r.handler_user_id AND hu.agency_id = r.to_agency_id AND hu.disabled_at IS NULL AND NOT hu.is_service_account
    AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.code = ur.role_code WHERE ur.user_id = hu.id AND ro.permissions && ${[...permissions]}::text[]))`;
const referralRecipient = (permissions: readonly string[]) =>
  [
    sql<string | null>`CASE WHEN ${handlerCanAct(permissions)} THEN r.handler_user_id END`.as('userId'),
    sql<string | null>`CASE WHEN ${handlerCanAct(permissions)} THEN NULL ELSE r.to_agency_id END`.as('agencyId'),
  ] as const;
const ANSWER = ['referral:update:granted', 'referral:update:all'];
const DECIDE = ['identification:decide'];
/** Who can act on a criminal case's time limit (extend it, close the investigation). */
const INVESTIGATE = ['investigation:update:own', 'investigation:update:agency', 'investigation:update:all'];

/** How long before a task's due time its assignee is reminded. */
export const TASK_REMINDER_HOURS = 24;

/**
 * One sweep of the reminder worker: writes a reminder (once per thing and kind, so any number of
 * Pathway processes may sweep at once) for each open task due within a day (to its assignee), each
 * pending referral past its answer time (to the receiving agency, or the person who handles it),
 * each identification referral past its reasonable-grounds target with no decision (to the
 * competent authority, or its handler), and each current
 * residence permit within `permitExpiryReminderDays` of its expiry (to the case worker), and each
 * criminal case in investigation within `investigationReminderDays` of its time limit or past it (to
 * its investigator, or the owning agency). A simple
 * PostgreSQL-backed worker: the unique key on (kind, subject) makes the work idempotent. With e-mail
 * configured, each new reminder's e-mails are queued in the same transaction (`enqueueReminderMails`),
 * so a second sweep, which writes no reminder, queues no e-mail either.
 *
 * Nothing per task or referral is read into the process, and each sweep works on what is new:
 * - Each kind is a read that finds where the new work starts (the earliest due time, or for the
 *   reasonable-grounds target the sent days, of the things with no reminder yet), then one
 *   `INSERT ... SELECT` from there on, whose `ON CONFLICT` on the unique key skips the few already
 *   reminded. The insert itself does not anti-join the reminders: while it writes, a nested loop
 *   would read its own new rows again for every row (quadratic when the planner takes the table for
 *   empty, as before a first sweep).
 * - "No reminder yet" is, for tasks and permits, an anti-join on the reminders; referrals, which
 *   pile up by the hundred thousand in a national system, carry a mark of their reminders
 *   (`answer_reminded_at`, `rg_reminded_at`, migration 0144), set in the statement that writes the
 *   reminder, and partial indexes hold those not yet marked, so a sweep reads only those, not every
 *   referral it reminded of before.
 * - The reasonable-grounds target (working days of the holiday calendar) is computed here, but it
 *   depends only on the day the referral was sent (in the profile's time zone), so it is computed
 *   once per distinct sent day of the waiting referrals (some hundreds of days however many
 *   referrals), and the insert joins the referrals to the (sent day, due time) pairs that are past.
 * - Only the new reminders' ids come back, and only when e-mails are to be queued for them;
 *   otherwise just their number.
 */
export async function sweepReminders(db: Db, now = new Date(), mail: MailSettings | null = null): Promise<{ created: number; emailsQueued: number }> {
  const [profile, justice] = await Promise.all([loadCountryProfile(db), loadJusticeProfile(db)]);
  const cal = calendarFor(profile);
  return db.transaction().execute(async (tx) => {
    // The new reminders: their ids when their e-mails are to be queued, else only how many.
    let created = 0;
    const ids: string[] = [];
    const wrote = (rows: { id: string }[]) => {
      for (const r of rows) ids.push(r.id);
      created += rows.length;
    };
    const write = async (q: InsertQueryBuilder<Database, 'reminders', InsertResult>) => {
      if (mail) wrote(await q.returning('id').execute());
      else created += Number((await q.executeTakeFirstOrThrow()).numInsertedOrUpdatedRows ?? 0);
    };
    // A referral reminder, and the referral marked as reminded of it (`mark`), in one statement from
    // one reading of the referrals (their rows locked: the marks are written from it): those already
    // reminded (by a sweep in another process meanwhile) are skipped by the unique key and marked all
    // the same.
    const writeMarked = async (
      due: SelectQueryBuilder<Database & { r: Database['referrals'] }, 'r', { kind: string; id: string; caseId: string; userId: string | null; agencyId: string | null; dueAt: Date }>,
      mark: 'answerRemindedAt' | 'rgRemindedAt',
    ) => {
      const q = tx
        // A referral a user's transaction holds (accepting it, a handover) is left for the next sweep:
        // the sweep waits on no one's row and so deadlocks with no one.
        .with('due', () => due.forNoKeyUpdate('r').skipLocked())
        .with('ins', (qb) =>
          qb
            .insertInto('reminders')
            .columns(['kind', 'subjectId', 'caseId', 'userId', 'agencyId', 'dueAt'])
            .expression((eb) => eb.selectFrom('due').select(['due.kind', 'due.id', 'due.caseId', 'due.userId', 'due.agencyId', 'due.dueAt']))
            .onConflict((oc) => oc.columns(['kind', 'subjectId']).where('kind', 'in', SWEEP_KINDS).doNothing())
            .returning('id'),
        )
        .with('marked', (qb) => qb.updateTable('referrals').set({ [mark]: now }).where('id', 'in', (eb) => eb.selectFrom('due').select('due.id')))
        .selectFrom('ins');
      if (mail) wrote(await q.select('ins.id').execute());
      else created += Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    };

    // Open tasks due within a day; the tasks reminded about are marked in the same statement.
    const soon = new Date(now.getTime() + TASK_REMINDER_HOURS * 3600_000);
    const openTasks = tx.selectFrom('caseTasks as k').where('k.completedAt', 'is', null).where('k.dueAt', '<=', soon);
    const firstTask = (await openTasks.where(notReminded('task_due', 'k')).select((eb) => eb.fn.min<Date | null>('k.dueAt').as('dueAt')).executeTakeFirstOrThrow()).dueAt;
    if (firstTask) {
      const tasks = tx
        .with('ins', (qb) =>
          qb
            .insertInto('reminders')
            .columns(['kind', 'subjectId', 'caseId', 'userId', 'dueAt'])
            .expression(openTasks.where('k.dueAt', '>=', firstTask).select([sql.lit('task_due').as('kind'), 'k.id', 'k.caseId', 'k.assignedUserId', 'k.dueAt']))
            .onConflict((oc) => oc.columns(['kind', 'subjectId']).where('kind', 'in', SWEEP_KINDS).doNothing())
            .returning(['id', 'subjectId']),
        )
        .with('marked', (qb) => qb.updateTable('caseTasks').set({ remindedAt: now }).where('id', 'in', (eb) => eb.selectFrom('ins').select('ins.subjectId')))
        .selectFrom('ins');
      if (mail) wrote(await tasks.select('ins.id').execute());
      else created += Number((await tasks.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    }

    // Pending referrals past their answer time, not reminded of yet: the partial index
    // `referrals_answer_unreminded_idx` holds only those (migration 0144). The reminders and the
    // referrals' marks are written by one statement, from one reading of the referrals.
    const unanswered = tx.selectFrom('referrals as r').where('r.status', '=', 'pending').where('r.answerRemindedAt', 'is', null).where('r.answerDueAt', '<', now);
    const firstReferral = (await unanswered.select((eb) => eb.fn.min<Date | null>('r.answerDueAt').as('dueAt')).executeTakeFirstOrThrow()).dueAt;
    if (firstReferral) {
      await writeMarked(
        unanswered.where('r.answerDueAt', '>=', firstReferral).select([sql.lit('referral_overdue').as('kind'), 'r.id', 'r.caseId', ...referralRecipient(ANSWER), 'r.answerDueAt as dueAt']),
        'answerRemindedAt',
      );
    }

    // Identification referrals with no reasonable-grounds decision on their case and no reminder of
    // it yet (the partial index `referrals_rg_unreminded_idx` holds the pending and accepted ones
    // not reminded of: migration 0144).
    const undecided = tx
      .selectFrom('referrals as r')
      .where('r.purpose', '=', 'identification')
      .where('r.status', 'in', ['pending', 'accepted'])
      .where('r.rgRemindedAt', 'is', null)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM identification_decisions d WHERE d.case_id = r.case_id AND d.stage = 'reasonable_grounds')`);
    // The day sent in the profile's time zone, as `dayIn(profile.timeZone, sentAt)` gives it.
    const tz = profile.timeZone;
    const sentDay = sql<string>`(r.sent_at AT TIME ZONE ${tz})::date`;
    const today = dayIn(tz, now);
    // The distinct sent days of those still without a reminder, and the due day of each.
    const late = (await undecided.select(sentDay.as('sentDay')).distinct().orderBy('sentDay').execute())
      .map(({ sentDay }) => ({ sentDay, dueOn: identificationDates(profile, cal, { referredOn: sentDay }).rgDueOn }))
      .filter((d) => today > d.dueOn);
    if (late.length) {
      // Due at the end of the due day in Baku, as always.
      const pairs = sql<{ sentDay: string; dueAt: Date }>`(SELECT * FROM unnest(${late.map((d) => d.sentDay)}::date[], ${late.map((d) => `${d.dueOn}T23:59:59+04:00`)}::timestamptz[]) AS u (sent_day, due_at))`;
      // A range of sent times around those days (a day wider each side, whatever the zone's
      // midnights), so the index is read for those days only; the join picks the exact days.
      const from = sql<Date>`(${late[0]!.sentDay}::date - 1)::timestamp AT TIME ZONE ${tz}`;
      const until = sql<Date>`(${late.at(-1)!.sentDay}::date + 2)::timestamp AT TIME ZONE ${tz}`;
      await writeMarked(
        undecided
          .where('r.sentAt', '>=', from)
          .where('r.sentAt', '<', until)
          .innerJoin(pairs.as('p'), (j) => j.on(sql<boolean>`p.sent_day = ${sentDay}`))
          .select([sql.lit('rg_overdue').as('kind'), 'r.id', 'r.caseId', ...referralRecipient(DECIDE), 'p.dueAt']),
        'rgRemindedAt',
      );
    }

    // Residence permits running out within the profile's reminder days: current ones (not renewed),
    // of a person who is still a victim of the case, on a case whose access no order ended, and not
    // recorded after they had run out (a past permit is history, not something to renew). To the
    // case worker responsible while an active person of the owning agency, else to that agency.
    const expiring = tx
      .selectFrom('residencePermits as r')
      .innerJoin('cases as c', 'c.id', 'r.caseId')
      .where('r.expiresOn', '<=', addDays(today, profile.permitExpiryReminderDays))
      .where(sql<boolean>`r.expires_on >= (r.created_at AT TIME ZONE ${tz})::date`)
      .where('c.accessEndedAt', 'is', null)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM residence_permits x WHERE x.renews_id = r.id)`)
      .where(sql<boolean>`EXISTS (SELECT 1 FROM case_people cp WHERE cp.case_id = r.case_id AND cp.person_id = r.person_id AND cp.role = 'victim')`);
    const workerActive = sql<boolean>`EXISTS (SELECT 1 FROM users ou WHERE ou.id = c.owner_user_id AND ou.agency_id = c.owner_agency_id AND ou.disabled_at IS NULL AND NOT ou.is_service_account)`;
    const firstPermit = (await expiring.where(notReminded('permit_expiry', 'r')).select((eb) => eb.fn.min<string | null>('r.expiresOn').as('expiresOn')).executeTakeFirstOrThrow()).expiresOn;
    if (firstPermit) {
      await write(
        tx
          .insertInto('reminders')
          .columns(['kind', 'subjectId', 'caseId', 'userId', 'agencyId', 'dueAt'])
          .expression(
            expiring
              .where('r.expiresOn', '>=', firstPermit)
              .select([
                sql.lit('permit_expiry').as('kind'),
                'r.id',
                'r.caseId',
                sql<string | null>`CASE WHEN ${workerActive} THEN c.owner_user_id END`.as('userId'),
                sql<string | null>`CASE WHEN ${workerActive} THEN NULL ELSE c.owner_agency_id END`.as('agencyId'),
                // The end of the expiry day in the profile's time zone.
                sql<Date>`(r.expires_on::timestamp + interval '23:59:59') AT TIME ZONE ${tz}`.as('dueAt'),
              ]),
          )
          .onConflict((oc) => oc.columns(['kind', 'subjectId']).where('kind', 'in', SWEEP_KINDS).doNothing()),
      );
    }

    // Criminal cases still in investigation whose preliminary-investigation time limit (the opening
    // plus the justice profile's months, or a later extension) is within the profile's reminder days
    // or past: once per case and time limit (an extension is a new limit). To the investigator
    // responsible while an active investigator of the owning agency, else to that agency. Suspended,
    // terminated and sent-to-court cases have no running limit, so none.
    const horizon = addDays(today, justice.investigationReminderDays);
    const months = justice.investigationMonths;
    const dueOn = sql<string>`greatest((cc.opened_on + make_interval(months => ${months}))::date, cc.investigation_extended_until)`;
    const dueAt = sql<Date>`(${dueOn}::timestamp + interval '23:59:59') AT TIME ZONE ${tz}`;
    const running = tx
      .selectFrom('criminalCases as cc')
      .where('cc.status', '=', 'investigation')
      // A bound on the opening day the partial index answers (three days' slack for month ends), then the exact rule.
      .where(sql<boolean>`cc.opened_on <= (${horizon}::date - make_interval(months => ${months}))::date + 3`)
      .where(sql<boolean>`${dueOn} <= ${horizon}::date`);
    const firstRunning = (
      await running
        .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM reminders m WHERE m.kind = 'investigation_due' AND m.subject_id = cc.id AND m.due_at = ${dueAt})`)
        .select((eb) => eb.fn.min<string | null>('cc.openedOn').as('openedOn'))
        .executeTakeFirstOrThrow()
    ).openedOn;
    if (firstRunning) {
      const investigatorActive = sql<boolean>`EXISTS (SELECT 1 FROM users ou WHERE ou.id = cc.owner_user_id AND ou.agency_id = cc.owner_agency_id AND ou.disabled_at IS NULL AND NOT ou.is_service_account
        AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.code = ur.role_code WHERE ur.user_id = ou.id AND ro.permissions && ${INVESTIGATE}::text[]))`;
      await write(
        tx
          .insertInto('reminders')
          .columns(['kind', 'subjectId', 'criminalCaseId', 'userId', 'agencyId', 'dueAt'])
          .expression(
            running
              .where('cc.openedOn', '>=', firstRunning)
              .select([
                sql.lit('investigation_due').as('kind'),
                'cc.id',
                'cc.id as criminalCaseId',
                sql<string | null>`CASE WHEN ${investigatorActive} THEN cc.owner_user_id END`.as('userId'),
                sql<string | null>`CASE WHEN ${investigatorActive} THEN NULL ELSE cc.owner_agency_id END`.as('agencyId'),
                dueAt.as('dueAt'),
              ]),
          )
          .onConflict((oc) => oc.columns(['subjectId', 'dueAt']).where('kind', '=', 'investigation_due').doNothing()),
      );
    }

    return { created, emailsQueued: mail ? await enqueueReminderMails(tx, mail, ids) : 0 };
  });
}

/**
 * Runs a sweep every `intervalMs` (default a minute) until stopped; the timer never keeps the process
 * alive. With `prune`, each round also deletes sign-in state whose window has passed (`pruneExpired`)
 * and anchors the audit log's chain heads (`anchorAuditChains`, only when a chain moved).
 */
export function startReminderWorker(db: Db, onError: (e: unknown) => void, mail: MailSettings | null = null, intervalMs = 60_000, prune: PruneWindows | null = null): { stop: () => void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepReminders(db, new Date(), mail)
      .catch(onError)
      // The national action plan's reminders (reports and action items falling due), the same way.
      .then(() => sweepActionPlanReminders(db, new Date(), mail))
      .catch(onError)
      .then(async () => {
        if (prune) await pruneExpired(db, prune);
      })
      .catch(onError)
      // Every chain's head anchored, so that cutting a chain short behind it shows (docs/operations.md, "audit verify").
      .then(async () => {
        if (prune) await anchorAuditChains(db);
      })
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
