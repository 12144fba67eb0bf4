import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';
import { ASSISTANCE_SERVICES } from '../../../shared/nrm.ts';
import { AddAssistanceServiceBody, AssistancePlanBody, AssistanceServiceView } from '../../../shared/schemas/case-support.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let worker: Session & { id: string };
let shelterWorker: Session & { id: string };
let outsider: Session & { id: string };
let providerId: string;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}
const call = (s: Session, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
  outsider = await user(['case_worker'], (await makeAgency(t.db, { type: 'ngo' })).id);
  const admin = await user(['administrator'], (await makeAgency(t.db, { type: 'government' })).id);
  const pr = await call(admin, 'POST', '/providers', { agencyId: shelter, name: 'Safe House Baku', serviceTypes: ['shelter'] });
  expect(pr.statusCode).toBe(201);
  providerId = pr.json().id;
});
afterAll(() => t.close());

async function caseWithVictim() {
  const id = (await call(worker, 'POST', '/cases', {})).json().id as string;
  const personId = (await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Leyla', familyName: 'Əliyeva' }, birthYear: 1992 } })).json().personId as string;
  const consent = await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'assistance', service: 'shelter', givenOn: '2026-01-05', form: 'written' });
  expect(consent.statusCode).toBe(201);
  return { id, personId, consentId: consent.json().id as string };
}

