import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;
let monitor: Session;
let reviewer: Session;
beforeAll(async () => {
  t = await createTestApp();
  const m = await makeUser(t.db, { roles: ['press_monitor'] });
  monitor = await signIn(t.app, m.email);
  reviewer = await signIn(t.app, (await makeUser(t.db, { roles: ['press_reviewer'], agencyId: m.agencyId })).email);
});
afterAll(() => t.close());

const req = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, s: Session = monitor) => t.app.inject({ method, url, headers: s.headers, ...(payload ? { payload } : {}) });

async function incident(title: string, city: string, personName: string) {
  const person = await req('POST', '/api/v1/press/persons', { name: personName });
  expect(person.statusCode).toBe(201);
  const res = await req('POST', '/api/v1/press/incidents', { title, occurred: '2019-04-01', city, acts: [{ personId: person.json().id, actType: 'threat' }] });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

describe('public press CSV', () => {
  it('never lets a spreadsheet read typed text as a formula', async () => {
    const id = await incident('=HYPERLINK("http://evil.example","click")', '+Baku', '@Someone -1');
    expect((await req('POST', `/api/v1/press/incidents/${id}/publish`, undefined, reviewer)).statusCode).toBe(200);
    const csv = await t.app.inject({ method: 'GET', url: '/api/public/press/export.csv' });
    expect(csv.statusCode).toBe(200);
    const [header, ...rows] = parse(csv.body) as string[][];
    const row = rows.find((r) => r[header!.indexOf('id')] === id)!;
    expect(row[header!.indexOf('title')]).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(row[header!.indexOf('city')]).toBe(`'+Baku`);
    expect(row[header!.indexOf('victims')]).toBe(`'@Someone -1`);
    // numbers and booleans stay as they are
    expect(row[header!.indexOf('milestones')]).toBe('0');
    expect(row[header!.indexOf('synthetic')]).toBe('false');
    // and the public JSON keeps the text exactly as typed
    const doc = (await t.app.inject({ method: 'GET', url: `/api/public/press/incidents/${id}` })).json();
    expect(doc.title).toBe('=HYPERLINK("http://evil.example","click")');
  });
});

describe('changing an incident', () => {
  it('an empty patch is a 400, not an UPDATE without a SET, and changes nothing', async () => {
    const id = await incident('Threat against an editor', 'Ganja', 'Editor Name');
    const before = await t.db.selectFrom('pressIncidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const audits = async () => (await t.db.selectFrom('auditLog').select('recordId').where('recordId', '=', id).execute()).length;
    const n = await audits();
    const res = await req('PATCH', `/api/v1/press/incidents/${id}`, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', fields: { body: 'no fields given' } });
    expect(await t.db.selectFrom('pressIncidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    expect(await audits()).toBe(n);
    // a real change still works
    const ok = await req('PATCH', `/api/v1/press/incidents/${id}`, { city: 'Sumgait' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().city).toBe('Sumgait');
  });
});
