import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { createTestApp, makeUser, signIn, TEST_SECRET_KEY, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { startFakeHttp } from '../../../../test/helpers/fake-http.ts';
import type { ConversationMessage } from '../../../shared/schemas/replies.ts';
import { openMessage } from '../contacts/repository.ts';

const TOKEN = 'twilio-test-auth-token-0123456789';
const ACCOUNT = `AC${'a1'.repeat(16)}`;
const BOT = '123456:ABC-def';
const TG_SECRET = 'tg-secret-0123456789';
const PUBLIC = 'https://hotline.example.org';
const WEBHOOK_SECRET = 'generic-webhook-secret-0123456789';
const FROM = '+994125550000';

let t: TestApp;
let twilioApi: Awaited<ReturnType<typeof startFakeHttp>>;
let telegramApi: Awaited<ReturnType<typeof startFakeHttp>>;
let op: Session;
let agency: string;

beforeAll(async () => {
  twilioApi = await startFakeHttp(() => ({ status: 201, json: { sid: `SM${crypto.randomBytes(16).toString('hex')}`, status: 'queued' } }));
  telegramApi = await startFakeHttp(() => ({ status: 200, json: { ok: true, result: { message_id: 42 } } }));
  agency = crypto.randomUUID();
  t = await createTestApp(
    { twilioAuthToken: TOKEN, twilioAccountSid: ACCOUNT, twilioApiUrl: twilioApi.url, telegramBotToken: BOT, telegramSecret: TG_SECRET, telegramApiUrl: telegramApi.url, publicUrl: PUBLIC, hotlineAgencyId: agency, webhookSecret: WEBHOOK_SECRET, twilioFrom: FROM },
    { delivery: { retryDelaysMs: [30, 30], pollMs: 40 } },
  );
  await t.db.insertInto('agencies').values({ id: agency, name: 'Hotline 152', type: 'government' }).execute();
  op = await signIn(t.app, (await makeUser(t.db, { roles: ['operator'], agencyId: agency })).email);
});
afterAll(async () => {
  await t.close();
  await twilioApi.close();
  await telegramApi.close();
});

function twilioSign(url: string, params: Record<string, string>) {
  const data = url + Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('');
  return crypto.createHmac('sha1', TOKEN).update(Buffer.from(data, 'utf-8')).digest('base64');
}

async function inboundTwilio(from: string, to: string, body: string): Promise<string> {
  const params = { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`, From: from, To: to, Body: body, NumMedia: '0' };
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/telephony/twilio/messaging',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSign(`${PUBLIC}/api/v1/telephony/twilio/messaging`, params) },
    payload: new URLSearchParams(params).toString(),
  });
  expect(res.statusCode).toBe(200);
  const ev = await t.db.selectFrom('contactInboundEvents').select('contactId').where('externalId', '=', params.MessageSid).executeTakeFirstOrThrow();
  return ev.contactId;
}

async function inboundTelegram(userId: number, text: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/telephony/telegram',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
    payload: { update_id: Math.floor(Math.random() * 1e9), message: { message_id: 1, date: 1, chat: { id: userId, type: 'private' }, from: { id: userId }, text } },
  });
  expect(res.statusCode).toBe(200);
  return (res.json() as { contactId: string }).contactId;
}

const reply = (contactId: string, body: unknown, session = op) => t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies`, headers: session.headers, payload: body as object });
const conversation = async (contactId: string) => {
  const r = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/messages`, headers: op.headers });
  expect(r.statusCode).toBe(200);
  return r.json() as { canReply: boolean; channel: string; items: ConversationMessage[] };
};
const messageRow = async (id: string) => openMessage(await t.db.selectFrom('contactMessages').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const settled = async (id: string) => {
  await expect.poll(async () => (await messageRow(id)).delivery, { timeout: 5000, interval: 25 }).not.toBe('pending');
  return messageRow(id);
};

describe('replies on SMS, WhatsApp and Telegram', () => {
  it('an SMS reply is stored pending, then sent through Twilio\'s Messages API from the number written to', async () => {
    const contactId = await inboundTwilio('+994501112233', '+994125550152', 'Help, I cannot leave');
    const before = twilioApi.requests.length;
    const res = await reply(contactId, { body: '  We can help. Are you safe now?  ' });
    expect(res.statusCode).toBe(201);
    const m = res.json() as ConversationMessage;
    expect(m).toMatchObject({ direction: 'out', body: 'We can help. Are you safe now?', delivery: 'pending' });
    // A time-ordered id (migration 0143), as the contact's and the inbound message's.
    expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    expect([contactId, m.id].map((id) => id[14])).toEqual(['7', '7']);
    const row = await settled(m.id);
    expect(row).toMatchObject({ delivery: 'sent', deliveryAttempts: 1, deliveryError: null });
    expect(row.providerMessageId).toMatch(/^SM/);
    const sent = twilioApi.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(sent[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual({ To: '+994501112233', From: '+994125550152', Body: 'We can help. Are you safe now?' });

    const conv = await conversation(contactId);
    expect(conv.canReply).toBe(true);
    expect(conv.items.map((i) => [i.direction, i.body, i.delivery])).toEqual([
      ['in', 'Help, I cannot leave', null],
      ['out', 'We can help. Are you safe now?', 'sent'],
    ]);
    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes', 'via']).where('recordId', '=', contactId).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['contact.received', 'contact.reply_written', 'contact.reply_delivered', 'contact.messages_read']);
    expect(JSON.stringify(audit)).not.toContain('safe now');
  });

  it('a WhatsApp reply goes to the whatsapp: address from the hotline\'s WhatsApp number', async () => {
    const contactId = await inboundTwilio('whatsapp:+994507778899', 'whatsapp:+14155238886', 'Salam');
    const before = twilioApi.requests.length;
    const m = (await reply(contactId, { body: 'Salam, buyurun' })).json() as ConversationMessage;
    expect((await settled(m.id)).delivery).toBe('sent');
    const params = Object.fromEntries(new URLSearchParams(twilioApi.requests[before]!.body));
    expect(params).toEqual({ To: 'whatsapp:+994507778899', From: 'whatsapp:+14155238886', Body: 'Salam, buyurun' });
  });

  it('a Telegram reply goes through the Bot API\'s sendMessage to the chat', async () => {
    const contactId = await inboundTelegram(880011, 'Здравствуйте');
    const before = telegramApi.requests.length;
    const m = (await reply(contactId, { body: 'Здравствуйте, чем помочь?' })).json() as ConversationMessage;
    const row = await settled(m.id);
    expect(row).toMatchObject({ delivery: 'sent', providerMessageId: '42' });
    const r = telegramApi.requests[before]!;
    expect(r.path).toBe(`/bot${BOT}/sendMessage`);
    expect(JSON.parse(r.body)).toEqual({ chat_id: '880011', text: 'Здравствуйте, чем помочь?' });
  });

  it('retries a passing failure and records the attempts', async () => {
    const contactId = await inboundTelegram(880012, 'hello');
    telegramApi.answer({ status: 502, json: { ok: false } }, { status: 429, json: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1' } });
    const m = (await reply(contactId, { body: 'third time lucky' })).json() as ConversationMessage;
    const row = await settled(m.id);
    expect(row).toMatchObject({ delivery: 'sent', deliveryAttempts: 3, deliveryError: null });
  });

  it("keeps none of Telegram's description, only the status and a fixed text", async () => {
    const contactId = await inboundTelegram(880013, 'hello');
    telegramApi.answer({ status: 403, json: { ok: false, error_code: 403, description: 'Forbidden: user Leyla Mammadova +994551230099 is deactivated' } });
    const m = (await reply(contactId, { body: 'are you safe?' })).json() as ConversationMessage;
    expect(await settled(m.id)).toMatchObject({ delivery: 'failed', deliveryAttempts: 1, deliveryError: expect.stringMatching(/^Telegram 403: forbidden/) });
    const kept = JSON.stringify([
      await t.db.selectFrom('contactMessages').selectAll().where('contactId', '=', contactId).execute(),
      await t.db.selectFrom('auditLog').selectAll().where('recordId', '=', contactId).execute(),
    ]);
    expect(kept).not.toMatch(/Leyla|551230099|deactivated/);
  });

  it('sends every delivery attempt to the live queue, so an open conversation need not poll', async () => {
    const contactId = await inboundTelegram(880014, 'hello');
    const listener = new pg.Client({ connectionString: t.url });
    await listener.connect();
    const events: string[] = [];
    listener.on('notification', (n) => {
      const e = JSON.parse(n.payload ?? '{}') as { type?: string; id?: string };
      if (e.type === 'contact' && e.id === contactId) events.push(e.id);
    });
    try {
      await listener.query('LISTEN pathway_live');
      telegramApi.answer({ status: 502, json: { ok: false } }, { status: 502, json: { ok: false } });
      const m = (await reply(contactId, { body: 'third try' })).json() as ConversationMessage;
      expect(await settled(m.id)).toMatchObject({ delivery: 'sent', deliveryAttempts: 3 });
      // The reply written, then each of the three attempts (two passing failures, one delivery).
      await expect.poll(() => events.length, { timeout: 3000, interval: 25 }).toBe(4);
      const audited = await t.db.selectFrom('auditLog').select('action').where('recordId', '=', contactId).where('action', 'like', 'contact.reply_%').execute();
      expect(audited.map((a) => a.action).sort()).toEqual(['contact.reply_delivered', 'contact.reply_written']);
    } finally {
      await listener.end();
    }
  });

  it('gives up after the last attempt with the error, shows it, and a retry sends it', async () => {
    const contactId = await inboundTwilio('+994501110000', '+994125550152', 'hi');
    twilioApi.answer(...Array.from({ length: 3 }, () => ({ status: 500, json: { code: 20500, message: 'Internal Server Error' } })));
    const m = (await reply(contactId, { body: 'are you there?' })).json() as ConversationMessage;
    const row = await settled(m.id);
    expect(row).toMatchObject({ delivery: 'failed', deliveryAttempts: 3, deliveryError: 'Twilio 500 (20500): internal error at Twilio' });
    const shown = (await conversation(contactId)).items.find((i) => i.id === m.id)!;
    expect(shown).toMatchObject({ delivery: 'failed', deliveryAttempts: 3, deliveryError: 'Twilio 500 (20500): internal error at Twilio' });
    const audit = await t.db.selectFrom('auditLog').select('action').where('recordId', '=', contactId).where('action', '=', 'contact.reply_failed').execute();
    expect(audit).toHaveLength(1);

    const retry = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies/${m.id}/retry`, headers: op.headers });
    expect(retry.statusCode).toBe(200);
    expect((await settled(m.id)).delivery).toBe('sent');
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies/${m.id}/retry`, headers: op.headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('not_failed');
  });

  it('a refusal by the provider (a 4xx) fails at once without more attempts', async () => {
    const contactId = await inboundTwilio('+994501110001', '+994125550152', 'hi');
    const before = twilioApi.requests.length;
    // Twilio's real wording quotes the number; none of it may be kept.
    twilioApi.answer({ status: 400, json: { code: 21211, message: "The 'To' number +994501110001 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } });
    const m = (await reply(contactId, { body: 'hello' })).json() as ConversationMessage;
    expect(await settled(m.id)).toMatchObject({ delivery: 'failed', deliveryAttempts: 1, deliveryError: 'Twilio 400 (21211): the recipient number is not valid' });
    expect(twilioApi.requests.length - before).toBe(1);
    const messages = await t.db.selectFrom('contactMessages').selectAll().where('contactId', '=', contactId).execute();
    expect(JSON.stringify(messages)).not.toContain('501110001');
    const audit = await t.db.selectFrom('auditLog').selectAll().where('recordId', '=', contactId).execute();
    expect(audit.some((a) => a.action === 'contact.reply_failed')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('501110001');
  });
});

describe('other senders', () => {
  it('an SMS from the signed webhook is answered from PATHWAY_TWILIO_FROM', async () => {
    const raw = JSON.stringify({ id: `ev-${crypto.randomUUID()}`, type: 'message', channel: 'sms', from: '+994551234567', body: 'hello' });
    const at = Math.floor(Date.now() / 1000);
    const v1 = crypto.createHmac('sha256', WEBHOOK_SECRET).update(`${at}.${raw}`).digest('hex');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json', 'x-pathway-signature': `t=${at},v1=${v1}` }, payload: raw });
    const { contactId } = res.json() as { contactId: string };
    const before = twilioApi.requests.length;
    const m = (await reply(contactId, { body: 'we read you' })).json() as ConversationMessage;
    expect((await settled(m.id)).delivery).toBe('sent');
    expect(Object.fromEntries(new URLSearchParams(twilioApi.requests[before]!.body))).toEqual({ To: '+994551234567', From: FROM, Body: 'we read you' });
  });

  it('without a Twilio account the reply fails at once, saying why, and is kept', async () => {
    const other = await createTestApp({ twilioAuthToken: TOKEN, publicUrl: PUBLIC, hotlineAgencyId: agency }, { delivery: { retryDelaysMs: [30], pollMs: 40 } });
    try {
      await other.db.insertInto('agencies').values({ id: agency, name: 'Hotline 152', type: 'government' }).execute();
      const s = await signIn(other.app, (await makeUser(other.db, { roles: ['operator'], agencyId: agency })).email);
      const params = { MessageSid: `SM${crypto.randomBytes(16).toString('hex')}`, From: '+994501119999', To: '+994125550152', Body: 'hi', NumMedia: '0' };
      await other.app.inject({ method: 'POST', url: '/api/v1/telephony/twilio/messaging', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSign(`${PUBLIC}/api/v1/telephony/twilio/messaging`, params) }, payload: new URLSearchParams(params).toString() });
      const { contactId } = await other.db.selectFrom('contactInboundEvents').select('contactId').where('externalId', '=', params.MessageSid).executeTakeFirstOrThrow();
      const r = await other.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies`, headers: s.headers, payload: { body: 'hello' } });
      expect(r.statusCode).toBe(201);
      const id = (r.json() as ConversationMessage).id;
      await expect.poll(async () => (await other.db.selectFrom('contactMessages').select('delivery').where('id', '=', id).executeTakeFirstOrThrow()).delivery, { timeout: 5000, interval: 25 }).toBe('failed');
      const row = openMessage(await other.db.selectFrom('contactMessages').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
      expect(row).toMatchObject({ body: 'hello', deliveryAttempts: 1, deliveryError: 'Twilio is not configured (Administration -> Channels, or PATHWAY_TWILIO_ACCOUNT_SID and PATHWAY_TWILIO_AUTH_TOKEN)' });
    } finally {
      await other.close();
    }
  });
});

