import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { DEMO_AGENCIES, DEMO_PASSWORD, demoEmail, seedDemo } from './seed.ts';

let demo: TestApp;
let hotlineId: string;

beforeAll(async () => {
  demo = await createTestApp({ demo: true, publicReportRatePerHour: 10_000 });
  await seedDemo(demo.db);
  const name = DEMO_AGENCIES.find((a) => a.key === 'hotline')!.name;
  hotlineId = (await demo.db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
});
afterAll(() => demo.close());

const as = (role: 'operator' | 'supervisor' | 'administrator' | 'case_worker' | 'analyst' | 'auditor') => signIn(demo.app, demoEmail(role), DEMO_PASSWORD);
const simulate = (headers: Record<string, string>, kind: string) => demo.app.inject({ method: 'POST', url: '/api/v1/demo/simulate-contact', headers, payload: { kind } });

describe('demo mode configures the hotline itself', () => {
  it("sets the demo hotline agency in the settings table (no environment variable): the public report page works", async () => {
    expect(demo.config.hotlineAgencyId).toBeUndefined();
    expect((await demo.db.selectFrom('hotlineSettings').select('agencyId').executeTakeFirstOrThrow()).agencyId).toBe(hotlineId);
    const r = await demo.app.inject({ method: 'POST', url: '/api/public/hotline/reports', payload: { description: 'Someone is kept at a car wash and not paid.', language: 'en', callbackConsent: false } });
    expect(r.statusCode).toBe(201);
    const admin = await as('administrator');
    const v = (await demo.app.inject({ method: 'GET', url: '/api/v1/admin/channels', headers: admin.headers })).json() as { demo: boolean; agency: { id: string }; settings: { agencyId: { source: string } } };
    expect(v).toMatchObject({ demo: true, agency: { id: hotlineId }, settings: { agencyId: { source: 'database' } } });
  });

  it("keeps an agency an administrator chose when the demo starts again", async () => {
    const admin = await as('administrator');
    const ngo = (await demo.db.selectFrom('agencies').select('id').where('name', '=', DEMO_AGENCIES.find((a) => a.key === 'ngo1')!.name).executeTakeFirstOrThrow()).id;
    expect((await demo.app.inject({ method: 'PUT', url: '/api/v1/admin/channels', headers: admin.headers, payload: { agencyId: ngo } })).statusCode).toBe(200);
    await seedDemo(demo.db);
    expect((await demo.db.selectFrom('hotlineSettings').select('agencyId').executeTakeFirstOrThrow()).agencyId).toBe(ngo);
    await demo.app.inject({ method: 'PUT', url: '/api/v1/admin/channels', headers: admin.headers, payload: { agencyId: hotlineId } });
  });

  it('simulates an incoming call and an SMS through the intake path, into the operators\' queue', async () => {
    const op = await as('operator');
    const call = await simulate(op.headers, 'call');
    expect(call.statusCode).toBe(201);
    const sms = await simulate(op.headers, 'sms');
    expect(sms.statusCode).toBe(201);
    const callId = (call.json() as { contactId: string }).contactId;
    const smsId = (sms.json() as { contactId: string }).contactId;
    const rows = await demo.db.selectFrom('contacts').select(['id', 'channel', 'status', 'ownerAgencyId', 'contactorLast3', 'isTest']).where('id', 'in', [callId, smsId]).execute();
    expect(rows.find((r) => r.id === callId)).toMatchObject({ channel: 'call', status: 'ringing', ownerAgencyId: hotlineId, isTest: false });
    expect(rows.find((r) => r.id === smsId)).toMatchObject({ channel: 'sms', status: 'new', ownerAgencyId: hotlineId });
    expect(rows.every((r) => /^\d{3}$/.test(r.contactorLast3 ?? ''))).toBe(true);
    const list = (await demo.app.inject({ method: 'GET', url: '/api/v1/contacts?status=new,ringing', headers: op.headers })).json() as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toEqual(expect.arrayContaining([callId, smsId]));
    const messages = (await demo.app.inject({ method: 'GET', url: `/api/v1/contacts/${smsId}/messages`, headers: op.headers })).json() as { items: { body: string }[] };
    expect(messages.items[0]!.body.length).toBeGreaterThan(20);
    const events = await demo.db.selectFrom('contactInboundEvents').select('source').where('contactId', 'in', [callId, smsId]).execute();
    expect(events.map((e) => e.source)).toEqual(['simulation', 'simulation']);
  });

  it('is for operators, supervisors and administrators: others 403; a bad kind 400 naming the field', async () => {
    for (const role of ['supervisor', 'administrator'] as const) expect((await simulate((await as(role)).headers, 'sms')).statusCode, role).toBe(201);
    for (const role of ['case_worker', 'analyst', 'auditor'] as const) expect((await simulate((await as(role)).headers, 'sms')).statusCode, role).toBe(403);
    const bad = await simulate((await as('operator')).headers, 'fax');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { fields: { kind: expect.any(String) } } });
    expect((await demo.app.inject({ method: 'POST', url: '/api/v1/demo/simulate-contact', payload: { kind: 'sms' } })).statusCode).toBe(401);
  });
});

describe('outside demo mode', () => {
  it('the simulate endpoint does not exist (404), whoever asks', async () => {
    const real = await createTestApp();
    try {
      const op = await signIn(real.app, (await makeUser(real.db, { roles: ['operator', 'administrator'] })).email);
      const res = await real.app.inject({ method: 'POST', url: '/api/v1/demo/simulate-contact', headers: op.headers, payload: { kind: 'call' } });
      expect(res.statusCode).toBe(404);
      expect(await real.db.selectFrom('contacts').select('id').execute()).toEqual([]);
    } finally {
      await real.close();
    }
  }, 90_000);
});
