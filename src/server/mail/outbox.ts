import { sql } from 'kysely';
import { ESCALATION_PERMISSIONS } from '../modules/operators/escalations.ts';
import type { Tx } from '../db/database.ts';
import type { Config } from '../config.ts';

/** What an alert e-mail needs beyond the record: the sender and the address of the console. */
export type MailSettings = { from: string; consoleUrl: string | null; appUrl: string | null };

/** E-mail is on when SMTP is configured (`PATHWAY_SMTP_URL`, `PATHWAY_MAIL_FROM`); otherwise null and nothing is queued. */
export function mailSettings(config: Config): MailSettings | null {
  if (!config.smtpUrl || !config.mailFrom) return null;
  const appUrl = config.publicUrl ? config.publicUrl.replace(/\/+$/, '') : null;
  return { from: config.mailFrom, consoleUrl: appUrl ? `${appUrl}/hotline/alerts` : null, appUrl };
}

/** Queues one e-mail in the caller's transaction: it exists exactly when what it tells about does. */
export async function enqueueMail(tx: Tx, mail: { kind: string; recordId: string | null; to: string; subject: string; body: string }): Promise<void> {
  await tx.insertInto('mailOutbox').values({ kind: mail.kind, recordId: mail.recordId, recipient: mail.to, subject: mail.subject, body: mail.body }).execute();
}

/** E-mails queued per insert by `enqueueMails` (five parameters each, far below PostgreSQL's 65,535). */
const MAILS_PER_INSERT = 1000;

/** Queues many e-mails in the caller's transaction, a thousand rows per insert. */
export async function enqueueMails(tx: Tx, mails: readonly { kind: string; recordId: string | null; to: string; subject: string; body: string }[]): Promise<void> {
  for (let i = 0; i < mails.length; i += MAILS_PER_INSERT) {
    const rows = mails.slice(i, i + MAILS_PER_INSERT).map((m) => ({ kind: m.kind, recordId: m.recordId, recipient: m.to, subject: m.subject, body: m.body }));
    await tx.insertInto('mailOutbox').values(rows).execute();
  }
}

/**
 * Who is e-mailed about an immediate-danger escalation: the shift supervisors of the owning agency
 * (users holding `contacts:supervise`) and every active user of the region's police agencies that
 * were alerted (the on-duty police contact is the police unit of the region).
 */
export async function escalationRecipients(tx: Tx, ownerAgencyId: string, alertedAgencyIds: string[]): Promise<string[]> {
  const police = alertedAgencyIds.filter((a) => a !== ownerAgencyId);
  const rows = await tx
    .selectFrom('users as u')
    .select('u.email')
    .where('u.disabledAt', 'is', null)
    .where('u.isServiceAccount', '=', false)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('u.agencyId', '=', ownerAgencyId),
          sql<boolean>`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.code = ur.role_code WHERE ur.user_id = u.id AND 'contacts:supervise' = ANY (r.permissions))`,
        ]),
        // The police who answer escalations (investigators), not everyone in the agency.
        ...(police.length
          ? [
              eb.and([
                eb('u.agencyId', 'in', police),
                sql<boolean>`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.code = ur.role_code WHERE ur.user_id = u.id AND r.permissions && ${sql.val([...ESCALATION_PERMISSIONS])}::text[])`,
              ]),
            ]
          : []),
      ]),
    )
    .orderBy('u.email')
    .execute();
  return [...new Set(rows.map((r) => r.email))];
}

/**
 * Queues the alert e-mails of an escalation. They carry no personal data (no reason, no number):
 * an e-mail leaves the system unencrypted; the reason is read and acknowledged in the console.
 */
export async function enqueueEscalationMail(
  tx: Tx,
  settings: MailSettings,
  e: { escalationId: string; contactId: string; region: string | null; ownerAgencyId: string; alertedAgencyIds: string[]; reason: string },
): Promise<number> {
  const to = await escalationRecipients(tx, e.ownerAgencyId, e.alertedAgencyIds);
  const subject = `Pathway: IMMEDIATE DANGER escalation${e.region ? ` (${e.region})` : ''}`;
  const body = [
    'An operator of the hotline has escalated a contact as immediate danger.',
    '',
    `Region: ${e.region ?? 'not known yet'}`,
    `Escalation: ${e.escalationId}`,
    `Contact: ${e.contactId}`,
    '',
    'Open the console to read the reason and acknowledge the alert; the time to acknowledgement is recorded.',
    ...(settings.consoleUrl ? [settings.consoleUrl] : []),
    '',
    'This e-mail carries no personal data on purpose.',
  ].join('\n');
  for (const addr of to) await enqueueMail(tx, { kind: 'escalation', recordId: e.escalationId, to: addr, subject, body });
  return to.length;
}
