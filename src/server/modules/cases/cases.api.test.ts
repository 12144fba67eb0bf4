import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { grantAccess, revokeGrant } from '../../access/grants.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import { CASES } from './policy.ts';

let t: TestApp;
let hotline: string;
let ngo: string;
let other: string;
let op: Session & { id: string };
let worker: Session & { id: string };
let worker2: Session & { id: string };
let outsider: Session & { id: string };
let coordinator: Session & { id: string };
let prosecutor: Session & { id: string };
let analyst: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  hotline = (await makeAgency(t.db, { type: 'government' })).id;
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  other = (await makeAgency(t.db, { type: 'ngo' })).id;
  op = await user(['operator'], hotline);
  worker = await user(['case_worker'], ngo);
  worker2 = await user(['case_worker'], ngo);
  outsider = await user(['case_worker'], other);
  coordinator = await user(['coordinator'], (await makeAgency(t.db, { type: 'coordinator' })).id);
  prosecutor = await user(['prosecutor'], (await makeAgency(t.db, { type: 'government' })).id);
  analyst = await user(['analyst'], other);
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
const call = (s: Session, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function screenedContact() {
  const c = await call(op, 'POST', '/contacts', { channel: 'walk_in' });
  const id = c.json().id as string;
  const form = await call(op, 'PUT', `/contacts/${id}/form`, {
    contactorType: 'victim', contactType: 'trafficking_report', region: 'Ganja', city: 'Ganja', summary: 'Held at a farm near Ganja',
    categories: ['trafficking.forced_labour'],
  });
  expect(form.statusCode).toBe(200);
  const s = await call(op, 'POST', `/contacts/${id}/screenings`, {
    exploitation: 'labour', age: 15,
    indicators: [
      { code: 'D1.NATURE_OF_JOB', source: 'contactor_statement' },
      { code: 'D1.EDUCATION', source: 'contactor_statement' },
      { code: 'D4.EXCESSIVE_HOURS', source: 'operator_observation' },
      { code: 'D4.HAZARDOUS', source: 'third_party' },
    ],
  });
  expect(s.statusCode).toBe(201);
  return { id, screeningId: s.json().id as string };
}

async function newCase(s: Session = worker, body: object = { exploitationForms: ['forced_labour'], region: 'Baku' }) {
  const res = await call(s, 'POST', '/cases', body);
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

const share = async (caseId: string, agencyId: string, sections: string[]) =>
  t.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: caseId, grantee: { agencyId }, sections, kind: 'share', reason: 'test' }));