describe('several processes', () => {
  it('two Pathway processes on one database send each reply exactly once', async () => {
    const other = await buildApp({ config: t.config, db: t.db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY, delivery: { retryDelaysMs: [30, 30], pollMs: 10 } });
    await other.ready();
    try {
      const contactId = await inboundTelegram(880099, 'many');
      const before = telegramApi.requests.length;
      const bodies = Array.from({ length: 12 }, (_, i) => `reply number ${i}`);
      const written = await Promise.all(bodies.map((body, i) => (i % 2 ? other : t.app).inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies`, headers: op.headers, payload: { body } })));
      expect(written.every((r) => r.statusCode === 201)).toBe(true);
      for (const r of written) expect((await settled((r.json() as ConversationMessage).id)).delivery).toBe('sent');
      const sent = telegramApi.requests.slice(before).map((r) => (JSON.parse(r.body) as { text: string }).text);
      expect(sent.sort()).toEqual([...bodies].sort());
    } finally {
      await other.close();
    }
  });
});

describe('refusals', () => {
  it('calls and walk-ins cannot be answered in writing (409)', async () => {
    const walkIn = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: op.headers, payload: { channel: 'walk_in' } });
    const id = (walkIn.json() as { id: string }).id;
    const r = await reply(id, { body: 'hello' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('channel_cannot_reply');
    expect((await conversation(id)).canReply).toBe(false);

    const callSid = `CA${crypto.randomBytes(16).toString('hex')}`;
    const params = { CallSid: callSid, From: '+994501112299', To: '152', CallStatus: 'ringing' };
    await t.app.inject({ method: 'POST', url: '/api/v1/telephony/twilio/voice', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSign(`${PUBLIC}/api/v1/telephony/twilio/voice`, params) }, payload: new URLSearchParams(params).toString() });
    const call = await t.db.selectFrom('contacts').select('id').where('externalId', '=', callSid).executeTakeFirstOrThrow();
    const rc = await reply(call.id, { body: 'hello' });
    expect(rc.statusCode).toBe(409);
    expect(rc.json().error.code).toBe('channel_cannot_reply');
    expect(await t.db.selectFrom('contactMessages').select('id').where('contactId', 'in', [id, call.id]).execute()).toEqual([]);
  });

  it('an SMS or web-form contact entered by hand has no address to answer (409)', async () => {
    for (const channel of ['sms', 'web_form']) {
      const c = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: op.headers, payload: { channel, contactor: { kind: 'phone', value: '+994501234567' } } });
      const id = (c.json() as { id: string }).id;
      const r = await reply(id, { body: 'hello' });
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('no_reply_address');
      expect((await conversation(id)).canReply).toBe(false);
    }
  });

  it('bad bodies are 400s naming the field; other agencies and roles without contacts get 404', async () => {
    const contactId = await inboundTwilio('+994501110002', '+994125550152', 'hi');
    for (const body of [{}, { body: '   ' }, { body: 'x', extra: 1 }, { body: 5 }]) {
      const r = await reply(contactId, body);
      expect(r.statusCode).toBe(400);
      expect(Object.keys(r.json().error.fields)[0]).toMatch(/^(body|extra)$/);
    }
    const long = await reply(contactId, { body: 'x'.repeat(1601) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.fields).toEqual({ body: 'at most 1600 characters on sms' });

    const stranger = await signIn(t.app, (await makeUser(t.db, { roles: ['operator'] })).email);
    expect((await reply(contactId, { body: 'hello' }, stranger)).statusCode).toBe(404);
    const caseWorker = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'], agencyId: agency })).email);
    expect((await reply(contactId, { body: 'hello' }, caseWorker)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/messages`, headers: stranger.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies`, payload: { body: 'x' } })).statusCode).toBe(401);
    expect(await t.db.selectFrom('contactMessages').select('id').where('contactId', '=', contactId).where('direction', '=', 'out').execute()).toEqual([]);
  });

  it('a role that may work contacts but not read their messages (no sensitive:narrative) may not write or retry a reply either (403)', async () => {
    const contactId = await inboundTwilio('+994501110003', '+994125550152', 'hi');
    const failed = (await reply(contactId, { body: 'first' })).json() as ConversationMessage;
    await settled(failed.id);
    await t.db.updateTable('contactMessages').set({ delivery: 'failed', nextAttemptAt: null }).where('id', '=', failed.id).execute();
    // A role edited by an administrator: contacts of the agency, without the narrative.
    await t.db.updateTable('roles').set({ permissions: ['contact:read:agency', 'contact:update:agency'] }).where('code', '=', 'analyst').execute();
    const limited = await signIn(t.app, (await makeUser(t.db, { roles: ['analyst'], agencyId: agency })).email);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/messages`, headers: limited.headers })).statusCode).toBe(403);
    const r = await reply(contactId, { body: 'hello' }, limited);
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('forbidden');
    const retry = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies/${failed.id}/retry`, headers: limited.headers });
    expect(retry.statusCode).toBe(403);
    const out = await t.db.selectFrom('contactMessages').select(['id', 'delivery']).where('contactId', '=', contactId).where('direction', '=', 'out').execute();
    expect(out).toEqual([{ id: failed.id, delivery: 'failed' }]);
  });
});
