import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { Permission } from '../../shared/roles.ts';
import type { ReminderKind } from '../../shared/schemas/tasks.ts';
import { enqueueMails, type MailSettings } from './outbox.ts';

type Language = 'az' | 'ru' | 'en';

/**
 * Who of an agency is e-mailed about a reminder addressed to the whole agency: those who can act on
 * it (answer a referral; decide on reasonable grounds).
 */
const AGENCY_RECIPIENTS: Partial<Record<ReminderKind, readonly Permission[]>> = {
  referral_overdue: ['referral:update:granted', 'referral:update:agency', 'referral:update:all'],
  rg_overdue: ['identification:decide'],
  permit_expiry: ['case:update:agency', 'case:update:all'],
  investigation_due: ['investigation:update:agency', 'investigation:update:all'],
};

const TEXT: Record<Language, { what: Record<ReminderKind, (n: string) => string>; due: string; open: string; noData: string; optOut: string }> = {
  en: {
    what: {
      task_due: (n) => `A task on case ${n} is coming due.`,
      task_assigned: (n) => `A task on case ${n} has been assigned to you.`,
      case_assigned: (n) => `You are now the case worker responsible for case ${n}.`,
      referral_overdue: (n) => `A referral of case ${n} to your agency is waiting for an answer past its deadline.`,
      rg_overdue: (n) => `The reasonable-grounds decision on case ${n} is past its target date.`,
      permit_expiry: (n) => `A residence permit of a victim in case ${n} runs out soon: see to its renewal.`,
      referral_assigned: (n) => `A referral of case ${n} to your agency has been given to you to handle.`,
      investigation_due: (n) => `The preliminary-investigation time limit of criminal case ${n} is near or past: extend it or close the investigation.`,
    },
    due: 'Due',
    open: 'Open it in Pathway',
    noData: 'This e-mail carries no personal data on purpose: read the details in Pathway.',
    optOut: 'You can turn reminder e-mails off in your profile.',
  },
  ru: {
    what: {
      task_due: (n) => `Подходит срок задачи по делу ${n}.`,
      task_assigned: (n) => `Вам поручена задача по делу ${n}.`,
      case_assigned: (n) => `Вы назначены ответственным сотрудником по делу ${n}.`,
      referral_overdue: (n) => `Направление по делу ${n} в ваше ведомство ждёт ответа: срок ответа истёк.`,
      rg_overdue: (n) => `Истёк срок решения о разумных основаниях по делу ${n}.`,
      permit_expiry: (n) => `Скоро истекает вид на жительство пострадавшего по делу ${n}: позаботьтесь о продлении.`,
      referral_assigned: (n) => `Вам поручено направление по делу ${n}, поступившее в ваше ведомство.`,
      investigation_due: (n) => `Срок предварительного следствия по уголовному делу ${n} истекает или истёк: продлите его или завершите следствие.`,
    },
    due: 'Срок',
    open: 'Открыть в Pathway',
    noData: 'В этом письме намеренно нет персональных данных: подробности смотрите в Pathway.',
    optOut: 'Напоминания по e-mail можно отключить в своём профиле.',
  },
  az: {
    what: {
      task_due: (n) => `${n} işi üzrə tapşırığın son tarixi yaxınlaşır.`,
      task_assigned: (n) => `${n} işi üzrə tapşırıq sizə həvalə edildi.`,
      case_assigned: (n) => `Siz ${n} işi üzrə məsul əməkdaş təyin edildiniz.`,
      referral_overdue: (n) => `${n} işi üzrə agentliyinizə göndərilən yönləndirmə cavab gözləyir: cavab müddəti keçib.`,
      rg_overdue: (n) => `${n} işi üzrə əsaslı səbəblər qərarının müddəti keçib.`,
      permit_expiry: (n) => `${n} işi üzrə zərərçəkmişin yaşamaq icazəsinin müddəti tezliklə bitir: uzadılması ilə məşğul olun.`,
      referral_assigned: (n) => `${n} işi üzrə agentliyinizə daxil olan yönləndirmə sizə həvalə edildi.`,
      investigation_due: (n) => `${n} saylı cinayət işi üzrə ibtidai istintaq müddəti bitir və ya bitib: onu uzadın və ya istintaqı yekunlaşdırın.`,
    },
    due: 'Son tarix',
    open: 'Pathway-də açın',
    noData: 'Bu məktubda qəsdən heç bir şəxsi məlumat yoxdur: təfərrüatları Pathway-də oxuyun.',
    optOut: 'Xatırlatma məktublarını profilinizdə söndürə bilərsiniz.',
  },
};

const asLanguage = (l: string): Language => (l === 'ru' || l === 'en' ? l : 'az');

