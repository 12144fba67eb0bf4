import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { dayIn, identificationDates } from '../../domain/deadlines.ts';
import { AZ_CALENDAR, CALENDARS } from '../../domain/holidays.ts';
import { loadCountryProfile } from '../nrm-profile.ts';
import { enqueueReminderMails } from '../mail/reminder-mail.ts';
import type { MailSettings } from '../mail/outbox.ts';

/** The kinds the sweep writes at most once per thing (the partial unique index `reminders_sweep_once_idx`). */
const SWEEP_KINDS = ['task_due', 'referral_overdue', 'rg_overdue'];

/** How long before a task's due time its assignee is reminded. */
export const TASK_REMINDER_HOURS = 24;

/**
 * One sweep of the reminder worker: writes a reminder (once per thing and kind, so any number of
 * Pathway processes may sweep at once) for each open task due within a day (to its assignee), each
 * pending referral past its answer time (to the receiving agency), and each identification referral
 * past its reasonable-grounds target with no decision (to the competent authority). A simple
 * PostgreSQL-backed worker: the unique key on (kind, subject) makes the work idempotent. With e-mail
 * configured, each new reminder's e-mails are queued in the same transaction (`enqueueReminderMails`),
 * so a second sweep, which writes no reminder, queues no e-mail either.
 */
export async function sweepReminders(db: Db, now = new Date(), mail: MailSettings | null = null): Promise<{ created: number; emailsQueued: number }> {
  const profile = await loadCountryProfile(db);
  const cal = CALENDARS[profile.holidayCalendar] ?? AZ_CALENDAR;
  return db.transaction().execute(async (tx) => {
    const soon = new Date(now.getTime() + TASK_REMINDER_HOURS * 3600_000);
    const tasks = await tx
      .insertInto('reminders')
      .columns(['kind', 'subjectId', 'caseId', 'userId', 'dueAt'])
      .expression((eb) =>
        eb.selectFrom('caseTasks as k').select([sql.lit('task_due').as('kind'), 'k.id', 'k.caseId', 'k.assignedUserId', 'k.dueAt']).where('k.completedAt', 'is', null).where('k.dueAt', '<=', soon),
      )
      .onConflict((oc) => oc.columns(['kind', 'subjectId']).where('kind', 'in', SWEEP_KINDS).doNothing())
      .returning(['id', 'subjectId'])
      .execute();
    if (tasks.length) await tx.updateTable('caseTasks').set({ remindedAt: now }).where('id', 'in', tasks.map((t) => t.subjectId)).execute();
    const referrals = await tx
      .insertInto('reminders')
      .columns(['kind', 'subjectId', 'caseId', 'agencyId', 'dueAt'])
      .expression((eb) =>
        eb.selectFrom('referrals as r').select([sql.lit('referral_overdue').as('kind'), 'r.id', 'r.caseId', 'r.toAgencyId', 'r.answerDueAt']).where('r.status', '=', 'pending').where('r.answerDueAt', '<', now),
      )
      .onConflict((oc) => oc.columns(['kind', 'subjectId']).where('kind', 'in', SWEEP_KINDS).doNothing())
      .returning('id')
      .execute();
    const today = dayIn(profile.timeZone, now);
    const waiting = await tx
      .selectFrom('referrals as r')
      .select(['r.id', 'r.caseId', 'r.toAgencyId', 'r.sentAt'])
      .where('r.purpose', '=', 'identification')
      .where('r.status', 'in', ['pending', 'accepted'])
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM identification_decisions d WHERE d.case_id = r.case_id AND d.stage = 'reasonable_grounds')`)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM reminders m WHERE m.kind = 'rg_overdue' AND m.subject_id = r.id)`)
      .execute();
    const late = waiting
      .map((r) => ({ ...r, due: identificationDates(profile, cal, { referredOn: dayIn(profile.timeZone, r.sentAt) }).rgDueOn }))
      .filter((r) => today > r.due);
    let rg: { id: string }[] = [];
    if (late.length) {
      rg = await tx
        .insertInto('reminders')
        .values(late.map((r) => ({ kind: 'rg_overdue', subjectId: r.id, caseId: r.caseId, agencyId: r.toAgencyId, dueAt: new Date(`${r.due}T23:59:59+04:00`) })))
        .onConflict((oc) => oc.columns(['kind', 'subjectId']).where('kind', 'in', SWEEP_KINDS).doNothing())
        .returning('id')
        .execute();
    }
    const ids = [...tasks, ...referrals, ...rg].map((r) => r.id);
    const emailsQueued = mail ? await enqueueReminderMails(tx, mail, ids) : 0;
    return { created: ids.length, emailsQueued };
  });
}

/** Runs a sweep every `intervalMs` (default a minute) until stopped; the timer never keeps the process alive. */
export function startReminderWorker(db: Db, onError: (e: unknown) => void, mail: MailSettings | null = null, intervalMs = 60_000): { stop: () => void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepReminders(db, new Date(), mail)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
