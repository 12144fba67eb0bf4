import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let worker: Session & { id: string };
let outsider: Session;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  outsider = await user(['case_worker'], shelter);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function caseWithVictim() {
  const id = (await call(worker, 'POST', '/cases', {})).json().id as string;
  const v = await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Nigar', familyName: 'Əliyeva' }, birthYear: 1990 } });
  return { id, personId: v.json().personId as string };
}

describe('consent records', () => {
  it('records assistance, data sharing and police contact separately; withdraws with date and recorder, kept in the history', async () => {
    const { id, personId } = await caseWithVictim();
    const assistance = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'assistance', service: 'shelter', givenOn: '2026-01-05', form: 'written' });
    expect(assistance.statusCode).toBe(201);
    expect(assistance.json()).toMatchObject({ kind: 'assistance', service: 'shelter', active: true, recordedBy: worker.id, givenBy: 'person' });
    const sharing = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2026-01-05', form: 'oral' });
    expect(sharing.json()).toMatchObject({ agencyId: shelter, purpose: 'services', active: true });
    const withdrawn = await call(worker, 'POST', `/cases/${id}/consents/${sharing.json().id}/withdraw`, { withdrawnOn: '2026-01-20', note: 'Changed her mind' });
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ active: false, withdrawnOn: '2026-01-20', withdrawnRecordedBy: worker.id, withdrawalNote: 'Changed her mind' });
    expect((await call(worker, 'POST', `/cases/${id}/consents/${sharing.json().id}/withdraw`, { withdrawnOn: '2026-01-21' })).statusCode).toBe(409);
    const page = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(page.consents.map((k: { kind: string; active: boolean }) => [k.kind, k.active])).toEqual([['assistance', true], ['data_sharing', false]]);
    expect(page.timeline.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['case.consent_recorded', 'case.consent_withdrawn']));
  });

  it('needs agency and purpose exactly for data sharing, a person of the case, real dates, and the owning agency', async () => {
    const { id, personId } = await caseWithVictim();
    const noAgency = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', givenOn: '2026-01-05', form: 'written' });
    expect(noAgency.json().error.fields).toEqual({ agencyId: 'required for data sharing', purpose: 'required for data sharing' });
    const stray = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'police_contact', agencyId: shelter, service: 'medical', givenOn: '2026-01-05', form: 'written' });
    expect(Object.keys(stray.json().error.fields).sort()).toEqual(['agencyId', 'service']);
    const stranger = await call(worker, 'POST', `/cases/${id}/consents`, { personId: crypto.randomUUID(), kind: 'assistance', givenOn: '2026-01-05', form: 'written' });
    expect(stranger.json().error.fields).toEqual({ personId: 'not a person of this case' });
    const future = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'assistance', givenOn: '2999-01-01', form: 'written' });
    expect(future.json().error.fields).toEqual({ givenOn: 'in the future' });
    const k = (await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'police_contact', givenOn: '2026-01-05', form: 'written' })).json();
    const early = await call(worker, 'POST', `/cases/${id}/consents/${k.id}/withdraw`, { withdrawnOn: '2026-01-01' });
    expect(early.json().error.fields).toEqual({ withdrawnOn: 'before the consent was given' });
    expect((await call(outsider, 'POST', `/cases/${id}/consents`, { personId, kind: 'assistance', givenOn: '2026-01-05', form: 'written' })).statusCode).toBe(404);
  });

  it('assistance consent stands without any police-contact consent (CETS art. 12(6))', async () => {
    const { id, personId } = await caseWithVictim();
    const res = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'assistance', givenOn: '2026-01-05', form: 'written' });
    expect(res.statusCode).toBe(201);
    const police = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'police_contact', givenOn: '2026-01-05', form: 'written' });
    await call(worker, 'POST', `/cases/${id}/consents/${police.json().id}/withdraw`, { withdrawnOn: '2026-01-06' });
    const page = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(page.consents.find((k: { kind: string }) => k.kind === 'assistance').active).toBe(true);
  });
});