describe('opening a case', () => {
  it('from a contact: linked, its screening, place, forms and summary carried over, audited on both', async () => {
    const contact = await screenedContact();
    const res = await call(op, 'POST', '/cases', { contactId: contact.id });
    expect(res.statusCode).toBe(201);
    const { id, caseNumber } = res.json();
    expect(caseNumber).toMatch(/^NRM-\d{4}-\d{6}$/);
    const page = await call(op, 'GET', `/cases/${id}`);
    expect(page.statusCode).toBe(200);
    const c = page.json();
    expect(c.summary).toMatchObject({ caseNumber, status: 'active', victimStatus: 'potential', region: 'Ganja', exploitationForms: ['forced_labour'], ownerAgencyId: hotline, ownerUserId: op.id, sourceContactId: contact.id, access: 'own' });
    expect(c.narrative).toBe('Held at a farm near Ganja');
    expect(c.contacts).toEqual([expect.objectContaining({ contactId: contact.id, channel: 'walk_in', linkedBy: op.id })]);
    expect(c.screenings).toHaveLength(1);
    expect(c.screenings[0]).toMatchObject({ fromContactScreeningId: contact.screeningId, list: 'child_labour', proposeReferral: true, screenedBy: op.id });
    const entries = await t.db.selectFrom('auditLog').select(['action', 'recordType', 'recordId']).where('action', 'in', ['case.created', 'contact.case_opened']).where((eb) => eb.or([eb('recordId', '=', id), eb('recordId', '=', contact.id)])).execute();
    expect(entries.map((e) => e.action).sort()).toEqual(['case.created', 'contact.case_opened']);
    // The contact's list can find its case.
    const byContact = await call(op, 'GET', `/cases?contactId=${contact.id}`);
    expect(byContact.json().items.map((x: { id: string }) => x.id)).toEqual([id]);
  });

  it('from a contact: the people the operator recorded become the case\'s victims in the person registry, the name given added', async () => {
    const c = await call(op, 'POST', '/contacts', { channel: 'call' });
    const contactId = c.json().id as string;
    const form = await call(op, 'PUT', `/contacts/${contactId}/form`, {
      contactorType: 'family_member', contactType: 'trafficking_report', region: 'Sumgait', categories: ['trafficking.sexual_exploitation'], summary: 'Her sister was taken abroad',
      persons: [
        { role: 'contactor', sex: 'male', age: 40 },
        { role: 'potential_victim', sex: 'female', age: 23, nationality: 'UZ' },
        { role: 'potential_victim', sex: 'female', age: null, possiblyChild: true },
      ],
    });
    expect(form.statusCode).toBe(200);
    const year = Number((await t.db.selectNoFrom((eb) => eb.fn<string>('to_char', [eb.fn('now'), eb.val('YYYY')]).as('y')).executeTakeFirstOrThrow()).y);
    const res = await call(op, 'POST', '/cases', { contactId, victim: { name: { givenName: 'Nigora', familyName: 'Karimova' } } });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    const page = (await call(op, 'GET', `/cases/${id}`)).json();
    expect(page.summary).toMatchObject({ region: 'Sumgait', exploitationForms: ['sexual_exploitation'] });
    expect(page.narrative).toBe('Her sister was taken abroad');
    // The two potential victims, not the caller; the first with the name given and what the operator recorded.
    expect(page.people).toHaveLength(2);
    const [first, second] = page.people;
    expect(first).toMatchObject({ role: 'victim', ageDisputed: false, person: { sex: 'female', birthYear: year - 23, birthYearEstimated: true, citizenship: 'UZB' } });
    expect(first.person.names).toEqual([expect.objectContaining({ kind: 'primary', givenName: 'Nigora', familyName: 'Karimova', asEntered: 'Nigora Karimova', script: 'latn' })]);
    expect(second).toMatchObject({ role: 'victim', ageDisputed: true, child: true, person: { sex: 'female', birthYear: null, citizenship: null, names: [] } });
    // The same registry and name keys as a person added on the case page: found by the name in Cyrillic.
    const found = await call(worker, 'GET', `/people/search?q=${encodeURIComponent('Нигора Каримова')}`);
    expect(found.statusCode).toBe(200);
    const byName = await call(op, 'GET', `/cases?name=${encodeURIComponent('Нигора Каримова')}`);
    expect(byName.json().items.map((x: { id: string }) => x.id)).toEqual([id]);
    // Audited: the people created and added, never their names.
    const entries = await t.db.selectFrom('auditLog').select(['action', 'changes']).where((eb) => eb.or([eb('recordId', '=', id), eb('recordId', '=', first.personId), eb('recordId', '=', second.personId)])).execute();
    expect(entries.filter((e) => e.action === 'person.created')).toHaveLength(2);
    expect(entries.filter((e) => e.action === 'case.person_added')).toHaveLength(2);
    expect(entries.find((e) => e.action === 'case.created')!.changes).toMatchObject({ victims: 2 });
    expect(JSON.stringify(entries)).not.toContain('Karimova');
  });

  it('opened directly with a victim: the person is recorded as given; a bad victim field is named', async () => {
    const res = await call(worker, 'POST', '/cases', { region: 'Baku', victim: { name: { familyName: 'Əliyeva' }, sex: 'female', birthDate: '2001-04-02', citizenship: 'AZE' } });
    expect(res.statusCode).toBe(201);
    const page = (await call(worker, 'GET', `/cases/${res.json().id}`)).json();
    expect(page.people).toEqual([expect.objectContaining({ role: 'victim', person: expect.objectContaining({ sex: 'female', birthDate: '2001-04-02', birthYear: 2001, birthYearEstimated: false, citizenship: 'AZE' }) })]);
    const bad = await call(worker, 'POST', '/cases', { victim: { sex: 'robot', citizenship: 'AZ' } });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['victim.citizenship', 'victim.sex']);
    expect(await t.db.selectFrom('cases').select('id').where('region', '=', 'nowhere').execute()).toEqual([]);
  });

  it('refuses a contact the user may not work on (404), a role that may not open cases (403) and bad input by field', async () => {
    const contact = await screenedContact();
    expect((await call(outsider, 'POST', '/cases', { contactId: contact.id })).statusCode).toBe(404);
    expect((await call(analyst, 'POST', '/cases', {})).statusCode).toBe(403);
    const bad = await call(worker, 'POST', '/cases', { exploitationForms: ['piracy'], country: 'Azerbaijan', colour: 'red' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['colour', 'country', 'exploitationForms.0']);
  });

  it('links a second contact once (by the hotline supervisor: an operator may only open cases); its screenings come along', async () => {
    const sup = await user(['supervisor'], hotline);
    const first = await screenedContact();
    const id = (await call(op, 'POST', '/cases', { contactId: first.id })).json().id;
    const second = await screenedContact();
    expect((await call(op, 'POST', `/cases/${id}/contacts`, { contactId: second.id })).statusCode).toBe(403);
    const linked = await call(sup, 'POST', `/cases/${id}/contacts`, { contactId: second.id });
    expect(linked.statusCode).toBe(201);
    expect(linked.json()).toHaveLength(2);
    expect((await call(sup, 'POST', `/cases/${id}/contacts`, { contactId: second.id })).statusCode).toBe(409);
    expect((await call(sup, 'GET', `/cases/${id}`)).json().screenings).toHaveLength(2);
  });
});

