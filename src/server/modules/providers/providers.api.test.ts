import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let shelterAgency: string;
let admin: Session;
let shelterStaff: Session & { id: string };
let otherStaff: Session;

async function user(roles: Role[], agencyId?: string) {
  const u = await makeUser(t.db, { roles, ...(agencyId ? { agencyId } : {}) });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  shelterAgency = (await makeAgency(t.db, { type: 'shelter' })).id;
  admin = await user(['coordinator']);
  shelterStaff = await user(['case_worker'], shelterAgency);
  otherStaff = await user(['case_worker']);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('the providers directory', () => {
  it('is kept by providers:manage and searched by type, region, language, age, sex and free places', async () => {
    const women = await call(admin, 'POST', '/providers', { agencyId: shelterAgency, name: 'Women\'s shelter Baku', serviceTypes: ['shelter', 'psychological'], regions: ['Baku'], languages: ['az', 'ru'], minAge: 18, sexesServed: ['female'], capacityTotal: 20 });
    expect(women.statusCode).toBe(201);
    const kids = await call(admin, 'POST', '/providers', { agencyId: shelterAgency, name: 'Children\'s centre Ganja', serviceTypes: ['shelter', 'education'], regions: ['Ganja'], languages: ['az'], maxAge: 17, capacityTotal: 10 });
    const legal = await call(admin, 'POST', '/providers', { agencyId: shelterAgency, name: 'Legal aid clinic', serviceTypes: ['legal_aid'], regions: ['Baku', 'Ganja'], languages: ['az', 'en'] });
    expect((await call(shelterStaff, 'PUT', `/providers/${women.json().id}/capacity`, { capacityFree: 3 })).json()).toMatchObject({ capacityFree: 3, capacityTotal: 20 });
    await call(shelterStaff, 'PUT', `/providers/${kids.json().id}/capacity`, { capacityFree: 0 });
    const ids = async (q: string) => (await call(otherStaff, 'GET', `/providers?${q}`)).json().items.map((x: { name: string }) => x.name).sort();
    expect(await ids('type=shelter')).toEqual(['Children\'s centre Ganja', 'Women\'s shelter Baku']);
    expect(await ids('type=shelter&minFree=1')).toEqual(['Women\'s shelter Baku']);
    expect(await ids('region=Ganja')).toEqual(['Children\'s centre Ganja', 'Legal aid clinic']);
    expect(await ids('region=ganja')).toEqual(['Children\'s centre Ganja', 'Legal aid clinic']);
    expect(await ids('region=Gan')).toEqual([]);
    expect(await ids('type=shelter&age=15')).toEqual(['Children\'s centre Ganja']);
    expect(await ids('type=shelter&sex=male')).toEqual(['Children\'s centre Ganja']);
    expect(await ids('language=en')).toEqual(['Legal aid clinic']);
    await call(admin, 'PATCH', `/providers/${legal.json().id}`, { active: false });
    expect(await ids('language=en')).toEqual([]);
    expect(await ids('language=en&includeInactive=true')).toEqual(['Legal aid clinic']);
    const audit = await t.db.selectFrom('auditLog').select('action').where('recordId', '=', women.json().id).execute();
    expect(audit.map((a) => a.action)).toEqual(['provider.created', 'provider.capacity_updated']);
  });

  it('refuses others\' capacity updates, more free places than places, and bad input by field', async () => {
    const v = (await call(admin, 'POST', '/providers', { agencyId: shelterAgency, name: 'Shelter Sumgait', serviceTypes: ['shelter'], capacityTotal: 5 })).json();
    expect((await call(otherStaff, 'PUT', `/providers/${v.id}/capacity`, { capacityFree: 1 })).statusCode).toBe(403);
    expect((await call(otherStaff, 'POST', '/providers', { agencyId: shelterAgency, name: 'X', serviceTypes: ['shelter'] })).statusCode).toBe(403);
    const over = await call(shelterStaff, 'PUT', `/providers/${v.id}/capacity`, { capacityFree: 6 });
    expect(over.json().error.fields).toEqual({ capacityFree: 'at most 5' });
    const bad = await call(admin, 'POST', '/providers', { agencyId: shelterAgency, name: '', serviceTypes: ['spa'], minAge: 30, maxAge: 20 });
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['name', 'serviceTypes.0']);
    const upside = await call(admin, 'POST', '/providers', { agencyId: shelterAgency, name: 'Y', serviceTypes: ['medical'], minAge: 30, maxAge: 20 });
    expect(upside.json().error.fields).toEqual({ minAge: 'not above maxAge' });
    const noAgency = await call(admin, 'POST', '/providers', { agencyId: crypto.randomUUID(), name: 'Z', serviceTypes: ['medical'] });
    expect(noAgency.json().error.fields).toEqual({ agencyId: 'no such agency' });
    expect((await call(otherStaff, 'GET', `/providers/${crypto.randomUUID()}`)).statusCode).toBe(404);
  });
});