describe('needs assessment and assistance plan', () => {
  it('records the assessment, goals and services through their life, with provider, dates and consent; audited', async () => {
    const { id, consentId } = await caseWithVictim();
    const empty = await call(worker, 'GET', `/cases/${id}/assistance-plan`);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ caseId: id, needsAssessment: null, goals: [], services: [] });
    const saved = await call(worker, 'PUT', `/cases/${id}/assistance-plan`, { needsAssessment: 'Needs a safe place and medical care', assessedOn: '2026-01-06', goals: ['Safe accommodation within a week', 'Recovery'] });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ needsAssessment: 'Needs a safe place and medical care', assessedOn: '2026-01-06', goals: ['Safe accommodation within a week', 'Recovery'], updatedBy: worker.id });
    // A partial save keeps the rest.
    expect((await call(worker, 'PUT', `/cases/${id}/assistance-plan`, { goals: ['Recovery'] })).json()).toMatchObject({ needsAssessment: 'Needs a safe place and medical care', goals: ['Recovery'] });

    const added = await call(worker, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'safe_accommodation', providerId, plannedOn: '2026-01-07', note: 'Quiet room' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ service: 'safe_accommodation', status: 'planned', providerId, providerName: 'Safe House Baku', consentId: null, consentActive: null, plannedOn: '2026-01-07' });
    const sid = added.json().id;
    // Giving the service needs the person's consent to it.
    const noConsent = await call(worker, 'PATCH', `/cases/${id}/assistance-plan/services/${sid}`, { status: 'in_progress', startedOn: '2026-01-08' });
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.json().error.fields).toHaveProperty('consentId');
    const started = await call(worker, 'PATCH', `/cases/${id}/assistance-plan/services/${sid}`, { status: 'in_progress', startedOn: '2026-01-08', consentId });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ status: 'in_progress', consentId, consentActive: true, startedOn: '2026-01-08' });
    const backwards = await call(worker, 'PATCH', `/cases/${id}/assistance-plan/services/${sid}`, { endedOn: '2026-01-01' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.fields).toHaveProperty('endedOn');
    expect((await call(worker, 'PATCH', `/cases/${id}/assistance-plan/services/${sid}`, { status: 'delivered', endedOn: '2026-02-01' })).json()).toMatchObject({ status: 'delivered', endedOn: '2026-02-01' });
    expect((await call(worker, 'PATCH', `/cases/${id}/assistance-plan/services/${sid}`, { status: 'planned' })).statusCode).toBe(409);

    const declined = await call(worker, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'psychological_assistance', status: 'declined', note: 'Not now' });
    expect(declined.json()).toMatchObject({ status: 'declined' });
    const plan = (await call(worker, 'GET', `/cases/${id}/assistance-plan`)).json();
    expect(plan.services.map((s: { service: string; status: string }) => [s.service, s.status])).toEqual([['safe_accommodation', 'delivered'], ['psychological_assistance', 'declined']]);

    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', id).where('action', 'like', 'case.assistance%').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['case.assistance_plan_created', 'case.assistance_plan_updated', 'case.assistance_service_added', 'case.assistance_service_updated', 'case.assistance_plan.read']));
    expect(JSON.stringify(audit)).not.toContain('Quiet room');
  });

  it('a withdrawn consent cannot be linked, and shows as no longer active on a service that had it', async () => {
    const { id, consentId } = await caseWithVictim();
    const s = (await call(worker, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'emergency_medical_care', status: 'in_progress', consentId, startedOn: '2026-01-06' })).json();
    expect(s.consentActive).toBe(true);
    expect((await call(worker, 'POST', `/cases/${id}/consents/${consentId}/withdraw`, { withdrawnOn: '2026-01-10' })).statusCode).toBe(200);
    expect((await call(worker, 'GET', `/cases/${id}/assistance-plan`)).json().services[0].consentActive).toBe(false);
    const relink = await call(worker, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'material_assistance', consentId });
    expect(relink.statusCode).toBe(400);
    expect(relink.json().error.fields.consentId).toBe('withdrawn');
  });

  it('refuses unknown services, providers and consents of another kind or case, naming the field', async () => {
    const { id, personId } = await caseWithVictim();
    const other = await caseWithVictim();
    const sharing = (await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2026-01-02', form: 'written' })).json().id;
    const bad = async (body: object, field: string) => {
      const r = await call(worker, 'POST', `/cases/${id}/assistance-plan/services`, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.fields).toHaveProperty(field);
    };
    await bad({ service: 'police_interview' }, 'service');
    await bad({ service: 'safe_accommodation', providerId: '00000000-0000-4000-8000-000000000000' }, 'providerId');
    await bad({ service: 'safe_accommodation', consentId: sharing }, 'consentId');
    await bad({ service: 'safe_accommodation', consentId: other.consentId }, 'consentId');
    await bad({ service: 'safe_accommodation', cooperatesWithPolice: true }, 'cooperatesWithPolice');
    const r = await call(worker, 'PUT', `/cases/${id}/assistance-plan`, { assessedOn: '2999-01-01' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields).toHaveProperty('assessedOn');
  });

  it('nothing in the plan ties assistance to cooperation with the police', () => {
    const words = /police|cooperat|prosecut|testimon|witness|investigat/i;
    const fields = [...Object.keys(AssistancePlanBody.shape), ...Object.keys(AddAssistanceServiceBody.shape), ...Object.keys(AssistanceServiceView.shape), ...ASSISTANCE_SERVICES];
    expect(fields.length).toBeGreaterThan(20);
    expect(fields.filter((f) => words.test(f))).toEqual([]);
  });

  it('follows the case: another agency gets 404; a referral receiver reads it only with the assistance section, and cannot change it', async () => {
    const { id, personId } = await caseWithVictim();
    await call(worker, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'safe_accommodation', providerId });
    expect((await call(outsider, 'GET', `/cases/${id}/assistance-plan`)).statusCode).toBe(404);
    expect((await call(outsider, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'material_assistance' })).statusCode).toBe(404);
    await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2026-01-02', form: 'written' });
    const ref = async (sections: string[]) => {
      const r = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections, reason: 'Bed' });
      expect(r.statusCode).toBe(201);
      expect((await call(shelterWorker, 'POST', `/referrals/${r.json().id}/accept`, {})).statusCode).toBe(200);
      return r.json().id as string;
    };
    const first = await ref(['summary']);
    expect((await call(shelterWorker, 'GET', `/cases/${id}/assistance-plan`)).statusCode).toBe(404);
    await call(worker, 'POST', `/referrals/${first}/revoke`, { reason: 'replaced' });
    await ref(['summary', 'assistance']);
    const seen = await call(shelterWorker, 'GET', `/cases/${id}/assistance-plan`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().services).toHaveLength(1);
    expect((await call(shelterWorker, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'material_assistance' })).statusCode).toBe(403);
  });
});