describe('who finds a case', () => {
  it('another agency without a grant gets 404 everywhere; with a grant, exactly the granted sections; revoked, 404 again', async () => {
    const id = await newCase();
    await call(worker, 'POST', `/cases/${id}/notes`, { body: 'She fears her employer' });
    const number = (await call(worker, 'GET', `/cases/${id}`)).json().caseNumber;
    expect((await call(outsider, 'GET', `/cases/${id}`)).statusCode).toBe(404);
    expect((await call(outsider, 'PATCH', `/cases/${id}`, { region: 'X' })).statusCode).toBe(404);
    expect((await call(outsider, 'POST', `/cases/${id}/notes`, { body: 'x' })).statusCode).toBe(404);
    expect((await call(outsider, 'GET', `/cases?number=${number}`)).json().items).toEqual([]);
    expect((await call(outsider, 'GET', '/cases?limit=200')).json().items.map((x: { id: string }) => x.id)).not.toContain(id);

    const { grantId } = await share(id, other, ['summary']);
    const shared = await call(outsider, 'GET', `/cases/${id}`);
    expect(shared.statusCode).toBe(200);
    expect(shared.json().sections).toEqual(['summary']);
    expect(shared.json()).not.toHaveProperty('notes');
    expect(shared.json()).not.toHaveProperty('narrative');
    expect(shared.json().summary.access).toBe('granted');
    expect((await call(outsider, 'GET', `/cases?number=${number}`)).json().items).toHaveLength(1);
    // A grantee reads; the case itself is changed only by the agency that owns it.
    expect((await call(outsider, 'PATCH', `/cases/${id}`, { region: 'X' })).statusCode).toBe(403);

    await t.db.transaction().execute((tx) => revokeGrant(tx, SYSTEM_ACTOR, grantId));
    expect((await call(outsider, 'GET', `/cases/${id}`)).statusCode).toBe(404);
    expect((await call(outsider, 'GET', `/cases?number=${number}`)).json().items).toEqual([]);
  });

  it('drops the fields a role may not see even in a granted section', async () => {
    const id = await newCase();
    await call(worker, 'POST', `/cases/${id}/events`, { type: 'exploitation', date: '2025-06', country: 'AZ', city: 'Ganja', place: 'Farm on the Kura', description: 'Worked 16 hours a day' });
    await share(id, (await t.db.selectFrom('users').select('agencyId').where('id', '=', prosecutor.id).executeTakeFirstOrThrow()).agencyId, ['events']);
    const seen = (await call(prosecutor, 'GET', `/cases/${id}`)).json();
    expect(seen.events[0]).toMatchObject({ type: 'exploitation', date: '2025-06', country: 'AZ' });
    expect(seen.events[0]).not.toHaveProperty('place');
    expect(seen.events[0]).not.toHaveProperty('city');
    expect(seen.events[0]).toHaveProperty('description');
  });

  it('an operator reads the cases they opened; a colleague of the owning agency reads all of the agency\'s', async () => {
    const contact = await screenedContact();
    const id = (await call(op, 'POST', '/cases', { contactId: contact.id })).json().id;
    const op2 = await user(['operator'], hotline);
    expect((await call(op, 'GET', `/cases/${id}`)).statusCode).toBe(200);
    expect((await call(op2, 'GET', `/cases/${id}`)).statusCode).toBe(404);
    const mine = await newCase(worker);
    expect((await call(worker2, 'GET', `/cases/${mine}`)).statusCode).toBe(200);
  });
});

