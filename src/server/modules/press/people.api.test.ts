import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;
let monitor: Session;
let reviewer: Session;
let analyst: Session;
let outsider: Session;
beforeAll(async () => {
  t = await createTestApp();
  const m = await makeUser(t.db, { roles: ['press_monitor'] });
  monitor = await signIn(t.app, m.email);
  reviewer = await signIn(t.app, (await makeUser(t.db, { roles: ['press_reviewer'], agencyId: m.agencyId })).email);
  analyst = await signIn(t.app, (await makeUser(t.db, { roles: ['analyst'] })).email);
  outsider = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'] })).email);
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const req = (method: Method, url: string, payload?: object, s: Session = monitor) => t.app.inject({ method, url, headers: s.headers, ...(payload ? { payload } : {}) });
const uniq = () => Math.random().toString(36).slice(2, 8);

async function outlet(name: string, aliases: string[] = []) {
  const res = await req('POST', '/api/v1/press/outlets', { name, aliases, medium: 'print' });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}
async function person(name: string, contactDetails?: string) {
  const res = await req('POST', '/api/v1/press/persons', { name, ...(contactDetails ? { contactDetails } : {}) });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}
const auditOf = (recordId: string) =>
  t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', recordId).orderBy('seq').execute();

describe('journalists', () => {
  it('a monitor renames a journalist, adds aliases; incidents naming them are found by the new names and show as changed', async () => {
    const pid = await person(`Nijat ${uniq()}`, '+994 55 111 11 11');
    const inc = await req('POST', '/api/v1/press/incidents', { title: 'Stabbing at a bus stop', occurred: '2006-12-25', acts: [{ personId: pid, actType: 'assault', outcome: 'injured' }] });
    expect(inc.statusCode).toBe(201);
    const incidentId = inc.json().id as string;
    expect((await req('POST', `/api/v1/press/incidents/${incidentId}/publish`, undefined, reviewer)).statusCode).toBe(200);

    const res = await req('PATCH', `/api/v1/press/persons/${pid}`, { name: 'Nijat Huseynov', aliases: ['Нijat Гусейнов', 'Nicat Hüseynov'], beats: ['politics'], contactDetails: '+994 55 222 22 22' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: pid, name: 'Nijat Huseynov', aliases: ['Нijat Гусейнов', 'Nicat Hüseynov'], beats: ['politics'], contactDetails: '+994 55 222 22 22' });

    const found = await req('GET', `/api/v1/press/incidents?q=${encodeURIComponent('Hüseynov')}`);
    expect(found.json().items.map((i: { id: string }) => i.id)).toContain(incidentId);
    const staff = (await req('GET', `/api/v1/press/incidents/${incidentId}`)).json();
    expect(staff.changedSincePublish).toBe(true);
    expect(staff.acts[0].person.name).toBe('Nijat Huseynov');

    const audit = await auditOf(pid);
    const entry = audit.find((a) => a.action === 'press.person.updated')!;
    expect(entry.changes).toMatchObject({ name: { changed: true }, contactDetails: { changed: true } });
    expect(JSON.stringify(entry.changes)).not.toContain('Huseynov');
    // The contact details themselves are never in the log.
    expect(JSON.stringify(audit)).not.toContain('222 22 22');
  });

  it('an analyst reads a journalist without contact details and may not change one; others get 403', async () => {
    const pid = await person(`Fikret ${uniq()}`, '+994 12 345 67 89');
    const seen = await req('GET', `/api/v1/press/persons/${pid}`, undefined, analyst);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().contactDetails).toBeUndefined();
    expect((await req('PATCH', `/api/v1/press/persons/${pid}`, { name: 'X' }, analyst)).statusCode).toBe(403);
    expect((await req('GET', `/api/v1/press/persons/${pid}`, undefined, outsider)).statusCode).toBe(403);
    expect((await req('PATCH', `/api/v1/press/persons/${pid}`, { name: 'X' }, outsider)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/press/persons/${pid}`, payload: { name: 'X' } })).statusCode).toBe(401);
    expect((await req('GET', `/api/v1/press/persons/${pid}`)).json().name).toMatch(/^Fikret/);
  });

  it('refuses bad input by field and unknown journalists with 404', async () => {
    const pid = await person(`Bad ${uniq()}`);
    const cases: Array<[object, string]> = [
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ aliases: 'one' }, 'aliases'],
      [{ beats: [''] }, 'beats.0'],
      [{ local: 'yes' }, 'local'],
      [{ nickname: 'x' }, 'nickname'],
      [{ name: 'x'.repeat(201) }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await req('PATCH', `/api/v1/press/persons/${pid}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(Object.keys(res.json().error.fields)).toContain(field);
    }
    expect((await req('PATCH', '/api/v1/press/persons/00000000-0000-4000-8000-000000000000', { name: 'Nobody' })).statusCode).toBe(404);
    expect((await req('PATCH', '/api/v1/press/persons/not-a-uuid', { name: 'Nobody' })).statusCode).toBe(400);
  });
});

describe('affiliations', () => {
  it('links a journalist with an outlet with partial dates, changes and removes the link, all audited', async () => {
    const pid = await person(`Uzeyir ${uniq()}`);
    const oid = await outlet(`Gündəlik Azərbaycan ${uniq()}`, ['Gundelik Azerbaijan']);
    const added = await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: oid, role: 'Journalist', employment: 'staff', from: '2005', until: '2007-04' });
    expect(added.statusCode).toBe(201);
    const aff = added.json().affiliations[0];
    expect(aff).toMatchObject({ outletId: oid, role: 'Journalist', employment: 'staff', from: { on: '2005-01-01', precision: 'year', display: '2005' }, until: { on: '2007-04-01', precision: 'month', display: '2007-04' } });

    const changed = await req('PATCH', `/api/v1/press/persons/${pid}/affiliations/${aff.id}`, { role: 'Senior journalist', until: null });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().affiliations[0]).toMatchObject({ role: 'Senior journalist', from: { display: '2005' }, until: null });

    // The same outlet twice is a conflict naming the outlet.
    const twice = await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: oid });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.fields).toHaveProperty('outletId');

    const removed = await req('DELETE', `/api/v1/press/persons/${pid}/affiliations/${aff.id}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().affiliations).toEqual([]);
    expect((await auditOf(pid)).map((a) => a.action)).toEqual(['press.person.created', 'press.affiliation.added', 'press.affiliation.updated', 'press.affiliation.removed']);
  });

  it('refuses an end before the start, unknown outlets, bad dates, and another journalist\'s affiliation', async () => {
    const pid = await person(`Bahaddin ${uniq()}`);
    const other = await person(`Other ${uniq()}`);
    const oid = await outlet(`Bizim Yol ${uniq()}`);
    const bad: Array<[object, string, number]> = [
      [{ outletId: oid, from: '2006-05-19', until: '2006-05-18' }, 'until', 400],
      [{ outletId: oid, from: '2006-13' }, 'from', 400],
      [{ outletId: oid, until: 'soon' }, 'until', 400],
      [{ outletId: oid, employment: 'volunteer' }, 'employment', 400],
      [{ outletId: 'nope' }, 'outletId', 400],
      [{ outletId: '00000000-0000-4000-8000-000000000000' }, 'outletId', 400],
      [{ role: 'Editor' }, 'outletId', 400],
    ];
    for (const [body, field, status] of bad) {
      const res = await req('POST', `/api/v1/press/persons/${pid}/affiliations`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(Object.keys(res.json().error.fields ?? {}), JSON.stringify(body)).toContain(field);
    }
    // A month that contains the start day is not before it.
    const ok = await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: oid, from: '2006-05-19', until: '2006-05' });
    expect(ok.statusCode).toBe(201);
    const affId = ok.json().affiliations[0].id as string;
    const early = await req('PATCH', `/api/v1/press/persons/${pid}/affiliations/${affId}`, { until: '2005' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields).toHaveProperty('until');
    expect((await req('PATCH', `/api/v1/press/persons/${other}/affiliations/${affId}`, { role: 'x' })).statusCode).toBe(404);
    expect((await req('DELETE', `/api/v1/press/persons/${other}/affiliations/${affId}`)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: oid }, analyst)).statusCode).toBe(403);
    // Nothing half-written: the refused changes left the one good link as it was.
    const v = (await req('GET', `/api/v1/press/persons/${pid}`)).json();
    expect(v.affiliations).toHaveLength(1);
    expect(v.affiliations[0].until.display).toBe('2006-05');
  });

  it('a reviewer may edit affiliations and names too, but not contact details they may not see', async () => {
    const pid = await person(`Elmar ${uniq()}`, '+994 50 123 45 67');
    const oid = await outlet(`Monitor ${uniq()}`);
    const res = await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: oid, role: 'Editor-in-chief', from: '1998' }, reviewer);
    expect(res.statusCode).toBe(201);
    expect(res.json().contactDetails).toBeUndefined();
    expect((await req('PATCH', `/api/v1/press/persons/${pid}`, { aliases: ['Elmar Hüseynov'] }, reviewer)).statusCode).toBe(200);
    expect((await req('PATCH', `/api/v1/press/persons/${pid}`, { contactDetails: null }, reviewer)).statusCode).toBe(403);
    expect((await req('GET', `/api/v1/press/persons/${pid}`)).json().contactDetails).toBe('+994 50 123 45 67');
  });
});

describe('outlets', () => {
  it('renames an outlet: incidents whose victim works there are found by the new alias', async () => {
    const oid = await outlet(`Azadliq ${uniq()}`);
    const pid = await person(`Reporter ${uniq()}`);
    expect((await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: oid })).statusCode).toBe(201);
    const inc = await req('POST', '/api/v1/press/incidents', { title: 'Abduction near Baku', occurred: '2006-03', acts: [{ personId: pid, actType: 'abduction' }] });
    const incidentId = inc.json().id as string;
    const alias = `Azadlıq${uniq()}`;
    const res = await req('PATCH', `/api/v1/press/outlets/${oid}`, { aliases: [alias], medium: 'online' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: oid, aliases: [alias], medium: 'online' });
    const found = await req('GET', `/api/v1/press/incidents?q=${encodeURIComponent(alias)}`);
    expect(found.json().items.map((i: { id: string }) => i.id)).toEqual([incidentId]);
    expect((await auditOf(oid)).map((a) => a.action)).toContain('press.outlet.updated');
  });

  it('refuses a name another outlet has, bad media, unknown outlets and people without the right', async () => {
    const name = `Taken ${uniq()}`;
    await outlet(name);
    const oid = await outlet(`Free ${uniq()}`);
    const taken = await req('PATCH', `/api/v1/press/outlets/${oid}`, { name: name.toUpperCase() });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.fields).toHaveProperty('name');
    const medium = await req('PATCH', `/api/v1/press/outlets/${oid}`, { medium: 'newspaper' });
    expect(medium.statusCode).toBe(400);
    expect(medium.json().error.fields).toHaveProperty('medium');
    expect((await req('PATCH', '/api/v1/press/outlets/00000000-0000-4000-8000-000000000000', { name: 'x' })).statusCode).toBe(404);
    expect((await req('PATCH', `/api/v1/press/outlets/${oid}`, { name: 'x' }, analyst)).statusCode).toBe(403);
    expect((await req('GET', `/api/v1/press/outlets/${oid}`, undefined, outsider)).statusCode).toBe(403);
    expect((await req('GET', `/api/v1/press/outlets/${oid}`, undefined, analyst)).json().name).toMatch(/^Free/);
  });
});

describe('who may change them', () => {
  it('a role that may change only its own or its agency\'s incidents may not change journalists or outlets, which all incidents share (403)', async () => {
    const pid = await person(`Ilgar ${uniq()}`);
    const oid = await outlet(`Azadliq ${uniq()}`);
    const aff = (await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: oid })).json() as { id: string };
    // A role edited by an administrator: incidents of its own and its agency, not all.
    await t.db.updateTable('roles').set({ permissions: ['incident:read:all', 'incident:create:own', 'incident:update:own', 'incident:update:agency'] }).where('code', '=', 'auditor').execute();
    const scoped = await signIn(t.app, (await makeUser(t.db, { roles: ['auditor'] })).email);
    const refused = await req('PATCH', `/api/v1/press/persons/${pid}`, { name: 'X' }, scoped);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await req('PATCH', `/api/v1/press/outlets/${oid}`, { name: 'X' }, scoped)).statusCode).toBe(403);
    expect((await req('POST', `/api/v1/press/persons/${pid}/affiliations`, { outletId: await outlet(`Other ${uniq()}`) }, scoped)).statusCode).toBe(403);
    expect((await req('PATCH', `/api/v1/press/persons/${pid}/affiliations/${aff.id}`, { role: 'Editor' }, scoped)).statusCode).toBe(403);
    expect((await req('DELETE', `/api/v1/press/persons/${pid}/affiliations/${aff.id}`, undefined, scoped)).statusCode).toBe(403);
    // It still reads them, and nothing changed.
    const seen = await req('GET', `/api/v1/press/persons/${pid}`, undefined, scoped);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().name).toMatch(/^Ilgar/);
    expect(seen.json().affiliations).toHaveLength(1);
    expect(seen.json().affiliations[0].role ?? null).toBeNull();
    expect((await req('GET', `/api/v1/press/outlets/${oid}`, undefined, scoped)).json().name).toMatch(/^Azadliq/);
    // The reviewer (incident:update:all) may.
    expect((await req('PATCH', `/api/v1/press/outlets/${oid}`, { aliases: ['Azadlıq'] }, reviewer)).statusCode).toBe(200);
  });
});
