import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { ChannelsView } from '../../../shared/schemas/channels.ts';

let t: TestApp;
let admin: Session;
let adminId: string;
let op: Session;
let hotline: { id: string; name: string };

const TWILIO_TOKEN = 'twilio-auth-token-from-the-console-0001';
const BOT_TOKEN = '123456:ABC-def_ghi';

beforeAll(async () => {
  t = await createTestApp();
  hotline = await makeAgency(t.db, { name: 'Hotline 152', type: 'government' });
  const a = await makeUser(t.db, { roles: ['administrator'] });
  adminId = a.id;
  admin = await signIn(t.app, a.email);
  op = await signIn(t.app, (await makeUser(t.db, { roles: ['operator'], agencyId: hotline.id })).email);
});
afterAll(() => t.close());

const get = (s: Session, app = t.app) => app.inject({ method: 'GET', url: '/api/v1/admin/channels', headers: { ...s.headers, host: 'pathway.test:8080' } });
const put = (s: Session, payload: object, app = t.app) => app.inject({ method: 'PUT', url: '/api/v1/admin/channels', headers: s.headers, payload });
const rotate = (s: Session, name: string, app = t.app) => app.inject({ method: 'POST', url: `/api/v1/admin/channels/secrets/${name}`, headers: s.headers });
const audit = (action: string) => t.db.selectFrom('auditLog').selectAll().where('action', '=', action).orderBy('seq').execute();