describe('the case list', () => {
  it('filters and pages with a keyset cursor', async () => {
    const agency = (await makeAgency(t.db)).id;
    const w = await user(['case_worker'], agency);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newCase(w, { exploitationForms: [i % 2 ? 'sexual_exploitation' : 'forced_labour'], region: i < 3 ? 'Baku' : 'Sumgait' }));
    const first = await call(w, 'GET', '/cases?limit=2');
    expect(first.json().items).toHaveLength(2);
    const second = await call(w, 'GET', `/cases?limit=2&cursor=${first.json().nextCursor}`);
    const third = await call(w, 'GET', `/cases?limit=2&cursor=${second.json().nextCursor}`);
    expect(third.json().nextCursor).toBeNull();
    const all = [...first.json().items, ...second.json().items, ...third.json().items].map((x: { id: string }) => x.id);
    expect(all).toEqual([...ids].reverse());
    const sexual = (await call(w, 'GET', '/cases?exploitation=sexual_exploitation')).json().items;
    expect(sexual.map((x: { id: string }) => x.id).sort()).toEqual([ids[1], ids[3]].sort());
    expect((await call(w, 'GET', '/cases?region=Sumgait')).json().items).toHaveLength(2);
    await call(w, 'PATCH', `/cases/${ids[0]}`, { status: 'closed', closureReason: 'Moved abroad' });
    expect((await call(w, 'GET', '/cases?status=closed')).json().items.map((x: { id: string }) => x.id)).toEqual([ids[0]]);
    const bad = await call(w, 'GET', '/cases?status=lost&cursor=zzz');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('status');
  });
});

describe('changing a case', () => {
  it('needs a reason to close, a case worker of the owning agency as owner, and records the diff without free text', async () => {
    const id = await newCase();
    const noReason = await call(worker, 'PATCH', `/cases/${id}`, { status: 'closed' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields).toEqual({ closureReason: 'required when closing' });
    const foreign = await call(worker, 'PATCH', `/cases/${id}`, { ownerUserId: outsider.id });
    expect(foreign.json().error.fields).toEqual({ ownerUserId: 'not a user of the owning agency' });
    const ok = await call(worker, 'PATCH', `/cases/${id}`, { ownerUserId: worker2.id, narrative: 'Secret story', controlMethods: ['debt_bondage', 'withholds_documents'], industry: 'construction' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ownerUserId: worker2.id, controlMethods: ['debt_bondage', 'withholds_documents'], industry: 'construction' });
    const entry = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'case.updated').where('recordId', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(entry.changes)).not.toContain('Secret story');
    expect(entry.changes).toMatchObject({ narrative: { changed: true }, ownerUserId: { old: worker.id, new: worker2.id } });
    const closed = await call(worker, 'PATCH', `/cases/${id}`, { status: 'closed', closureReason: 'Returned home safely' });
    expect(closed.json()).toMatchObject({ status: 'closed' });
    expect(closed.json().closedAt).not.toBeNull();
  });
});

