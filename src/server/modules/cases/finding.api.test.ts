import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { dayIn } from '../../../domain/deadlines.ts';
import type { Role } from '../../../shared/roles.ts';

/** Finding cases (issue 15): by a victim's name in any script, within what the user may see; by number without zeros. */
let t: TestApp;
let ngo: string;
let shelter: string;
let worker: Session;
let colleague: Session;
let shelterWorker: Session;
let outsider: Session;

async function user(roles: Role[], agencyId: string) {
  return signIn(t.app, (await makeUser(t.db, { roles, agencyId })).email);
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  colleague = await user(['case_worker'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
  outsider = await user(['case_worker'], (await makeAgency(t.db, { type: 'ngo' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const list = async (s: Session, query: string) => (await call(s, 'GET', `/cases?${query}`)).json().items as { id: string; caseNumber: string }[];

async function caseOf(givenName: string, familyName: string) {
  const c = (await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json() as { id: string; caseNumber: string };
  const personId = (await call(worker, 'POST', `/cases/${c.id}/people`, { role: 'victim', person: { name: { givenName, familyName }, sex: 'female', birthYear: 1990 } })).json().personId as string;
  return { ...c, personId };
}

describe('case search by a victim\'s name', () => {
  it('finds a Latin-entered victim by the Cyrillic spelling, within what the user may see, and audits it without the name', async () => {
    const aysel = await caseOf('Aysel', 'Hüseynova');
    const other = await caseOf('Günel', 'Məmmədova');
    const found = await list(worker, `name=${encodeURIComponent('Айсель Гусейнова')}`);
    expect(found.map((c) => c.id)).toEqual([aysel.id]);
    expect((await list(colleague, `name=${encodeURIComponent('Hüseynova')}`)).map((c) => c.id)).toEqual([aysel.id]);
    expect(await list(outsider, `name=${encodeURIComponent('Гусейнова')}`)).toEqual([]);
    expect((await list(worker, `name=${encodeURIComponent('Məmmədova')}`)).map((c) => c.id)).toEqual([other.id]);

    // Referred with the summary only, the shelter sees the case but not who it is about: the name finds nothing.
    await call(worker, 'POST', `/cases/${aysel.id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary'] });
    const referral = (await call(shelterWorker, 'GET', '/referrals?direction=incoming')).json().items[0];
    await call(shelterWorker, 'POST', `/referrals/${referral.id}/accept`, {});
    expect((await list(shelterWorker, 'limit=50')).map((c) => c.id)).toContain(aysel.id);
    expect(await list(shelterWorker, `name=${encodeURIComponent('Hüseynova')}`)).toEqual([]);
    // With consent and the people section, it does.
    await call(worker, 'POST', `/cases/${aysel.id}/consents`, { personId: aysel.personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: dayIn('Asia/Baku', new Date()), form: 'written' });
    await call(worker, 'POST', `/referrals/${referral.id}/sections`, { sections: ['people'] });
    expect((await list(shelterWorker, `name=${encodeURIComponent('Hüseynova')}`)).map((c) => c.id)).toEqual([aysel.id]);

    const entries = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('action', '=', 'case.searched_by_name').execute();
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(entries)).not.toMatch(/Hüseyn|Гусейн|Məmməd/);
    expect((entries[0]!.changes as { nameKeyHashes: string[] }).nameKeyHashes.length).toBeGreaterThan(0);
  });

  it('refuses a name without letters, naming the field', async () => {
    const r = await call(worker, 'GET', '/cases?name=12');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields).toHaveProperty('name');
  });
});

describe('case numbers', () => {
  it('are found with or without leading zeros and prefix', async () => {
    const c = await caseOf('Leyla', 'Quliyeva');
    const digits = c.caseNumber.split('-')[2]!;
    const bare = String(Number(digits));
    for (const typed of [bare, digits, c.caseNumber, `NRM-${c.caseNumber.split('-')[1]}-${bare}`, c.caseNumber.toLowerCase()]) {
      expect((await list(worker, `number=${encodeURIComponent(typed)}`)).map((x) => x.caseNumber), typed).toEqual([c.caseNumber]);
    }
    // The beginning of a number still lists every case it begins.
    expect((await list(worker, `number=${encodeURIComponent(c.caseNumber.slice(0, 9))}`)).map((x) => x.caseNumber)).toContain(c.caseNumber);
    expect(await list(outsider, `number=${bare}`)).toEqual([]);
  });

  it('answers a name typed into the number box with a 400 naming the field, not an error page', async () => {
    const r = await call(worker, 'GET', `/cases?number=${encodeURIComponent('Aysel Hüseynova')}`);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields).toHaveProperty('number');
  });
});
