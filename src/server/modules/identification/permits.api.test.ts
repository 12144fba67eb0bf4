import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { addDays, dayIn } from '../../../domain/deadlines.ts';
import type { Role } from '../../../shared/roles.ts';
import { sweepReminders } from '../../jobs/reminders.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let worker: Session & { id: string };
let shelterWorker: Session & { id: string };
let outsider: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
  outsider = await user(['case_worker'], (await makeAgency(t.db, { type: 'ngo' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const today = () => dayIn('Asia/Baku', new Date());

async function caseWithVictim() {
  const id = (await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json().id as string;
  const v = await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Nodira', familyName: 'Karimova' }, sex: 'female', birthYear: 1990, citizenship: 'UZB' } });
  const f = await call(worker, 'POST', `/cases/${id}/people`, { role: 'family_member', person: { name: { givenName: 'Aziz', familyName: 'Karimov' }, birthYear: 2015 } });
  return { id, personId: v.json().personId as string, familyId: f.json().personId as string };
}

const permit = (personId: string, over: Record<string, unknown> = {}) => ({
  personId,
  ground: 'personal_situation',
  issuedOn: addDays(today(), -300),
  expiresOn: addDays(today(), 65),
  authority: 'State Migration Service',
  permitNumber: 'AZ-RP-000123',
  ...over,
});

describe('residence permits', () => {
  it('records a victim\'s permit with its reminder day, shows it on the case page, and renews it keeping the history', async () => {
    const c = await caseWithVictim();
    const first = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { expiresOn: addDays(today(), 20) }));
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ ground: 'personal_situation', expiresOn: addDays(today(), 20), remindOn: addDays(today(), -10), current: true, expiringSoon: true, expired: false, permitNumber: 'AZ-RP-000123', recordedBy: worker.id });
    const page = (await call(worker, 'GET', `/cases/${c.id}`)).json();
    const mine = page.identification.find((v: { personId: string }) => v.personId === c.personId);
    expect(mine.permits.map((x: { id: string }) => x.id)).toEqual([first.json().id]);

    const renewal = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { issuedOn: today(), expiresOn: addDays(today(), 385), renews: first.json().id }));
    expect(renewal.statusCode).toBe(201);
    expect(renewal.json()).toMatchObject({ renewsId: first.json().id, current: true, expiringSoon: false });
    const after = (await call(worker, 'GET', `/cases/${c.id}`)).json().identification.find((v: { personId: string }) => v.personId === c.personId).permits;
    expect(after.map((x: { id: string; current: boolean }) => [x.id, x.current])).toEqual([[first.json().id, false], [renewal.json().id, true]]);

    // The old one is renewed once; a renewal must run past what it renews.
    const again = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { issuedOn: today(), expiresOn: addDays(today(), 500), renews: first.json().id }));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('permit_renewed');
    const shorter = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { issuedOn: today(), expiresOn: addDays(today(), 100), renews: renewal.json().id }));
    expect(shorter.json().error.fields).toEqual({ expiresOn: `after ${addDays(today(), 385)}` });

    const timeline = page.timeline as { action: string }[];
    expect(timeline.map((e) => e.action)).toContain('case.permit_recorded');
    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', c.id).where('action', 'in', ['case.permit_recorded', 'case.permit_renewed']).execute();
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain('AZ-RP-000123');
  });

  it('refuses bad input by field: dates, ground, a person who is not a victim, a permit of someone else, unknown fields', async () => {
    const c = await caseWithVictim();
    const bad = await call(worker, 'POST', `/cases/${c.id}/permits`, { personId: c.personId, ground: 'cooperation', issuedOn: '2026-02-30', expiresOn: 'soon', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['expiresOn', 'extra', 'ground', 'issuedOn']);
    const backwards = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { issuedOn: '2026-05-01', expiresOn: '2026-04-01' }));
    expect(backwards.json().error.fields).toEqual({ expiresOn: 'after the day it was issued' });
    const ancient = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { issuedOn: '0001-01-01', expiresOn: '9999-12-31' }));
    expect(ancient.json().error.fields).toEqual({ issuedOn: 'not before 2000-01-01', expiresOn: 'at most 10 years after the day it was issued' });
    const future = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { issuedOn: addDays(today(), 3), expiresOn: addDays(today(), 400) }));
    expect(future.json().error.fields).toEqual({ issuedOn: 'in the future' });
    const family = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.familyId));
    expect(family.json().error.fields).toEqual({ personId: 'not a victim of this case' });
    const other = await caseWithVictim();
    const elsewhere = (await call(worker, 'POST', `/cases/${other.id}/permits`, permit(other.personId))).json().id as string;
    const wrong = await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { renews: elsewhere, issuedOn: today(), expiresOn: addDays(today(), 400) }));
    expect(wrong.json().error.fields).toEqual({ renews: 'not a permit of this person on this case' });
    expect(await t.db.selectFrom('residencePermits').select('id').where('caseId', '=', c.id).execute()).toEqual([]);
  });

  it('is for the agency that holds the case: a referral receiver gets 403, another agency 404', async () => {
    const c = await caseWithVictim();
    await call(worker, 'POST', `/cases/${c.id}/consents`, { personId: c.personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: today(), form: 'written' });
    const r = await call(worker, 'POST', `/cases/${c.id}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections: ['summary', 'people', 'identification'] });
    expect((await call(shelterWorker, 'POST', `/referrals/${r.json().id}/accept`, {})).statusCode).toBe(200);
    expect((await call(shelterWorker, 'POST', `/cases/${c.id}/permits`, permit(c.personId))).statusCode).toBe(403);
    expect((await call(outsider, 'POST', `/cases/${c.id}/permits`, permit(c.personId))).statusCode).toBe(404);
    // The receiver sees the permit through the identification section it was given.
    await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId));
    const seen = (await call(shelterWorker, 'GET', `/cases/${c.id}`)).json();
    expect(seen.identification[0].permits).toHaveLength(1);
  });

  it('reminds the case worker once, permitExpiryReminderDays before expiry, and not about a renewed permit', async () => {
    const c = await caseWithVictim();
    const soon = (await call(worker, 'POST', `/cases/${c.id}/permits`, permit(c.personId, { expiresOn: addDays(today(), 29) }))).json().id as string;
    const later = await caseWithVictim();
    const notYet = (await call(worker, 'POST', `/cases/${later.id}/permits`, permit(later.personId, { expiresOn: addDays(today(), 31) }))).json().id as string;
    const renewedCase = await caseWithVictim();
    const old = (await call(worker, 'POST', `/cases/${renewedCase.id}/permits`, permit(renewedCase.personId, { expiresOn: addDays(today(), 10) }))).json().id as string;
    await call(worker, 'POST', `/cases/${renewedCase.id}/permits`, permit(renewedCase.personId, { issuedOn: today(), expiresOn: addDays(today(), 400), renews: old }));

    // No reminder for a permit recorded after it ran out (history), nor for a person no longer a victim of the case.
    const past = await caseWithVictim();
    await call(worker, 'POST', `/cases/${past.id}/permits`, permit(past.personId, { issuedOn: addDays(today(), -400), expiresOn: addDays(today(), -35) }));
    const noLonger = await caseWithVictim();
    await call(worker, 'POST', `/cases/${noLonger.id}/permits`, permit(noLonger.personId, { expiresOn: addDays(today(), 5) }));
    const casePersonId = (await t.db.selectFrom('casePeople').select('id').where('caseId', '=', noLonger.id).where('personId', '=', noLonger.personId).executeTakeFirstOrThrow()).id;
    expect((await call(worker, 'PATCH', `/cases/${noLonger.id}/people/${casePersonId}`, { role: 'witness' })).statusCode).toBe(200);

    await sweepReminders(t.db);
    const reminders = await t.db.selectFrom('reminders').select(['subjectId', 'userId', 'agencyId', 'dueAt', 'caseId']).where('kind', '=', 'permit_expiry').execute();
    expect(reminders.map((r) => r.subjectId)).toEqual([soon]);
    expect(reminders[0]).toMatchObject({ userId: worker.id, agencyId: null, caseId: c.id });
    expect(reminders[0]!.dueAt.toISOString()).toBe(new Date(`${addDays(today(), 29)}T23:59:59+04:00`).toISOString());
    expect(reminders.map((r) => r.subjectId)).not.toContain(notYet);

    await sweepReminders(t.db);
    expect(await t.db.selectFrom('reminders').select('id').where('kind', '=', 'permit_expiry').execute()).toHaveLength(1);
    const mine = await call(worker, 'GET', '/reminders');
    expect(mine.json().items.map((r: { kind: string; caseId: string }) => [r.kind, r.caseId])).toContainEqual(['permit_expiry', c.id]);

    // Two days later the second permit is within the 30 days too; with e-mail on, its case worker is
    // e-mailed in their language, with the case number and nothing about the person.
    const sweep = await sweepReminders(t.db, new Date(Date.now() + 2 * 86_400_000), { from: 'pathway@example.org', consoleUrl: null, appUrl: 'https://pathway.example.org' });
    expect(sweep.emailsQueued).toBe(1);
    expect((await t.db.selectFrom('reminders').select('subjectId').where('kind', '=', 'permit_expiry').execute()).map((r) => r.subjectId).sort()).toEqual([soon, notYet].sort());
    const caseNumber = (await t.db.selectFrom('cases').select('caseNumber').where('id', '=', later.id).executeTakeFirstOrThrow()).caseNumber;
    const mail = await t.db.selectFrom('mailOutbox').select(['recipient', 'subject', 'body']).where('kind', '=', 'reminder').orderBy('createdAt', 'desc').executeTakeFirstOrThrow();
    expect(mail.subject).toContain(caseNumber);
    // The test users read English.
    expect(mail.subject).toContain('A residence permit of a victim in case');
    expect(`${mail.subject}${mail.body}`).not.toMatch(/Karimov|AZ-RP/);
  });
});