describe('the Channels settings', () => {
  it('are for administrators only: others 403, no session 401', async () => {
    for (const role of ['operator', 'supervisor', 'coordinator', 'auditor'] as const) {
      const s = await signIn(t.app, (await makeUser(t.db, { roles: [role] })).email);
      expect((await get(s)).statusCode, role).toBe(403);
      expect((await put(s, { agencyId: hotline.id })).statusCode, role).toBe(403);
      expect((await rotate(s, 'telegramSecret')).statusCode, role).toBe(403);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/admin/channels/test-contact', headers: s.headers, payload: { channel: 'sms' } })).statusCode, role).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/channels' })).statusCode).toBe(401);
  });

  it('start empty: nothing configured, URLs from the request with the public-URL warning', async () => {
    const res = await get(admin);
    expect(res.statusCode).toBe(200);
    const v = res.json() as ChannelsView;
    expect(v).toMatchObject({ baseUrl: 'http://pathway.test:8080', publicUrlSet: false, agency: null, settings: { agencyId: { value: null, source: null }, telegramSecret: { set: false, source: null } } });
    expect(v.channels.map((c) => c.key)).toEqual(['call', 'sms', 'whatsapp', 'telegram', 'web_form', 'webhook']);
    expect(v.channels.every((c) => !c.configured && c.missing.includes('agencyId'))).toBe(true);
    expect(v.channels.find((c) => c.key === 'telegram')!.urls).toEqual([{ purpose: 'telegram', url: 'http://pathway.test:8080/api/v1/telephony/telegram' }]);
    expect(v.channels.find((c) => c.key === 'call')!.urls.map((u) => u.url)).toEqual(['http://pathway.test:8080/api/v1/telephony/twilio/voice', 'http://pathway.test:8080/api/v1/telephony/twilio/status']);
  });

  it('refuse bad input with a 400 naming the field, and an unknown agency by name', async () => {
    const bad = await put(admin, { agencyId: 'not-a-uuid', twilioAccountSid: 'XX1', twilioFrom: '12', telegramBotToken: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys((bad.json() as { error: { fields: Record<string, string> } }).error.fields).sort()).toEqual(['agencyId', 'telegramBotToken', 'twilioAccountSid', 'twilioFrom']);
    const unknown = await put(admin, { agencyId: crypto.randomUUID() });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { fields: { agencyId: 'unknown agency' } } });
    const extra = await put(admin, { telegramSecret: 'chosen-by-me' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ error: { fields: { telegramSecret: expect.any(String) } } });
    const unknownField = await put(admin, { hotline: 'x' });
    expect(unknownField.statusCode).toBe(400);
  });

  it('are saved, secrets sealed and never shown back; the audit names the fields and never the secrets', async () => {
    const sid = `AC${'a1'.repeat(16)}`;
    const res = await put(admin, { agencyId: hotline.id, twilioAccountSid: sid, twilioAuthToken: TWILIO_TOKEN, twilioFrom: '+994125550152', telegramBotToken: BOT_TOKEN });
    expect(res.statusCode).toBe(200);
    const v = res.json() as ChannelsView;
    expect(v.agency).toEqual({ id: hotline.id, name: 'Hotline 152' });
    expect(v.settings).toMatchObject({
      agencyId: { value: hotline.id, source: 'database' },
      twilioAccountSid: { value: sid, source: 'database' },
      twilioAuthToken: { set: true, source: 'database' },
      telegramBotToken: { set: true, source: 'database' },
      telegramSecret: { set: false, source: null },
    });
    expect(res.body).not.toContain(TWILIO_TOKEN);
    expect(res.body).not.toContain(BOT_TOKEN);
    const call = v.channels.find((c) => c.key === 'call')!;
    expect(call).toMatchObject({ configured: true, missing: [] });
    expect(v.channels.find((c) => c.key === 'sms')).toMatchObject({ configured: true, canReply: true });
    expect(v.channels.find((c) => c.key === 'telegram')).toMatchObject({ configured: false, missing: ['telegramSecret'], canReply: true });
    expect(v.channels.find((c) => c.key === 'web_form')).toMatchObject({ configured: true });

    const row = await t.db.selectFrom('hotlineSettings').selectAll().executeTakeFirstOrThrow();
    expect(row.twilioAuthTokenEnc!.toString('latin1')).not.toContain(TWILIO_TOKEN);
    expect(row.updatedBy).toBe(adminId);

    const [entry] = await audit('hotline.channels_changed');
    expect(entry!.actorUserId).toBe(adminId);
    const changes = entry!.changes as Record<string, unknown>;
    expect(Object.keys(changes).sort()).toEqual(['agencyId', 'telegramBotToken', 'twilioAccountSid', 'twilioAuthToken', 'twilioFrom']);
    expect(changes.agencyId).toEqual({ old: null, new: hotline.id });
    expect(changes.twilioAuthToken).toEqual({ changed: true });
    const dump = JSON.stringify(await t.db.selectFrom('auditLog').selectAll().execute());
    expect(dump).not.toContain(TWILIO_TOKEN);
    expect(dump).not.toContain(BOT_TOKEN);
  });

  it('generate a secret shown once: the answer holds it, later reads only say it is set; rotating replaces it', async () => {
    const first = await rotate(admin, 'telegramSecret');
    expect(first.statusCode).toBe(201);
    const { secret, channels } = first.json() as { secret: string; channels: ChannelsView };
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(channels.settings.telegramSecret).toEqual({ set: true, source: 'database' });
    expect(channels.channels.find((c) => c.key === 'telegram')).toMatchObject({ configured: true });
    const later = await get(admin);
    expect(later.body).not.toContain(secret);

    // Telegram's webhook now takes this secret, and only it.
    const update = { update_id: 5001, message: { message_id: 1, date: 1, chat: { id: 77, type: 'private' }, from: { id: 77 }, text: 'hello' } };
    const tg = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/telephony/telegram', headers: { 'x-telegram-bot-api-secret-token': token }, payload: update });
    expect((await tg('wrong')).statusCode).toBe(403);
    const ok = await tg(secret);
    expect(ok.statusCode).toBe(200);
    const contactId = (ok.json() as { contactId: string }).contactId;
    expect((await t.db.selectFrom('contacts').select('ownerAgencyId').where('id', '=', contactId).executeTakeFirstOrThrow()).ownerAgencyId).toBe(hotline.id);

    const second = await rotate(admin, 'telegramSecret');
    const newSecret = (second.json() as { secret: string }).secret;
    expect(newSecret).not.toBe(secret);
    expect((await tg(secret)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/telephony/telegram', headers: { 'x-telegram-bot-api-secret-token': newSecret }, payload: { ...update, update_id: 5002 } })).statusCode).toBe(200);

    // The last event is shown on the channel.
    const telegram = ((await get(admin)).json() as ChannelsView).channels.find((c) => c.key === 'telegram')!;
    expect(Date.parse(telegram.lastInboundAt!)).toBeGreaterThan(Date.now() - 60_000);

    const entries = await audit('hotline.channel_secret_rotated');
    expect(entries.map((e) => e.changes)).toEqual([{ telegramSecret: { changed: true }, replaced: false }, { telegramSecret: { changed: true }, replaced: true }]);
    const dump = JSON.stringify(await t.db.selectFrom('auditLog').selectAll().execute());
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(newSecret);
    expect((await rotate(admin, 'twilioAuthToken')).statusCode).toBe(400);
  });

  it('clear a secret with null: the webhook closes again (403)', async () => {
    const { secret } = (await rotate(admin, 'webhookSecret')).json() as { secret: string };
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect((await put(admin, { webhookSecret: null })).json()).toMatchObject({ settings: { webhookSecret: { set: false, source: null } } });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json', 'x-pathway-signature': 't=1,v1=00' }, payload: '{}' });
    expect(res.statusCode).toBe(403);
  });

  it('send a test contact through the intake path: in the hotline agency\'s queue, marked as a test, audited', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/channels/test-contact', headers: admin.headers, payload: { channel: 'sms' } });
    expect(res.statusCode).toBe(201);
    const { contactId, agencyId } = res.json() as { contactId: string; agencyId: string };
    expect(agencyId).toBe(hotline.id);
    const c = await t.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ channel: 'sms', status: 'new', ownerAgencyId: hotline.id, isTest: true, contactorHash: null });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/contacts?status=new', headers: op.headers });
    expect((list.json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(contactId);
    const received = await t.db.selectFrom('auditLog').select(['action', 'actorUserId', 'changes']).where('recordId', '=', contactId).executeTakeFirstOrThrow();
    expect(received).toMatchObject({ action: 'contact.received', actorUserId: adminId, changes: { channel: 'sms', kind: 'message' } });
    // A test contact is not a provider's event: the SMS channel's last event stays empty.
    const sms = ((await get(admin)).json() as ChannelsView).channels.find((ch) => ch.key === 'sms')!;
    expect(sms.lastInboundAt).toBeNull();
    // Nor is it the hotline's work: the manager's dashboard leaves it out (the Telegram contact above counts).
    const sup = await signIn(t.app, (await makeUser(t.db, { roles: ['supervisor'], agencyId: hotline.id })).email);
    const today = new Date().toISOString().slice(0, 10);
    const dash = await t.app.inject({ method: 'GET', url: `/api/v1/hotline/dashboard?from=${today}&to=${today}&tz=UTC`, headers: sup.headers });
    expect(dash.statusCode).toBe(200);
    expect((dash.json() as { totals: { contacts: number } }).totals.contacts).toBe(1);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/admin/channels/test-contact', headers: admin.headers, payload: { channel: 'pigeon' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { fields: { channel: expect.any(String) } } });
  });
});

