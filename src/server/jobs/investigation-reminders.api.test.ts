import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { sweepReminders } from './reminders.ts';

let t: TestApp;
let police: string;
let police2: string;
let investigator: { id: string; email: string };
let other: { id: string; email: string };
const NOW = new Date('2026-04-08T06:00:00Z'); // 10:00 in Baku; the time limit is 4 months, reminders 14 days before
const MAIL = { from: 'pathway@example.org', consoleUrl: null, appUrl: 'https://pathway.example.org' };

let n = 0;
/** A criminal case straight in the table: opened on `openedOn`, in `status`, owned by the investigator. */
async function criminalCase(openedOn: string, status = 'investigation', over: { ownerUserId?: string | null; extendedUntil?: string | null; agencyId?: string } = {}) {
  n++;
  const row = await t.db
    .insertInto('criminalCases')
    .values({
      ownerAgencyId: over.agencyId ?? police, ownerUserId: over.ownerUserId === undefined ? investigator.id : over.ownerUserId, body: 'police', caseNumber: `CC-REM-${n}`,
      openedOn, articles: ['144-1.1'], status, investigationExtendedUntil: over.extendedUntil ?? null, createdBy: investigator.id,
    })
    .returning(['id', 'caseNumber'])
    .executeTakeFirstOrThrow();
  return row;
}
const remindersOf = (id: string) => t.db.selectFrom('reminders').selectAll().where('criminalCaseId', '=', id).execute();

beforeAll(async () => {
  t = await createTestApp();
  police = (await makeAgency(t.db, { type: 'police' })).id;
  police2 = (await makeAgency(t.db, { type: 'police' })).id;
  investigator = await makeUser(t.db, { roles: ['investigator'], agencyId: police });
  other = await makeUser(t.db, { roles: ['investigator'], agencyId: police2 });
});
afterAll(() => t.close());

describe('investigation time-limit reminders of the sweep', () => {
  it('a case near its limit gets exactly one reminder (in-app and e-mail, to its investigator); suspended, terminated and sent-to-court cases none', async () => {
    const near = await criminalCase('2025-12-15'); // due 2026-04-15, within 14 days
    const past = await criminalCase('2025-10-31'); // due 2026-02-28 (the month's last day), past
    const later = await criminalCase('2026-01-10'); // due 2026-05-10: not yet
    const extended = await criminalCase('2025-12-01', 'investigation', { extendedUntil: '2026-06-01' });
    const quiet = await Promise.all(['suspended', 'terminated', 'in_court', 'decided', 'final'].map((s) => criminalCase('2025-10-01', s)));

    const first = await sweepReminders(t.db, NOW, MAIL);
    expect(first.created).toBe(2);
    const [r] = await remindersOf(near.id);
    expect(await remindersOf(near.id)).toHaveLength(1);
    expect(r).toMatchObject({ kind: 'investigation_due', subjectId: near.id, caseId: null, userId: investigator.id, agencyId: null });
    expect(r!.dueAt.toISOString()).toBe('2026-04-15T19:59:59.000Z'); // the end of the due day in Baku
    expect((await remindersOf(past.id))[0]!.dueAt.toISOString()).toBe('2026-02-28T19:59:59.000Z');
    for (const c of [later, extended, ...quiet]) expect(await remindersOf(c.id)).toEqual([]);

    // The e-mail: the investigator, in their language, with the criminal case's number and link, nothing about a person.
    const mails = await t.db.selectFrom('mailOutbox').select(['recipient', 'subject', 'body']).where('recordId', '=', r!.id).execute();
    expect(mails.map((m) => m.recipient)).toEqual([investigator.email]);
    expect(mails[0]!.body).toContain(near.caseNumber);
    expect(mails[0]!.body).toContain(`https://pathway.example.org/justice/${near.id}`);

    // Again: nothing new, no e-mail either.
    expect(await sweepReminders(t.db, NOW, MAIL)).toEqual({ created: 0, emailsQueued: 0 });
    expect(await remindersOf(near.id)).toHaveLength(1);
  });

  it('an extension is a new time limit (a new reminder when it comes near); no investigator: the owning agency', async () => {
    const c = await criminalCase('2025-12-14', 'investigation', { ownerUserId: null });
    await sweepReminders(t.db, NOW);
    expect(await remindersOf(c.id)).toMatchObject([{ userId: null, agencyId: police }]);
    await t.db.updateTable('criminalCases').set({ investigationExtendedUntil: '2026-04-20' }).where('id', '=', c.id).execute();
    await sweepReminders(t.db, NOW);
    await sweepReminders(t.db, NOW);
    expect((await remindersOf(c.id)).map((m) => m.dueAt.toISOString()).sort()).toEqual(['2026-04-14T19:59:59.000Z', '2026-04-20T19:59:59.000Z']);
  });

  it('the in-app list shows them to the investigators who may read the case, with its number, and not to another agency', async () => {
    const c = await criminalCase('2025-12-20');
    await sweepReminders(t.db, NOW);
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/reminders', headers: { cookie: (await signIn(t.app, investigator.email)).cookie } });
    expect(mine.statusCode, mine.body).toBe(200);
    const item = mine.json().items.find((m: { criminalCaseId: string | null }) => m.criminalCaseId === c.id);
    expect(item).toMatchObject({ kind: 'investigation_due', caseId: null, caseNumber: c.caseNumber });
    const theirs = await t.app.inject({ method: 'GET', url: '/api/v1/reminders', headers: { cookie: (await signIn(t.app, other.email)).cookie } });
    expect(theirs.json().items.filter((m: { criminalCaseId: string | null }) => m.criminalCaseId !== null)).toEqual([]);
    // A case of the other agency reminds its own agency (no investigator of the case there), which the first does not see.
    const foreign = await criminalCase('2025-12-20', 'investigation', { agencyId: police2, ownerUserId: null });
    await sweepReminders(t.db, NOW);
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/reminders', headers: { cookie: (await signIn(t.app, investigator.email)).cookie } });
    expect(again.json().items.some((m: { criminalCaseId: string | null }) => m.criminalCaseId === foreign.id)).toBe(false);
    const otherAgain = await t.app.inject({ method: 'GET', url: '/api/v1/reminders', headers: { cookie: (await signIn(t.app, other.email)).cookie } });
    expect(otherAgain.json().items.some((m: { criminalCaseId: string | null }) => m.criminalCaseId === foreign.id)).toBe(true);
  });
});
