import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

/**
 * An order ending access to a victim's record closes the case on every read path, not just its page:
 * the victim's person record, people search, referral reads and answers, the identification queue,
 * the overdue view and break-glass. Only auditors and the owning agency's supervisors still read it.
 */

let t: TestApp;
let ngo: string;
let shelter: string;
let authority: string;
let worker: Session & { id: string };
let supervisor: Session & { id: string };
let shelterWorker: Session & { id: string };
let shelterSupervisor: Session & { id: string };
let officer: Session & { id: string };
let coordinator: Session & { id: string };
let operator: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  authority = (await makeAgency(t.db, { type: 'police' })).id;
  worker = await user(['case_worker'], ngo);
  supervisor = await user(['supervisor'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
  shelterSupervisor = await user(['supervisor'], shelter);
  officer = await user(['identification_officer'], authority);
  coordinator = await user(['coordinator'], (await makeAgency(t.db, { type: 'government' })).id);
  operator = await user(['operator'], ngo);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const ids = (items: { id: string }[]) => items.map((x) => x.id);
const searched = async (s: Session, q: string) => {
  const res = await call(s, 'GET', `/people/search?q=${encodeURIComponent(q)}`);
  expect(res.statusCode).toBe(200);
  return (res.json().items as { person: { id: string } }[]).map((x) => x.person.id);
};
const grantsOn = async (caseId: string) =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM access_grants WHERE record_type = 'case' AND record_id = ${caseId}`.execute(t.db)).rows[0]!.n);

describe('an order ending access, on every read path', () => {
  it('hides the case\'s person, referrals, queue items and overdue work, and refuses referral answers and break-glass', async () => {
    const id = (await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json().id as string;
    const personId = (await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Nərgiz', familyName: 'Şirinova' }, sex: 'female', birthYear: 1991 } })).json().personId as string;
    for (const [agencyId, purpose] of [[shelter, 'services'], [authority, 'identification']] as const) {
      const res = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId, purpose, givenOn: '2026-01-02', form: 'written' });
      expect(res.statusCode, res.body).toBe(201);
    }
    const toShelter = (await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary', 'people'] })).json().id as string;
    expect((await call(shelterWorker, 'POST', `/referrals/${toShelter}/accept`, {})).statusCode).toBe(200);
    const toAuthority = (await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] })).json().id as string;
    const task = (await call(worker, 'POST', `/cases/${id}/tasks`, { title: 'Visit the shelter', dueAt: new Date(Date.now() + 86_400_000).toISOString() })).json().id as string;
    // Overdue: the task, and the pending referral's answer.
    await t.db.updateTable('caseTasks').set({ dueAt: new Date(Date.now() - 86_400_000) }).where('id', '=', task).execute();
    await t.db.updateTable('referrals').set({ answerDueAt: new Date(Date.now() - 86_400_000) }).where('id', '=', toAuthority).execute();
    const overdueIds = async (s: Session) => ids((await call(s, 'GET', '/oversight/overdue')).json().items as { id: string }[]);

    // The hotline contact the case came from.
    const contact = (await call(operator, 'POST', '/contacts', { channel: 'walk_in' })).json().id as string;
    expect((await call(supervisor, 'POST', `/cases/${id}/contacts`, { contactId: contact })).statusCode).toBe(201);
    // A share of the person with the shelter (as a module sharing people would make it).
    await sql`INSERT INTO access_grants (record_type, record_id, grantee_agency_id, sections, kind, reason)
      VALUES ('person', ${personId}, ${shelter}, ARRAY['identity', 'details'], 'share', 'Shelter placement')`.execute(t.db);

    // Before the order every path shows it.
    expect((await call(operator, 'GET', `/contacts/${contact}`)).statusCode).toBe(200);
    expect(ids((await call(operator, 'GET', '/contacts?limit=100')).json().items)).toContain(contact);
    expect((await call(shelterWorker, 'GET', `/people/${personId}`)).statusCode).toBe(200);
    expect((await call(worker, 'GET', `/people/${personId}`)).statusCode).toBe(200);
    expect(await searched(shelterWorker, 'Nərgiz Şirinova')).toContain(personId);
    expect(await searched(worker, 'Nərgiz Şirinova')).toContain(personId);
    expect((await call(shelterWorker, 'GET', `/referrals/${toShelter}`)).statusCode).toBe(200);
    expect(ids((await call(shelterWorker, 'GET', '/referrals?limit=100')).json().items)).toContain(toShelter);
    expect((await call(officer, 'GET', `/referrals/${toAuthority}`)).statusCode).toBe(200);
    expect(((await call(officer, 'GET', '/identification/queue')).json().items as { referralId: string }[]).map((x) => x.referralId)).toContain(toAuthority);
    expect(await overdueIds(coordinator)).toEqual(expect.arrayContaining([task, toAuthority]));
    expect(await overdueIds(supervisor)).toEqual(expect.arrayContaining([task, toAuthority]));

    expect((await call(worker, 'POST', `/cases/${id}/access-end`, { authority: 'prosecutor', orderedOn: '2026-01-15' })).statusCode).toBe(200);
    const grants = await grantsOn(id);

    // The victim's person record and people search: gone, for the grantee and the owning agency's staff alike.
    for (const s of [shelterWorker, worker, shelterSupervisor]) {
      expect((await call(s, 'GET', `/people/${personId}`)).statusCode).toBe(404);
      expect(await searched(s, 'Nərgiz Şirinova')).not.toContain(personId);
    }
    expect((await call(worker, 'PATCH', `/people/${personId}`, { sex: 'male' })).statusCode).toBe(404);
    // The hotline contact linked to the case, for its operator.
    expect((await call(operator, 'GET', `/contacts/${contact}`)).statusCode).toBe(404);
    expect(ids((await call(operator, 'GET', '/contacts?limit=100')).json().items)).not.toContain(contact);
    expect((await call(supervisor, 'GET', `/contacts/${contact}`)).statusCode).toBe(200);
    // Referral reads, for the receiver and the sender's case worker.
    for (const [s, r] of [[shelterWorker, toShelter], [officer, toAuthority], [worker, toShelter]] as const) {
      expect((await call(s, 'GET', `/referrals/${r}`)).statusCode).toBe(404);
      expect(ids((await call(s, 'GET', '/referrals?limit=100')).json().items)).not.toContain(r);
    }
    // The receiver cannot accept the pending referral: no new grant on the case.
    expect((await call(officer, 'POST', `/referrals/${toAuthority}/accept`, {})).statusCode).toBe(404);
    expect((await t.db.selectFrom('referrals').select('status').where('id', '=', toAuthority).executeTakeFirstOrThrow()).status).toBe('pending');
    // The identification queue and the overdue view.
    expect(((await call(officer, 'GET', '/identification/queue')).json().items as { referralId: string }[]).map((x) => x.referralId)).not.toContain(toAuthority);
    for (const s of [coordinator, supervisor, shelterSupervisor]) {
      const seen = await overdueIds(s);
      expect(seen).not.toContain(task);
      expect(seen).not.toContain(toAuthority);
    }
    // Break-glass: another agency's supervisor learns nothing; the owning agency's is told why; no grant either way.
    const bg = await call(shelterSupervisor, 'POST', `/cases/${id}/break-glass`, { reason: 'Emergency: the victim is missing' });
    expect(bg.statusCode).toBe(404);
    const own = await call(supervisor, 'POST', `/cases/${id}/break-glass`, { reason: 'Emergency: the victim is missing' });
    expect(own.statusCode).toBe(409);
    expect(own.json().error.code).toBe('access_ended');
    expect(await grantsOn(id)).toBe(grants);

    // The owning agency's supervisor still reads the person and the referrals, and cannot change them.
    expect((await call(supervisor, 'GET', `/people/${personId}`)).statusCode).toBe(200);
    expect(await searched(supervisor, 'Nərgiz Şirinova')).toContain(personId);
    expect((await call(supervisor, 'GET', `/referrals/${toShelter}`)).statusCode).toBe(200);
    expect((await call(supervisor, 'POST', `/referrals/${toAuthority}/revoke`, { reason: 'Order of the prosecutor' })).json().error.code).toBe('access_ended');
    expect((await call(supervisor, 'PATCH', `/people/${personId}`, { sex: 'male' })).statusCode).toBe(404);
    // Nor carry the person into another case, whose page would show them to everyone on it.
    const other = (await call(supervisor, 'POST', '/cases', {})).json().id as string;
    const carried = await call(supervisor, 'POST', `/cases/${other}/people`, { role: 'victim', personId });
    expect(carried.statusCode).toBe(409);
    expect(carried.json().error).toMatchObject({ code: 'access_ended', fields: { personId: 'access ended by an order' } });
    expect((await call(worker, 'POST', `/cases/${other}/people`, { role: 'victim', personId })).statusCode).toBe(404);
  });
});
