import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { sweepReminders } from '../jobs/reminders.ts';
import type { Role } from '../../shared/roles.ts';
import { mailSettings, type MailSettings } from './outbox.ts';
import { reminderMail } from './reminder-mail.ts';

type Mail = { to: string[]; raw: string };
const received: Mail[] = [];
let smtp: SMTPServer;
let t: TestApp;
let settings: MailSettings;
let ngo: string;
let authority: string;
let worker: Session & { id: string; email: string };
let colleague: Session & { id: string; email: string };
let supervisor: Session & { id: string; email: string };
let officer: Session & { id: string; email: string };
let quietOfficer: Session & { id: string; email: string };
let investigator: Session & { id: string; email: string };

async function user(roles: Role[], agencyId: string, language: 'az' | 'ru' | 'en') {
  const u = await makeUser(t.db, { roles, agencyId });
  await t.db.updateTable('users').set({ language, timeZone: 'Asia/Baku' }).where('id', '=', u.id).execute();
  return { ...(await signIn(t.app, u.email)), id: u.id, email: u.email };
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`, mailFrom: 'pathway@example.org', publicUrl: 'https://pathway.example.org/' });
  settings = mailSettings(t.config)!;
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  authority = (await makeAgency(t.db, { type: 'police' })).id;
  worker = await user(['case_worker'], ngo, 'en');
  colleague = await user(['case_worker'], ngo, 'ru');
  supervisor = await user(['supervisor'], ngo, 'az');
  officer = await user(['identification_officer'], authority, 'az');
  quietOfficer = await user(['identification_officer'], authority, 'en');
  investigator = await user(['investigator'], authority, 'en');
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('reminder e-mails', () => {
  it('are written with each new reminder, once even when two processes sweep, to those who act, in their language, without personal data', async () => {
    expect((await call(quietOfficer, 'PATCH', '/me', { reminderEmails: false })).json().user.reminderEmails).toBe(false);
    expect((await call(quietOfficer, 'PATCH', '/me', { reminderEmails: 'no' })).json().error.fields).toHaveProperty('reminderEmails');

    const c = (await call(worker, 'POST', '/cases', {})).json();
    const task = (await call(worker, 'POST', `/cases/${c.id}/tasks`, { title: 'Visit Aysel Məmmədova at home', dueAt: hours(3), assignedUserId: colleague.id })).json();
    const personId = (await call(worker, 'POST', `/cases/${c.id}/people`, { role: 'victim', person: { name: { givenName: 'Aysel', familyName: 'Məmmədova' }, birthYear: 1995 } })).json().personId;
    await call(worker, 'POST', `/cases/${c.id}/consents`, { personId, kind: 'data_sharing', agencyId: authority, purpose: 'identification', givenOn: '2026-01-01', form: 'written' });
    const r = (await call(worker, 'POST', `/cases/${c.id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] })).json();
    await t.db.updateTable('referrals').set({ sentAt: new Date(Date.now() - 20 * 86_400_000), answerDueAt: new Date(Date.now() - 86_400_000) }).where('id', '=', r.id).execute();

    // Two processes sweep at the same moment: the reminders' unique key lets one of them write each.
    const sweeps = await Promise.all([sweepReminders(t.db, new Date(), settings), sweepReminders(t.db, new Date(), settings)]);
    expect(sweeps.reduce((n, s) => n + s.created, 0)).toBe(3);
    expect(sweeps.reduce((n, s) => n + s.emailsQueued, 0)).toBe(3);
    expect(await sweepReminders(t.db, new Date(), settings)).toEqual({ created: 0, emailsQueued: 0 });

    const outbox = await t.db.selectFrom('mailOutbox').innerJoin('reminders', 'reminders.id', 'mailOutbox.recordId').select(['mailOutbox.recipient', 'mailOutbox.subject', 'mailOutbox.body', 'reminders.kind']).where('mailOutbox.kind', '=', 'reminder').where('reminders.caseId', '=', c.id).orderBy('reminders.kind').execute();
    // The task's assignee (ru); the referral's receiving agency: only the officer who acts and wants e-mail (az), twice.
    expect(outbox.map((m) => [m.kind, m.recipient])).toEqual([
      ['referral_overdue', officer.email],
      ['rg_overdue', officer.email],
      ['task_due', colleague.email],
    ]);
    const [referralMail, rgMail, taskMail] = outbox;
    expect(taskMail!.body).toContain(`Подходит срок задачи по делу ${c.caseNumber}.`);
    expect(taskMail!.body).toContain(`https://pathway.example.org/cases/${c.id}`);
    expect(referralMail!.body).toContain(`${c.caseNumber} işi üzrə agentliyinizə göndərilən yönləndirmə cavab gözləyir`);
    expect(rgMail!.subject).toBe(`Pathway: ${c.caseNumber} işi üzrə əsaslı səbəblər qərarının müddəti keçib.`);
    for (const m of outbox) for (const secret of ['Aysel', 'Məmmədova', 'Visit']) expect(m.subject + m.body).not.toContain(secret);

    // The app's mail worker delivers them over SMTP.
    await until(() => t.db.selectFrom('mailOutbox').select('status').where('kind', '=', 'reminder').execute(), (rows) => rows.every((x) => x.status === 'sent'));
    // (The bodies in other scripts travel encoded; what they say is checked in the outbox above.)
    expect(received.flatMap((m) => m.to).sort()).toEqual([officer.email, officer.email, colleague.email].sort());
    expect(received.every((m) => /From: pathway@example\.org/.test(m.raw))).toBe(true);
    // Not the authority's investigator (cannot answer a referral) nor the officer who turned e-mails off.
    expect(received.flatMap((m) => m.to)).not.toEqual(expect.arrayContaining([investigator.email]));
    expect(received.flatMap((m) => m.to)).not.toEqual(expect.arrayContaining([quietOfficer.email]));
    expect(received.filter((m) => m.raw.includes(`case ${c.caseNumber}`))).toHaveLength(0); // none in English: nobody here reads English

    // A reassignment reminds the new assignee by e-mail too, unless they turned it off.
    await call(supervisor, 'POST', `/cases/${c.id}/tasks/${task.id}/reassign`, { assignedUserId: worker.id });
    const assigned = await t.db.selectFrom('mailOutbox').select(['recipient', 'body']).where('kind', '=', 'reminder').where('body', 'like', '%assigned to you%').execute();
    expect(assigned).toEqual([{ recipient: worker.email, body: expect.stringContaining(`A task on case ${c.caseNumber} has been assigned to you.`) }]);
    await call(worker, 'PATCH', '/me', { reminderEmails: false });
    await call(supervisor, 'POST', `/cases/${c.id}/reassign`, { ownerUserId: colleague.id });
    await call(colleague, 'PATCH', '/me', { reminderEmails: false });
    await call(supervisor, 'POST', `/cases/${c.id}/reassign`, { ownerUserId: worker.id });
    const caseMails = await t.db.selectFrom('mailOutbox').select('recipient').where('kind', '=', 'reminder').where('body', 'like', '%case worker%').execute();
    expect(caseMails).toEqual([]);
    const ruCase = await t.db.selectFrom('mailOutbox').select('recipient').where('body', 'like', '%ответственным сотрудником%').execute();
    expect(ruCase).toEqual([{ recipient: colleague.email }]);
  });

  it('say the due time in the recipient\'s language and time zone', () => {
    const r = { kind: 'task_due' as const, caseId: '00000000-0000-4000-8000-000000000000', caseNumber: 'NRM-2026-000042', dueAt: new Date('2026-03-05T08:30:00Z') };
    expect(reminderMail(r, { language: 'en', timeZone: 'Asia/Baku' }, null).body).toContain('Due: 5 March 2026 at 12:30');
    expect(reminderMail(r, { language: 'ru', timeZone: 'Asia/Baku' }, null).body).toMatch(/Срок: 5 марта 2026 г\.,? (в )?12:30/);
    expect(reminderMail(r, { language: 'az', timeZone: 'UTC' }, 'https://x.example').body).toContain('https://x.example/cases/00000000-0000-4000-8000-000000000000');
    expect(reminderMail(r, { language: 'az', timeZone: 'Nowhere/Else' }, null).body).toContain('12:30');
  });
});