describe('the public report page with the hotline set in the database', () => {
  it('files a report into the chosen agency, with no environment variable; without an agency it is 503', async () => {
    const fresh = await createTestApp({ publicReportRatePerHour: 10_000 });
    try {
      const body = { description: 'Two men are kept at a farm and not paid.', language: 'en', callbackConsent: false };
      const closed = await fresh.app.inject({ method: 'POST', url: '/api/public/hotline/reports', payload: body });
      expect(closed.statusCode).toBe(503);
      expect(closed.json()).toMatchObject({ error: { code: 'hotline_not_configured' } });
      const agency = await makeAgency(fresh.db, { type: 'government' });
      const a = await signIn(fresh.app, (await makeUser(fresh.db, { roles: ['administrator'] })).email);
      expect((await put(a, { agencyId: agency.id }, fresh.app)).statusCode).toBe(200);
      const open = await fresh.app.inject({ method: 'POST', url: '/api/public/hotline/reports', payload: body });
      expect(open.statusCode).toBe(201);
      const contact = await fresh.db.selectFrom('contacts').select(['ownerAgencyId', 'channel']).where('channel', '=', 'web_form').executeTakeFirstOrThrow();
      expect(contact.ownerAgencyId).toBe(agency.id);
    } finally {
      await fresh.close();
    }
  }, 90_000);
});

describe('environment variables', () => {
  it('win over the database and are read-only on the screen (409 naming the field)', async () => {
    const envAgency = crypto.randomUUID();
    const env = await createTestApp({ hotlineAgencyId: envAgency, telegramSecret: 'from-the-environment', publicUrl: 'https://pathway.example.org/' });
    try {
      await env.db.insertInto('agencies').values({ id: envAgency, name: 'Env hotline', type: 'government' }).execute();
      const other = await makeAgency(env.db);
      await env.db.updateTable('hotlineSettings').set({ agencyId: other.id }).execute();
      const a = await signIn(env.app, (await makeUser(env.db, { roles: ['administrator'] })).email);
      const v = (await get(a, env.app)).json() as ChannelsView;
      expect(v).toMatchObject({
        baseUrl: 'https://pathway.example.org',
        publicUrlSet: true,
        agency: { id: envAgency, name: 'Env hotline' },
        settings: { agencyId: { value: envAgency, source: 'environment' }, telegramSecret: { set: true, source: 'environment' } },
      });
      expect(JSON.stringify(v)).not.toContain('from-the-environment');
      const refused = await put(a, { agencyId: other.id, twilioFrom: '+994125550152' }, env.app);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: { code: 'set_by_environment', fields: { agencyId: 'set by the environment (PATHWAY_HOTLINE_AGENCY_ID)' } } });
      expect((await rotate(a, 'telegramSecret', env.app)).statusCode).toBe(409);
      // The public report goes to the environment's agency, not the database's.
      const r = await env.app.inject({ method: 'POST', url: '/api/public/hotline/reports', payload: { description: 'Two men are kept at a farm and not paid.', language: 'az', callbackConsent: false } });
      expect(r.statusCode).toBe(201);
      expect((await env.db.selectFrom('contacts').select('ownerAgencyId').executeTakeFirstOrThrow()).ownerAgencyId).toBe(envAgency);
      // Nothing was changed, so nothing was audited.
      expect(await env.db.selectFrom('auditLog').select('seq').where('action', 'like', 'hotline.%').execute()).toEqual([]);
    } finally {
      await env.close();
    }
  }, 90_000);
});
