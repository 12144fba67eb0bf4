import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { openMessage } from '../contacts/repository.ts';

const TOKEN = 'twilio-test-auth-token-0123456789';
const SECRET = 'generic-webhook-secret-0123456789';
const PUBLIC = 'https://hotline.example.org';
let t: TestApp;
let op: Session;
let agency: string;

beforeAll(async () => {
  // The hotline agency's id is known before the app is built: the config names it.
  agency = crypto.randomUUID();
  t = await createTestApp({ twilioAuthToken: TOKEN, webhookSecret: SECRET, publicUrl: PUBLIC, hotlineAgencyId: agency });
  await t.db.insertInto('agencies').values({ id: agency, name: 'Hotline 152', type: 'government' }).execute();
  op = await signIn(t.app, (await makeUser(t.db, { roles: ['operator'], agencyId: agency })).email);
});
afterAll(() => t.close());

/** Twilio's algorithm written out again here, independently of the code under test. */
function twilioSign(url: string, params: Record<string, string>) {
  const data = url + Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('');
  return crypto.createHmac('sha1', TOKEN).update(Buffer.from(data, 'utf-8')).digest('base64');
}
const sid = (prefix: string) => prefix + crypto.randomBytes(16).toString('hex');

function twilio(path: string, params: Record<string, string>, signature?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/telephony/twilio/${path}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? twilioSign(`${PUBLIC}/api/v1/telephony/twilio/${path}`, params) },
    payload: new URLSearchParams(params).toString(),
  });
}

function generic(body: object | string, at = Math.floor(Date.now() / 1000), secret = SECRET) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const v1 = crypto.createHmac('sha256', secret).update(`${at}.${raw}`).digest('hex');
  return t.app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json', 'x-pathway-signature': `t=${at},v1=${v1}` }, payload: raw });
}

const contactsBy = (externalId: string) => t.db.selectFrom('contacts').selectAll().where('externalId', '=', externalId).execute();