describe('trafficking events, notes, screenings and the timeline', () => {
  it('keeps partial dates as known and refuses impossible or future ones by field', async () => {
    const id = await newCase();
    const year = await call(worker, 'POST', `/cases/${id}/events`, { type: 'recruitment', date: '2024', city: 'Lankaran' });
    expect(year.statusCode).toBe(201);
    expect(year.json().date).toBe('2024');
    const day = await call(worker, 'PATCH', `/cases/${id}/events/${year.json().id}`, { date: '2024-02-29' });
    expect(day.json().date).toBe('2024-02-29');
    const bad = await call(worker, 'POST', `/cases/${id}/events`, { type: 'transit', date: '2023-02-29' });
    expect(bad.json().error.fields).toEqual({ date: 'not a real date' });
    const future = await call(worker, 'POST', `/cases/${id}/events`, { type: 'transit', date: `${new Date().getUTCFullYear() + 1}` });
    expect(future.json().error.fields).toEqual({ date: 'in the future' });
    const shape = await call(worker, 'POST', `/cases/${id}/events`, { type: 'holiday', date: '24-01' });
    expect(Object.keys(shape.json().error.fields).sort()).toEqual(['date', 'type']);
    expect((await call(worker, 'PATCH', `/cases/${id}/events/${crypto.randomUUID()}`, { city: 'x' })).statusCode).toBe(404);
  });

  it('shows every write in the timeline with statuses but no free text, and a case-page read is audited', async () => {
    const id = await newCase();
    await call(worker, 'POST', `/cases/${id}/notes`, { body: 'Private words' });
    await call(worker, 'POST', `/cases/${id}/events`, { type: 'exploitation', date: '2025-01-05' });
    await call(worker, 'POST', `/cases/${id}/screenings`, { exploitation: 'labour', age: 30, indicators: [{ code: 'D4.EXCESSIVE_HOURS', source: 'operator_observation' }] });
    await call(worker, 'PATCH', `/cases/${id}`, { victimStatus: 'presumed' });
    const page = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(page.timeline.map((e: { action: string }) => e.action)).toEqual(['case.created', 'case.note_added', 'case.event_added', 'case.screened', 'case.updated']);
    expect(page.timeline.at(-1).detail).toEqual({ victimStatus: { old: 'potential', new: 'presumed' } });
    expect(JSON.stringify(page.timeline)).not.toContain('Private words');
    expect(page.notes[0]).toMatchObject({ body: 'Private words', createdBy: worker.id });
    const reads = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'case.read').where('recordId', '=', id).execute();
    expect(reads.length).toBeGreaterThan(0);
  });
});

describe('people in a case', () => {
  it('adds a new person and an existing one with roles; names need sensitive:identity; a duplicate is 409', async () => {
    const id = await newCase();
    const victim = await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', ageDisputed: true, person: { name: { givenName: 'Aysel', familyName: 'Hüseynova' }, sex: 'female', birthYear: 1999, citizenship: 'AZE' } });
    expect(victim.statusCode).toBe(201);
    expect(victim.json()).toMatchObject({ role: 'victim', ageDisputed: true, child: true, person: { sex: 'female', citizenship: 'AZE' } });
    expect(victim.json().person.names[0].asEntered).toBe('Aysel Hüseynova');
    const again = await call(worker, 'POST', `/cases/${id}/people`, { role: 'family_member', personId: victim.json().personId });
    expect(again.statusCode).toBe(409);
    const either = await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim' });
    expect(either.json().error.fields).toHaveProperty('personId');
    const guardian = await call(worker, 'PATCH', `/cases/${id}/people/${victim.json().id}`, { unaccompanied: true, guardianName: 'Leyla Məmmədova' });
    expect(guardian.json().error.fields).toEqual({ guardianAppointedOn: 'required with guardianName' });
    const ok = await call(worker, 'PATCH', `/cases/${id}/people/${victim.json().id}`, { unaccompanied: true, guardianName: 'Leyla Məmmədova', guardianAppointedOn: '2026-01-10' });
    expect(ok.json()).toMatchObject({ unaccompanied: true, guardianName: 'Leyla Məmmədova', guardianAppointedOn: '2026-01-10' });

    const coordAgency = (await t.db.selectFrom('users').select('agencyId').where('id', '=', coordinator.id).executeTakeFirstOrThrow()).agencyId;
    await share(id, coordAgency, ['people']);
    const seen = (await call(coordinator, 'GET', `/cases/${id}`)).json();
    expect(seen.people[0].person).not.toHaveProperty('names');
    expect(seen.people[0]).not.toHaveProperty('guardianName');
    expect(seen.people[0]).toMatchObject({ role: 'victim', child: true });
    // Someone else's person cannot be pulled into a case.
    const foreignCase = await newCase(outsider);
    expect((await call(outsider, 'POST', `/cases/${foreignCase}/people`, { role: 'victim', personId: victim.json().personId })).statusCode).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('describes the case routes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { name: string }[] }>> };
    for (const p of ['/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/cases/{id}/events', '/api/v1/cases/{id}/events/{eventId}', '/api/v1/cases/{id}/notes', '/api/v1/cases/{id}/screenings', '/api/v1/cases/{id}/contacts', '/api/v1/cases/{id}/people', '/api/v1/cases/vocabularies'])
      expect(doc.paths, p).toHaveProperty([p]);
    expect(doc.paths['/api/v1/cases']!.get!.parameters!.map((x) => x.name)).toEqual(expect.arrayContaining(['status', 'victimStatus', 'exploitation', 'region', 'cursor', 'limit']));
  });
});
