/**
 * Reminders to the responsible bodies before a report or an action item is due, in the app and by
 * e-mail, as the NRM's reminder sweep does (src/server/jobs/reminders.ts): at most one per kind,
 * thing, body and year (the unique key of `action_plan_reminders`), so any number of sweeps and
 * processes write each once; the e-mails are queued in the same transaction as their reminder.
 */
import { sql } from 'kysely';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { dayIn, addDays } from '../../../domain/deadlines.ts';
import { reportDueOn, reportingYears } from '../../../domain/action-plan.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { enqueueMails, type MailSettings } from '../../mail/outbox.ts';
import { ACTION_PLAN_REMINDER_DAYS, deadlineOf } from './service.ts';

type Language = 'az' | 'ru' | 'en';
type Kind = 'report_due' | 'action_item_due';

const TEXT: Record<Language, { what: Record<Kind, (n: string, y: number) => string>; due: string; open: string }> = {
  en: {
    what: {
      report_due: (n, y) => `Your agency's progress report on action plan measure ${n} for ${y} is due soon.`,
      action_item_due: (n) => `The action item ${n} of a coordination meeting assigned to your agency is due soon.`,
    },
    due: 'Due',
    open: 'Open it in Pathway',
  },
  ru: {
    what: {
      report_due: (n, y) => `Скоро срок отчёта вашего ведомства о ходе выполнения меры ${n} плана действий за ${y} год.`,
      action_item_due: (n) => `Скоро срок поручения ${n} координационного совещания, данного вашему ведомству.`,
    },
    due: 'Срок',
    open: 'Открыть в Pathway',
  },
  az: {
    what: {
      report_due: (n, y) => `Agentliyinizin fəaliyyət planının ${n} tədbiri üzrə ${y}-ci il hesabatının son tarixi yaxınlaşır.`,
      action_item_due: (n) => `Koordinasiya iclasının agentliyinizə verilmiş ${n} tapşırığının son tarixi yaxınlaşır.`,
    },
    due: 'Son tarix',
    open: 'Pathway-də açın',
  },
};
const asLanguage = (l: string): Language => (l === 'ru' || l === 'en' ? l : 'az');