describe('Twilio signature', () => {
  it('a known vector from Twilio\'s documentation', async () => {
    // From Twilio's "Webhooks security" page: token 12345, this URL and these parameters.
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const data = url + Object.keys(params).sort().map((k) => `${k}${params[k as keyof typeof params]}`).join('');
    const expected = crypto.createHmac('sha1', '12345').update(data).digest('base64');
    const { twilioSignature } = await import('./signatures.ts');
    expect(twilioSignature('12345', url, params)).toBe(expected);
    expect(expected).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('refuses a wrong, missing or other-URL signature with 403 and stores nothing', async () => {
    const params = { CallSid: sid('CA'), From: '+994501112233', To: '152', CallStatus: 'ringing' };
    expect((await twilio('voice', params, 'AAAA')).statusCode).toBe(403);
    expect((await twilio('voice', params, twilioSign('http://localhost:80/api/v1/telephony/twilio/voice', params))).statusCode).toBe(403);
    expect((await twilio('voice', { ...params, From: '+1' }, twilioSign(`${PUBLIC}/api/v1/telephony/twilio/voice`, params))).statusCode).toBe(403);
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/telephony/twilio/voice', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(params).toString() });
    expect(none.statusCode).toBe(403);
    expect(await contactsBy(params.CallSid)).toEqual([]);
  });
});

describe('Twilio voice and status', () => {
  it('answers a call with the language menu, creates one ringing contact, and a retry creates none', async () => {
    const params = { CallSid: sid('CA'), From: '+994501112233', To: '152', CallStatus: 'ringing' };
    const res = await twilio('voice', params);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Gather numDigits="1"/);
    expect(res.body).toContain('Для русского языка нажмите 2.');
    expect((await twilio('voice', params)).statusCode).toBe(200);
    const rows = await contactsBy(params.CallSid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'call', status: 'ringing', ownerAgencyId: agency, contactorLast3: '233' });
    expect(JSON.stringify(rows[0])).not.toContain('501112233');

    const chose = await twilio('voice', { ...params, Digits: '2' });
    expect(chose.body).toContain('<Say language="ru-RU">');
    expect(chose.body).toContain('<Enqueue>hotline</Enqueue>');
    expect((await contactsBy(params.CallSid))[0]!.language).toBe('ru');
  });

  it('moves the contact through the call: unanswered and hung up is abandoned, answered then ended is wrap-up', async () => {
    const a = { CallSid: sid('CA'), From: '+994501112244', To: '152' };
    await twilio('voice', a);
    expect((await twilio('status', { ...a, CallStatus: 'in-progress' })).statusCode).toBe(200);
    await twilio('status', { ...a, CallStatus: 'completed' });
    expect((await contactsBy(a.CallSid))[0]).toMatchObject({ status: 'abandoned' });
    expect((await contactsBy(a.CallSid))[0]!.endedAt).not.toBeNull();

    const b = { CallSid: sid('CA'), From: '+994501112255', To: '152' };
    await twilio('voice', b);
    const id = (await contactsBy(b.CallSid))[0]!.id;
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${id}/accept`, headers: op.headers })).statusCode).toBe(200);
    await twilio('status', { ...b, CallStatus: 'completed' });
    await twilio('status', { ...b, CallStatus: 'completed' });
    expect((await contactsBy(b.CallSid))[0]).toMatchObject({ status: 'wrap_up' });
    const changes = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'contact.status_changed').where('recordId', '=', id).execute();
    expect(changes.map((c) => c.changes)).toEqual([{ status: { old: 'in_progress', new: 'wrap_up' }, callStatus: 'completed' }]);
  });

  it('names a malformed body after the signature passes', async () => {
    const params = { CallSid: 'not-a-sid', CallStatus: 'exploded' };
    const res = await twilio('status', params);
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['CallSid', 'CallStatus']);
  });
});

describe('Twilio messaging', () => {
  it('a message opens a conversation, the next joins it, a retried MessageSid adds nothing; WhatsApp is its own channel', async () => {
    const from = '+994559876543';
    const m1 = { MessageSid: sid('SM'), From: from, To: '152', Body: 'I need help, they took my passport', NumMedia: '0' };
    const r1 = await twilio('messaging', m1);
    expect(r1.statusCode).toBe(200);
    expect(r1.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    await twilio('messaging', m1);
    await twilio('messaging', { ...m1, MessageSid: sid('SM'), Body: 'I am in Sumqayit' });
    await twilio('messaging', { ...m1, MessageSid: sid('SM'), From: `whatsapp:${from}`, Body: 'on whatsapp now' });
    const rows = await t.db.selectFrom('contacts').selectAll().where('contactorLast3', '=', '543').orderBy('createdAt').execute();
    expect(rows.map((r) => r.channel)).toEqual(['sms', 'whatsapp']);
    const msgs = (await t.db.selectFrom('contactMessages').select(['id', 'bodyEnc']).where('contactId', '=', rows[0]!.id).orderBy('createdAt').execute()).map(openMessage);
    expect(msgs.map((m) => m.body)).toEqual(['I need help, they took my passport', 'I am in Sumqayit']);
    // The same contactor hash across channels: the WhatsApp contact sees the SMS one as a repeat.
    expect(rows[1]!.contactorHash).toEqual(rows[0]!.contactorHash);
    const entries = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', rows[0]!.id).execute();
    expect(entries.map((e) => e.action)).toEqual(['contact.received', 'contact.message_received']);
    expect(JSON.stringify(entries)).not.toMatch(/passport|9876543/);
  });

  it('a closed conversation is not joined: the next message opens a new contact', async () => {
    const from = '+994551230000';
    await twilio('messaging', { MessageSid: sid('SM'), From: from, Body: 'first' });
    const first = (await t.db.selectFrom('contacts').select('id').where('contactorLast3', '=', '000').executeTakeFirstOrThrow()).id;
    await t.db.updateTable('contacts').set({ status: 'completed' }).where('id', '=', first).execute();
    await twilio('messaging', { MessageSid: sid('SM'), From: from, Body: 'again' });
    expect(await t.db.selectFrom('contacts').select('id').where('contactorLast3', '=', '000').execute()).toHaveLength(2);
  });

  it('concurrent retries of one MessageSid create one contact', async () => {
    const m = { MessageSid: sid('SM'), From: '+994551239999', Body: 'race' };
    const results = await Promise.all(Array.from({ length: 8 }, () => twilio('messaging', m)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(await t.db.selectFrom('contacts').select('id').where('contactorLast3', '=', '999').execute()).toHaveLength(1);
    expect(await t.db.selectFrom('contactInboundEvents').select('contactId').where('externalId', '=', m.MessageSid).execute()).toHaveLength(1);
  });
});

describe('generic signed webhook', () => {
  it('accepts a signed event once; the same id again is a duplicate', async () => {
    const ev = { id: `pbx-${crypto.randomUUID()}`, type: 'message', channel: 'web_chat', from: '+994701234000', body: 'hello' };
    const r1 = await generic(ev);
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toMatchObject({ duplicate: false });
    const r2 = await generic(ev);
    expect(r2.json()).toEqual({ contactId: r1.json().contactId, duplicate: true });
    expect(await t.db.selectFrom('contactMessages').select('id').where('contactId', '=', r1.json().contactId).execute()).toHaveLength(1);
  });

  it('refuses a replay older than five minutes, a future timestamp, a wrong secret and a changed body', async () => {
    const ev = { id: `pbx-${crypto.randomUUID()}`, type: 'call', channel: 'call', from: '+994701234111' };
    // Two seconds' margin each side of the five minutes: the server reads its own clock a moment
    // later, perhaps in the next second (301 ahead then was 300 ahead, accepted).
    const now = Math.floor(Date.now() / 1000);
    const old = await generic(ev, now - 302);
    expect(old.statusCode).toBe(403);
    expect(old.json().error.code).toBe('signature_expired');
    expect((await generic(ev, now + 302)).json().error.code).toBe('signature_expired');
    expect((await generic(ev, now, 'another-secret-of-sufficient-length')).json().error.code).toBe('bad_signature');
    const v1 = crypto.createHmac('sha256', SECRET).update(`${now}.${JSON.stringify(ev)}`).digest('hex');
    const tampered = await t.app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json', 'x-pathway-signature': `t=${now},v1=${v1}` }, payload: JSON.stringify({ ...ev, from: '+1000' }) });
    expect(tampered.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(ev) })).statusCode).toBe(403);
    expect((await generic(ev, now - 298)).statusCode).toBe(200);
  });

  it('a signed but malformed body is a 400 naming the field; malformed JSON a 400', async () => {
    const res = await generic({ id: 'x', type: 'fax', channel: 'call', extra: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ type: expect.any(String), extra: 'unknown field' });
    const bad = await generic('{"id": ');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('malformed_json');
  });
});

describe('configuration', () => {
  it('without secrets the webhooks refuse; without a hotline agency they answer 503', async () => {
    const bare = await createTestApp();
    const res = await bare.app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(res.statusCode).toBe(403);
    const tw = await bare.app.inject({ method: 'POST', url: '/api/v1/telephony/twilio/voice', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'CallSid=x' });
    expect(tw.statusCode).toBe(403);
    await bare.close();
    const noAgency = await createTestApp({ webhookSecret: SECRET });
    const raw = JSON.stringify({ id: 'e1', type: 'call', channel: 'call' });
    const at = Math.floor(Date.now() / 1000);
    const v1 = crypto.createHmac('sha256', SECRET).update(`${at}.${raw}`).digest('hex');
    const r = await noAgency.app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json', 'x-pathway-signature': `t=${at},v1=${v1}` }, payload: raw });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('hotline_not_configured');
    await noAgency.close();
  });
});
