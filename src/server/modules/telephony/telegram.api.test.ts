import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { openMessage } from '../contacts/repository.ts';

const SECRET = 'telegram-secret_0123456789';
let t: TestApp;
let agency: string;
let nextUpdate = 1000;

beforeAll(async () => {
  agency = crypto.randomUUID();
  t = await createTestApp({ telegramSecret: SECRET, telegramBotToken: '123456:ABC-def', hotlineAgencyId: agency });
  await t.db.insertInto('agencies').values({ id: agency, name: 'Hotline 152', type: 'government' }).execute();
});
afterAll(() => t.close());

const update = (userId: number, text: string, extra: Record<string, unknown> = {}) => ({
  update_id: nextUpdate++,
  message: { message_id: nextUpdate, date: Math.floor(Date.now() / 1000), chat: { id: userId, type: 'private' }, from: { id: userId, is_bot: false, first_name: 'A', language_code: 'ru' }, text, ...extra },
});

const post = (body: unknown, secret: string | null = SECRET, contentType = 'application/json') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/telephony/telegram',
    headers: { 'content-type': contentType, ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

const messagesOf = async (contactId: string) => (await t.db.selectFrom('contactMessages').selectAll().where('contactId', '=', contactId).orderBy('createdAt').execute()).map(openMessage);

describe('Telegram webhook', () => {
  it('refuses a wrong or missing secret token with 403 before reading the body, and stores nothing', async () => {
    const u = update(7001, 'help');
    expect((await post(u, 'wrong-secret')).statusCode).toBe(403);
    expect((await post(u, null)).statusCode).toBe(403);
    expect((await post(u, `${SECRET}x`)).statusCode).toBe(403);
    expect((await post('{not json', 'wrong')).statusCode).toBe(403);
    expect(await t.db.selectFrom('contactInboundEvents').selectAll().where('source', '=', 'telegram').where('externalId', '=', String(u.update_id)).execute()).toEqual([]);
  });

  it('a message opens a Telegram contact, the next joins it, a retried update_id changes nothing', async () => {
    const first = update(7002, 'Меня держат на работе');
    const r1 = await post(first);
    expect(r1.statusCode).toBe(200);
    const { contactId, duplicate } = r1.json() as { contactId: string; duplicate: boolean };
    expect(duplicate).toBe(false);
    const c = await t.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ channel: 'telegram', status: 'new', ownerAgencyId: agency, language: 'ru', contactorLast3: null });
    expect(c.contactorHash).not.toBeNull();
    expect(c.replyAddressEnc).not.toBeNull();
    expect(c.replyAddressEnc!.toString('latin1')).not.toContain('7002');

    const retry = await post(first);
    expect(retry.json()).toMatchObject({ contactId, duplicate: true });
    const second = await post(update(7002, 'И паспорт забрали', { photo: [{ file_id: 'x' }], text: undefined, caption: 'И паспорт забрали' }));
    expect(second.json()).toMatchObject({ contactId, duplicate: false });
    const msgs = await messagesOf(contactId);
    expect(msgs.map((m) => [m.direction, m.body, m.mediaCount])).toEqual([
      ['in', 'Меня держат на работе', 0],
      ['in', 'И паспорт забрали', 1],
    ]);
    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', contactId).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['contact.received', 'contact.message_received']);
    expect(JSON.stringify(audit)).not.toContain('паспорт');
  });

  it('concurrent deliveries of one update create one contact and one message', async () => {
    const u = update(7003, 'same update');
    const results = await Promise.all(Array.from({ length: 6 }, () => post(u)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const ids = new Set(results.map((r) => (r.json() as { contactId: string }).contactId));
    expect(ids.size).toBe(1);
    expect(await messagesOf([...ids][0]!)).toHaveLength(1);
  });

  it('another user is another contact; edits and group messages are acknowledged and ignored', async () => {
    const a = (await post(update(7004, 'one'))).json() as { contactId: string };
    const b = (await post(update(7005, 'two'))).json() as { contactId: string };
    expect(a.contactId).not.toBe(b.contactId);
    const before = await t.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const edit = await post({ update_id: nextUpdate++, edited_message: { message_id: 1, date: 1, chat: { id: 7004, type: 'private' }, text: 'x' } });
    expect(edit.statusCode).toBe(200);
    expect(edit.json()).toEqual({ ok: true, contactId: null, duplicate: false });
    const group = await post({ update_id: nextUpdate++, message: { message_id: 1, date: 1, chat: { id: -100, type: 'group' }, from: { id: 7006 }, text: 'x' } });
    expect(group.json()).toEqual({ ok: true, contactId: null, duplicate: false });
    const after = await t.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('a malformed body is a 400: bad JSON, no update_id, a wrong type', async () => {
    const bad = await post('{"update_id": 1,');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('malformed_json');
    const none = await post({ message: { text: 'x' } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.fields).toHaveProperty('update_id');
    const wrong = await post({ update_id: 'abc' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields).toHaveProperty('update_id');
    const chat = await post({ update_id: nextUpdate++, message: { message_id: 1, date: 1, chat: { type: 'private' }, from: { id: 1 }, text: 'x' } });
    expect(chat.statusCode).toBe(400);
    expect(Object.keys(chat.json().error.fields)).toEqual(['message.chat.id']);
  });

  it('answers 403 when no secret is configured, and 503 without a hotline agency', async () => {
    const bare = await createTestApp({});
    try {
      const r = await bare.app.inject({ method: 'POST', url: '/api/v1/telephony/telegram', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'anything' }, payload: JSON.stringify(update(1, 'x')) });
      expect(r.statusCode).toBe(403);
    } finally {
      await bare.close();
    }
    const noAgency = await createTestApp({ telegramSecret: SECRET });
    try {
      const r = await noAgency.app.inject({ method: 'POST', url: '/api/v1/telephony/telegram', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, payload: JSON.stringify(update(1, 'x')) });
      expect(r.statusCode).toBe(503);
    } finally {
      await noAgency.close();
    }
  });
});