/** The e-mail of one reminder in the recipient's language: the measure's number, the year, the due day, a link. */
export function actionPlanReminderMail(r: { kind: Kind; number: string; period: number; dueOn: string }, language: string, appUrl: string | null) {
  const t = TEXT[asLanguage(language)];
  const what = t.what[r.kind](r.number, r.period);
  const due = new Intl.DateTimeFormat({ az: 'az-Latn-AZ', ru: 'ru-RU', en: 'en-GB' }[asLanguage(language)], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${r.dueOn}T00:00:00Z`));
  return { subject: `Pathway: ${what}`, body: [what, '', `${t.due}: ${due}`, ...(appUrl ? ['', `${t.open}: ${appUrl}/action-plan/mine`] : [])].join('\n') };
}

type Candidate = { kind: Kind; subjectId: string; agencyId: string; period: number; dueOn: string; number: string };

/** What is due from today to the reminder horizon and not yet reported (a report sent back counts as not reported). */
async function candidates(tx: Tx, today: string): Promise<Candidate[]> {
  const horizon = addDays(today, ACTION_PLAN_REMINDER_DAYS);
  const out: Candidate[] = [];
  const measures = await tx
    .selectFrom('actionPlanMeasures as m')
    .innerJoin('actionPlans as p', 'p.id', 'm.planId')
    .select(['m.id', 'm.number', 'm.responsibleAgencyId', 'm.deadlineKind', 'm.deadlineOn', 'm.deadlineYear', 'm.deadlineFromYear', 'm.deadlineToYear', 'p.startYear', 'p.endYear', 'p.reportDueDays'])
    .select(sql<string[]>`ARRAY(SELECT x.agency_id FROM action_plan_measure_agencies x WHERE x.measure_id = m.id)`.as('coAgencyIds'))
    .where('p.status', '=', 'adopted')
    .where('m.droppedAt', 'is', null)
    .execute();
  const sent = await tx.selectFrom('actionPlanReports').select(['measureId', 'actionItemId', 'agencyId', 'period']).where('review', '<>', 'returned').execute();
  const has = new Set(sent.map((r) => `${r.measureId ?? r.actionItemId}/${r.agencyId}/${r.period}`));
  for (const m of measures) {
    for (const year of reportingYears(deadlineOf(m), m)) {
      const dueOn = reportDueOn(year, m.reportDueDays);
      if (dueOn < today || dueOn > horizon) continue;
      for (const agencyId of [m.responsibleAgencyId, ...m.coAgencyIds]) {
        if (!has.has(`${m.id}/${agencyId}/${year}`)) out.push({ kind: 'report_due', subjectId: m.id, agencyId, period: year, dueOn, number: m.number });
      }
    }
  }
  const items = await tx.selectFrom('actionPlanActionItems').select(['id', 'number', 'agencyId', 'dueOn']).where('droppedAt', 'is', null).where('dueOn', '>=', today).where('dueOn', '<=', horizon).execute();
  for (const i of items) {
    const period = Number(i.dueOn.slice(0, 4));
    if (!has.has(`${i.id}/${i.agencyId}/${period}`)) out.push({ kind: 'action_item_due', subjectId: i.id, agencyId: i.agencyId, period, dueOn: i.dueOn, number: i.number });
  }
  return out;
}

/**
 * One sweep: writes the reminders of what falls due within `ACTION_PLAN_REMINDER_DAYS` and is not
 * reported yet, each once; with e-mail configured, queues an e-mail to each active focal point
 * (`action_plan:report`) of the body who has reminder e-mails on.
 */
export async function sweepActionPlanReminders(db: Db, now = new Date(), mail: MailSettings | null = null): Promise<{ created: number; emailsQueued: number }> {
  const profile = await loadCountryProfile(db);
  const today = dayIn(profile.timeZone, now);
  return db.transaction().execute(async (tx) => {
    const due = await candidates(tx, today);
    if (due.length === 0) return { created: 0, emailsQueued: 0 };
    const inserted = await tx
      .insertInto('actionPlanReminders')
      .values(due.map((c) => ({ kind: c.kind, subjectId: c.subjectId, agencyId: c.agencyId, period: c.period, dueOn: c.dueOn })))
      .onConflict((oc) => oc.columns(['kind', 'subjectId', 'agencyId', 'period']).doNothing())
      .returning(['id', 'kind', 'subjectId', 'agencyId', 'period', 'dueOn'])
      .execute();
    let emailsQueued = 0;
    if (mail && inserted.length) {
      const agencyIds = [...new Set(inserted.map((r) => r.agencyId))];
      const users = await tx
        .selectFrom('users as u')
        .select(['u.agencyId', 'u.email', 'u.language'])
        .where('u.agencyId', 'in', agencyIds)
        .where('u.disabledAt', 'is', null)
        .where('u.isServiceAccount', '=', false)
        .where('u.reminderEmails', '=', true)
        .where(sql<boolean>`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.code = ur.role_code WHERE ur.user_id = u.id AND 'action_plan:report' = ANY (r.permissions))`)
        .orderBy('u.email')
        .execute();
      const number = new Map(due.map((c) => [c.subjectId, c.number]));
      const mails = inserted.flatMap((r) =>
        users
          .filter((u) => u.agencyId === r.agencyId)
          .map((u) => ({ kind: 'action_plan_reminder', recordId: r.id, to: u.email, ...actionPlanReminderMail({ kind: r.kind as Kind, number: number.get(r.subjectId)!, period: r.period, dueOn: r.dueOn }, u.language, mail.appUrl) })),
      );
      await enqueueMails(tx, mails);
      emailsQueued = mails.length;
    }
    return { created: inserted.length, emailsQueued };
  });
}

/** The reminders of the user's agency, newest first. */
export async function listReminders(db: Db, agencyId: string) {
  const rows = await db
    .selectFrom('actionPlanReminders as r')
    .leftJoin('actionPlanMeasures as m', 'm.id', 'r.subjectId')
    .leftJoin('actionPlanActionItems as i', 'i.id', 'r.subjectId')
    .select(['r.id', 'r.kind', 'r.subjectId', 'r.period', 'r.dueOn', 'r.createdAt', 'r.readAt', 'm.number as measureNumber', 'i.number as itemNumber'])
    .where('r.agencyId', '=', agencyId)
    .orderBy('r.createdAt', 'desc')
    .orderBy('r.id')
    .limit(200)
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind as Kind, subjectId: r.subjectId, subjectNumber: r.measureNumber ?? r.itemNumber ?? '', period: r.period, dueOn: r.dueOn, createdAt: r.createdAt.toISOString(), read: r.readAt !== null }));
}

export const markReminderRead = (db: DbOrTx, agencyId: string, id: string) =>
  db.updateTable('actionPlanReminders').set({ readAt: new Date() }).where('id', '=', id).where('agencyId', '=', agencyId).where('readAt', 'is', null).returning('id').executeTakeFirst();