const formats = new Map<string, Intl.DateTimeFormat>();
/** The due time's format for a language and time zone (Baku's for a zone Intl does not know), made once. */
function dueFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone });
    } catch {
      f = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Baku' });
    }
    if (formats.size >= 1000) formats.clear(); // time zones are the users' own text: keep the cache small
    formats.set(key, f);
  }
  return f;
}

/** The reminder e-mail in the recipient's language: case number, kind, due time, a link; nothing about a person. */
export function reminderMail(
  r: { kind: ReminderKind; caseId: string | null; criminalCaseId?: string | null; caseNumber: string; dueAt: Date },
  to: { language: string; timeZone: string },
  appUrl: string | null,
): { subject: string; body: string } {
  const lang = asLanguage(to.language);
  const t = TEXT[lang];
  const locale = { az: 'az-Latn-AZ', ru: 'ru-RU', en: 'en-GB' }[lang];
  const due = dueFormat(locale, to.timeZone).format(r.dueAt);
  const what = t.what[r.kind](r.caseNumber);
  return {
    subject: `Pathway: ${what}`,
    body: [what, '', `${t.due}: ${due}`, ...(appUrl ? [`${t.open}: ${appUrl}${r.criminalCaseId ? `/justice/${r.criminalCaseId}` : `/cases/${r.caseId}`}`] : []), '', t.noData, t.optOut].join('\n'),
  };
}

/** Reminders read at a time to write their e-mails (each may go to several users of an agency). */
const MAIL_BATCH = 500;

/**
 * Queues the e-mails of newly written reminders in the writing transaction, so that an e-mail exists
 * exactly when its reminder does (a sweep that wrote nothing queues nothing). A reminder to a user
 * goes to that user; one to an agency to its users who can act on it. Disabled users, service
 * accounts and users who turned reminder e-mails off get none. Returns the number queued.
 *
 * A sweep may write many thousands of reminders at once: they are read `MAIL_BATCH` at a time (the
 * recipients chosen in SQL), and each batch's e-mails are written in multi-row inserts, so the memory
 * held is one batch's, whatever the number of ids.
 */
export async function enqueueReminderMails(tx: Tx, settings: MailSettings, reminderIds: readonly string[]): Promise<number> {
  const ids = [...new Set(reminderIds)].sort();
  // An agency's users get the e-mail when one of their roles gives a permission to act on the kind.
  const agencyKinds = Object.entries(AGENCY_RECIPIENTS);
  const needed = agencyKinds.length ? sql`CASE m.kind ${sql.join(agencyKinds.map(([kind, perms]) => sql`WHEN ${kind} THEN ${[...perms]}::text[]`), sql` `)} ELSE '{}'::text[] END` : sql`'{}'::text[]`;
  let queued = 0;
  for (let i = 0; i < ids.length; i += MAIL_BATCH) {
    const rows = await tx
      .selectFrom('reminders as m')
      // An NRM case's reminder, or a criminal case's (investigation time limit).
      .leftJoin('cases as c', 'c.id', 'm.caseId')
      .leftJoin('criminalCases as cc', 'cc.id', 'm.criminalCaseId')
      .innerJoin('users as u', (j) => j.on((eb) => eb.or([eb('u.id', '=', eb.ref('m.userId')), eb('u.agencyId', '=', eb.ref('m.agencyId'))])))
      .select(['m.id', 'm.kind', 'm.caseId', 'm.criminalCaseId', sql<string>`coalesce(c.case_number, cc.case_number)`.as('caseNumber'), 'm.dueAt', 'u.email', 'u.language', 'u.timeZone'])
      .where(sql<boolean>`m.id = ANY (${ids.slice(i, i + MAIL_BATCH)}::uuid[])`)
      .where('u.disabledAt', 'is', null)
      .where('u.isServiceAccount', '=', false)
      .where('u.reminderEmails', '=', true)
      .where((eb) => eb.or([eb('m.caseId', 'is', null), eb('c.accessEndedAt', 'is', null)]))
      .where((eb) =>
        eb.or([
          eb('m.userId', 'is not', null),
          sql<boolean>`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.code = ur.role_code WHERE ur.user_id = u.id AND r.permissions && ${needed})`,
        ]),
      )
      .orderBy('m.id')
      .orderBy('u.email')
      .execute();
    await enqueueMails(
      tx,
      rows.map((r) => ({ kind: 'reminder', recordId: r.id, to: r.email, ...reminderMail({ kind: r.kind as ReminderKind, caseId: r.caseId, criminalCaseId: r.criminalCaseId, caseNumber: r.caseNumber, dueAt: r.dueAt }, r, settings.appUrl) })),
    );
    queued += rows.length;
  }
  return queued;
}
