import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { deriveKeys, fieldAad } from '../../crypto/keys.ts';
import { createTestApp, makeAgency, makeUser, signIn, TEST_SECRET_KEY, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { contactorFingerprint } from './contactor.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let hotline: string;
let op: Session & { id: string };
let op2: Session & { id: string };
let sup: Session & { id: string };
let outsider: Session;
let outsiderAgency: string;
let police: Session;
const keys = deriveKeys(TEST_SECRET_KEY);

async function user(roles: Role[], agencyId?: string) {
  const u = await makeUser(t.db, { roles, ...(agencyId ? { agencyId } : {}) });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  hotline = (await makeAgency(t.db, { type: 'government' })).id;
  await t.db.updateTable('agencies').set({ region: 'Baku' }).where('id', '=', hotline).execute();
  op = await user(['operator'], hotline);
  op2 = await user(['operator'], hotline);
  sup = await user(['supervisor'], hotline);
  outsiderAgency = (await makeAgency(t.db)).id;
  outsider = await user(['operator'], outsiderAgency);
  const pol = await makeAgency(t.db, { type: 'police' });
  await t.db.updateTable('agencies').set({ region: 'Ganja' }).where('id', '=', pol.id).execute();
  police = await user(['investigator'], pol.id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

/** A contact waiting in the hotline's queue, as a channel would make it. */
async function waiting(props: { channel?: string; phone?: string; region?: string; createdAt?: Date; agencyId?: string } = {}) {
  const at = props.createdAt ?? new Date();
  const row = await t.db
    .insertInto('contacts')
    .values({
      channel: props.channel ?? 'call',
      status: 'new',
      ownerAgencyId: props.agencyId ?? hotline,
      ...contactorFingerprint(keys, props.phone ? { kind: 'phone', value: props.phone } : null),
      region: props.region ?? null,
      receivedAt: at,
      createdAt: at,
      updatedAt: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const form = { contactorType: 'victim', contactType: 'trafficking_report', language: 'az', region: 'Ganja', city: 'Ganja', summary: 'Held at a farm', persons: [{ role: 'potential_victim', sex: 'female', age: 15 }], categories: ['trafficking.forced_labour'] };

describe('operator-entered contacts and the list', () => {
  it('enters a walk-in: in progress, assigned to the operator, audited', async () => {
    const res = await call(op, 'POST', '/contacts', { channel: 'walk_in', contactor: { kind: 'phone', value: '+994 50 111 22 33' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ channel: 'walk_in', status: 'in_progress', assignedUserId: op.id, ownerAgencyId: hotline, contactorLast3: '233', repeatContacts: 0 });
    const entry = await t.db.selectFrom('auditLog').selectAll().where('action', '=', 'contact.created').where('recordId', '=', res.json().id).executeTakeFirstOrThrow();
    expect(entry.actorUserId).toBe(op.id);
    expect(JSON.stringify(entry.changes)).not.toContain('111');
  });

  it('refuses a contact received in the future, and unknown fields', async () => {
    const future = await call(op, 'POST', '/contacts', { channel: 'email', receivedAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields).toEqual({ receivedAt: 'in the future' });
    const extra = await call(op, 'POST', '/contacts', { channel: 'email', phone: '123' });
    expect(extra.json().error.fields).toEqual({ phone: 'unknown field' });
  });

  it('lists only what the user may see, with filters and keyset pages', async () => {
    const base = Date.now() - 10 * 86400_000;
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await waiting({ channel: i % 2 ? 'sms' : 'call', region: i < 2 ? 'Sumqayit' : 'Shaki', createdAt: new Date(base + i * 1000) }));
    const foreign = await waiting({ agencyId: outsiderAgency, createdAt: new Date(base + 500) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(op, 'GET', `/contacts?limit=2&to=${encodeURIComponent(new Date(base + 10_000).toISOString())}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items.map((c: { id: string }) => c.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual([...mine].reverse());
    expect(seen).not.toContain(foreign);
    const sms = await call(op, 'GET', `/contacts?channel=sms&region=Shaki&from=${encodeURIComponent(new Date(base).toISOString())}&to=${encodeURIComponent(new Date(base + 10_000).toISOString())}`);
    expect(sms.json().items.map((c: { id: string }) => c.id)).toEqual([mine[3]]);
    const both = await call(op, 'GET', `/contacts?status=new,completed&channel=call,sms&to=${encodeURIComponent(new Date(base + 10_000).toISOString())}`);
    expect(both.json().items).toHaveLength(5);
    const outside = await call(outsider, 'GET', `/contacts?to=${encodeURIComponent(new Date(base + 10_000).toISOString())}`);
    expect(outside.json().items.map((c: { id: string }) => c.id)).toEqual([foreign]);
    expect((await call(police, 'GET', '/contacts')).json().items).toEqual([]);
  });

  it('names bad filters', async () => {
    const res = await call(op, 'GET', '/contacts?status=open,new&channel=fax');
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['channel', 'status']);
    expect((await call(op, 'GET', '/contacts?cursor=garbage')).json().error.fields).toEqual({ cursor: 'invalid cursor' });
  });
});

describe('taking a contact', () => {
  it('accepts a waiting contact once; another operator gets a 409, another agency a 404', async () => {
    const id = await waiting();
    const res = await call(op, 'POST', `/contacts/${id}/accept`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'in_progress', assignedUserId: op.id });
    expect(res.json().answeredAt).not.toBeNull();
    expect((await call(op, 'POST', `/contacts/${id}/accept`)).statusCode).toBe(200);
    expect((await call(op2, 'POST', `/contacts/${id}/accept`)).json().error.code).toBe('already_taken');
    expect((await call(outsider, 'POST', `/contacts/${id}/accept`)).statusCode).toBe(404);
    expect((await call(outsider, 'GET', `/contacts/${id}`)).statusCode).toBe(404);
  });

  it('shows the repeat contactor across channels and spellings of the number, never the number', async () => {
    const first = await waiting({ phone: '+994 50 123 45 67', createdAt: new Date(Date.now() - 86400_000) });
    await call(op, 'POST', `/contacts/${first}/accept`);
    await call(op, 'PUT', `/contacts/${first}/form`, { contactorType: 'family_member', contactType: 'information_request' });
    await call(op, 'POST', `/contacts/${first}/close`, { outcomes: ['information_given'] });
    const second = await waiting({ channel: 'whatsapp', phone: 'whatsapp:+994501234567' });
    const other = await waiting({ phone: '+994 50 765 43 21' });
    const detail = await call(op, 'GET', `/contacts/${second}`);
    expect(detail.json()).toMatchObject({ repeatContacts: 1, contactorLast3: '567' });
    const hist = await call(op, 'GET', `/contacts/${second}/history`);
    expect(hist.json().items).toEqual([expect.objectContaining({ id: first, status: 'completed', outcomes: ['information_given'], contactType: 'information_request' })]);
    expect((await call(op, 'GET', `/contacts/${other}/history`)).json().items).toEqual([]);
    const row = await t.db.selectFrom('contacts').selectAll().where('id', '=', second).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toMatch(/1234567|994501/);
    expect(row.contactorHash).toEqual(keys.contactorHash('phone:+994501234567'));
  });
});

describe('the contact form', () => {
  it('keeps a draft per user, refuses a stale save, and the draft survives a server restart', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    expect((await call(op, 'GET', `/contacts/${id}/draft`)).statusCode).toBe(404);
    const saved = await call(op, 'PUT', `/contacts/${id}/draft`, { data: { summary: 'half', persons: [{ age: 12 }] } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().version).toBe(1);
    const again = await call(op, 'PUT', `/contacts/${id}/draft`, { data: { summary: 'half written' }, baseVersion: 1 });
    expect(again.json().version).toBe(2);
    const stale = await call(op, 'PUT', `/contacts/${id}/draft`, { data: { summary: 'other tab' }, baseVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('draft_conflict');
    expect((await call(op, 'PUT', `/contacts/${id}/draft`, { data: { shoeSize: 4 } })).json().error.fields).toEqual({ 'data.shoeSize': 'unknown field' });

    // A second server on the same database: what the first saved is there.
    const restarted = await buildApp({ config: t.config, db: t.db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY });
    const res = await restarted.inject({ method: 'GET', url: `/api/v1/contacts/${id}/draft`, headers: { cookie: op.cookie } });
    await restarted.close();
    expect(res.json()).toMatchObject({ data: { summary: 'half written' }, version: 2 });
    const entries = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'contact.draft_saved').where('recordId', '=', id).execute();
    expect(entries).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toContain('half');
  });

  it('submits the form: fields stored, draft removed, changes audited; call-back number only with consent, encrypted', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    await call(op, 'PUT', `/contacts/${id}/draft`, { data: { summary: 'x' } });
    const noConsent = await call(op, 'PUT', `/contacts/${id}/form`, { ...form, callbackNumber: '+994 55 999 88 77' });
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.json().error.fields).toEqual({ callbackConsent: 'must be true to keep a call-back number' });
    const res = await call(op, 'PUT', `/contacts/${id}/form`, { ...form, callbackNumber: '+994 55 999 88 77', callbackConsent: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ contactType: 'trafficking_report', region: 'Ganja', hasCallbackNumber: true, persons: [{ role: 'potential_victim', sex: 'female', age: 15, possiblyChild: false, nationality: null }] });
    expect((await call(op, 'GET', `/contacts/${id}/draft`)).statusCode).toBe(404);
    const row = await t.db.selectFrom('contacts').select('callbackNumberEnc').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.callbackNumberEnc!.toString('latin1')).not.toContain('999');
    expect(keys.decrypt(row.callbackNumberEnc!, fieldAad('contacts', 'callback_number', id))).toBe('+994 55 999 88 77');
    // Bound to this contact's id: the same ciphertext on another record does not open.
    expect(() => keys.decrypt(row.callbackNumberEnc!, fieldAad('contacts', 'callback_number', crypto.randomUUID()))).toThrow();
    const entry = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'contact.form_submitted').where('recordId', '=', id).executeTakeFirstOrThrow();
    expect(entry.changes).toMatchObject({ contactType: { old: null, new: 'trafficking_report' }, hasCallbackNumber: { old: false, new: true } });
    expect(JSON.stringify(entry.changes)).not.toContain('999');
  });

  it('names bad form fields', async () => {
    const id = await waiting();
    const res = await call(op, 'PUT', `/contacts/${id}/form`, { contactorType: 'alien', categories: ['trafficking.nope'], persons: [{ role: 'potential_victim', age: 300 }] });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['categories.0', 'contactType', 'contactorType', 'persons.0.age']);
  });

  it('hides tagged fields from a role without the sensitive permissions', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    await call(op, 'PUT', `/contacts/${id}/form`, form);
    await t.db.updateTable('roles').set({ permissions: ['contact:read:agency'] }).where('code', '=', 'press_monitor').execute();
    const reader = await user(['press_monitor'], hotline);
    const res = await call(reader, 'GET', `/contacts/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ contactType: 'trafficking_report', region: 'Ganja' });
    for (const hidden of ['summary', 'persons', 'city', 'messages', 'contactorLast3']) expect(res.json()).not.toHaveProperty(hidden);
    expect((await call(reader, 'POST', `/contacts/${id}/close`, { outcomes: ['no_action'] })).statusCode).toBe(404);
  });
});

describe('screening on a contact', () => {
  it('chooses the child list for a 15-year-old, records who observed what, when and from where', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    const observedAt = new Date(Date.now() - 60_000).toISOString();
    const res = await call(op, 'POST', `/contacts/${id}/screenings`, {
      personIndex: 0,
      exploitation: 'labour',
      age: 15,
      indicators: [
        { code: 'D1.NATURE_OF_JOB', source: 'contactor_statement', observedAt },
        { code: 'D1.EDUCATION', source: 'contactor_statement' },
        { code: 'D4.EXCESSIVE_HOURS', source: 'operator_observation' },
        { code: 'D4.HAZARDOUS', source: 'third_party' },
      ],
    });
    expect(res.statusCode).toBe(201);
    const s = res.json();
    expect(s).toMatchObject({ list: 'child_labour', listReason: 'under_18', proposeReferral: true, result: { presumedVictim: true, catalogueVersion: 'ilo-2009.1', provisional: false } });
    expect(s.indicators[0]).toEqual({ code: 'D1.NATURE_OF_JOB', source: 'contactor_statement', observedAt, observedBy: op.id });
    expect(s.indicators[1].observedBy).toBe(op.id);
    const detail = await call(op, 'GET', `/contacts/${id}`);
    expect(detail.json().screenings).toHaveLength(1);

    const adult = await call(op, 'POST', `/contacts/${id}/screenings`, { exploitation: 'sexual', age: null, possiblyChild: true, indicators: [] });
    expect(adult.json()).toMatchObject({ list: 'child_sexual', listReason: 'presumed_child', result: { provisional: true, presumedVictim: false } });
  });

  it('an unknown code is a 400 naming it and nothing is stored', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    const res = await call(op, 'POST', `/contacts/${id}/screenings`, { exploitation: 'labour', age: 30, indicators: [{ code: 'D8.WHAT', source: 'other' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ indicators: 'unknown indicator codes: D8.WHAT' });
    expect(await t.db.selectFrom('contactScreenings').select('id').where('contactId', '=', id).execute()).toEqual([]);
  });
});

describe('immediate danger', () => {
  it('escalates: urgent, the region\'s police alerted; they acknowledge once and the time is kept', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    await call(op, 'PUT', `/contacts/${id}/form`, form);
    const res = await call(op, 'POST', `/contacts/${id}/escalations`, { reason: 'A child is locked in a basement now' });
    expect(res.statusCode).toBe(201);
    const e = res.json();
    expect(e.alertedAgencyIds).toHaveLength(2);
    expect(e.alertedAgencyIds).toContain(hotline);
    expect(e.acknowledgedAt).toBeNull();
    expect((await call(op, 'GET', `/contacts/${id}`)).json().urgency).toBe('immediate_danger');
    expect((await call(outsider, 'POST', `/contacts/${id}/escalations/${e.id}/acknowledge`)).statusCode).toBe(404);
    const ack = await call(police, 'POST', `/contacts/${id}/escalations/${e.id}/acknowledge`);
    expect(ack.statusCode).toBe(200);
    expect(ack.json().secondsToAcknowledge).toBeGreaterThanOrEqual(0);
    expect((await call(sup, 'POST', `/contacts/${id}/escalations/${e.id}/acknowledge`)).json().error.code).toBe('already_acknowledged');
    const actions = await t.db.selectFrom('auditLog').select('action').where('recordId', '=', id).orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['contact.escalated', 'contact.escalation_acknowledged']));
  });

  it('a reason is required', async () => {
    const id = await waiting();
    expect((await call(op, 'POST', `/contacts/${id}/escalations`, {})).json().error.fields).toEqual({ reason: expect.any(String) });
  });
});

describe('closing and reassigning', () => {
  it('closes only after the form, with outcomes; a closed contact takes no more changes', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    const early = await call(op, 'POST', `/contacts/${id}/close`, { outcomes: ['information_given'] });
    expect(early.json().error.code).toBe('form_incomplete');
    expect((await call(op, 'POST', `/contacts/${id}/close`, { outcomes: [] })).json().error.fields).toEqual({ outcomes: 'at least one outcome' });
    await call(op, 'PUT', `/contacts/${id}/form`, form);
    const res = await call(op, 'POST', `/contacts/${id}/close`, { outcomes: ['referred_to_provider', 'reported_to_police'], outcomeNote: 'Shelter informed' });
    expect(res.json()).toMatchObject({ status: 'completed', outcomes: ['referred_to_provider', 'reported_to_police'] });
    expect(res.json().completedAt).not.toBeNull();
    expect((await call(op, 'PUT', `/contacts/${id}/form`, form)).json().error.code).toBe('contact_closed');
    expect((await call(op, 'PUT', `/contacts/${id}/draft`, { data: {} })).json().error.code).toBe('contact_closed');
  });

  it('a supervisor reassigns to an operator of the agency; an operator may not', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    expect((await call(op, 'POST', `/contacts/${id}/reassign`, { userId: op2.id })).statusCode).toBe(403);
    const res = await call(sup, 'POST', `/contacts/${id}/reassign`, { userId: op2.id });
    expect(res.statusCode).toBe(200);
    expect(res.json().assignedUserId).toBe(op2.id);
    const wrong = await makeUser(t.db, { roles: ['operator'] });
    expect((await call(sup, 'POST', `/contacts/${id}/reassign`, { userId: wrong.id })).json().error.fields).toEqual({ userId: 'not an operator of the owning agency' });
    const entry = await t.db.selectFrom('auditLog').selectAll().where('action', '=', 'contact.reassigned').where('recordId', '=', id).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actorUserId: sup.id, changes: { assignedUserId: { old: op.id, new: op2.id } } });
  });
});

describe('OpenAPI', () => {
  it('describes every hotline route with its schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json().paths as Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>>;
    for (const p of [
      '/api/v1/contacts', '/api/v1/contacts/{id}', '/api/v1/contacts/{id}/history', '/api/v1/contacts/{id}/accept', '/api/v1/contacts/{id}/draft',
      '/api/v1/contacts/{id}/form', '/api/v1/contacts/{id}/screenings', '/api/v1/contacts/{id}/escalations',
      '/api/v1/contacts/{id}/escalations/{escalationId}/acknowledge', '/api/v1/contacts/{id}/close', '/api/v1/contacts/{id}/reassign',
      '/api/v1/contacts/stream', '/api/v1/screenings/evaluate', '/api/v1/screenings/catalogue',
      '/api/v1/telephony/twilio/voice', '/api/v1/telephony/twilio/status', '/api/v1/telephony/twilio/messaging', '/api/v1/telephony/webhook',
    ]) expect(paths, p).toHaveProperty([p]);
    expect(paths['/api/v1/contacts/{id}/form']!.put!.requestBody).toBeDefined();
    expect(paths['/api/v1/contacts']!.get!.parameters!.map((x) => x.name)).toEqual(expect.arrayContaining(['status', 'channel', 'from', 'to', 'region', 'cursor', 'limit']));
  });
});
