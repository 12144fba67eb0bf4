import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { followUpCodeHash } from './codes.ts';
import { openMessage } from '../contacts/repository.ts';
import { openField } from '../../crypto/record-keys.ts';

let t: TestApp;
let op: Session;
let opId: string;
let agency: string;

beforeAll(async () => {
  agency = crypto.randomUUID();
  t = await createTestApp({ hotlineAgencyId: agency, publicReportRatePerHour: 10_000, followUpRatePerMinute: 10_000 });
  await t.db.insertInto('agencies').values({ id: agency, name: 'Hotline 152', type: 'government' }).execute();
  const operator = await makeUser(t.db, { roles: ['operator'], agencyId: agency });
  opId = operator.id;
  op = await signIn(t.app, operator.email);
});
afterAll(() => t.close());

const report = (body: object, app = t) => app.app.inject({ method: 'POST', url: '/api/public/hotline/reports', payload: body });
const followUp = (code: string, app = t) => app.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up', payload: { code } });
const add = (code: string, body: string, extra: object = {}) => t.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up/messages', payload: { code, body, ...extra } });
const contactOfCode = async (code: string) =>
  (await t.db.selectFrom('contactFollowUpCodes').select('contactId').where('codeHash', '=', followUpCodeHash(code)).executeTakeFirstOrThrow()).contactId;
const count = async (table: 'contacts' | 'contactMessages' | 'contactFollowUpCodes') => Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const DESCRIPTION = 'Three women are kept in a flat on Nizami street and their passports were taken.';

describe('filing a report', () => {
  it('anonymously: a new web_form contact in the queue, a code shown once and stored only as a hash, a live event', async () => {
    const listener = new pg.Client({ connectionString: t.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN pathway_live');
    try {
      const res = await report({ description: DESCRIPTION, location: 'Baku', language: 'ru' });
      expect(res.statusCode).toBe(201);
      const { code, receivedAt } = res.json() as { code: string; receivedAt: string };
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
      expect(Date.parse(receivedAt)).toBeGreaterThan(Date.now() - 60_000);
      const contactId = await contactOfCode(code);
      const c = await t.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
      // The place given is the contact's city, sealed to the contact (docs/nrm.md, "Identity at rest").
      expect(c).toMatchObject({ channel: 'web_form', status: 'new', ownerAgencyId: agency, language: 'ru', city: null, contactorHash: null, callbackNumberEnc: null });
      expect(openField('contacts', 'city', contactId, c.cityEnc)).toBe('Baku');
      // Nothing in the database holds the code itself.
      const dump = JSON.stringify(await t.db.selectFrom('contactFollowUpCodes').selectAll().execute()) + JSON.stringify(await t.db.selectFrom('auditLog').selectAll().execute());
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replaceAll('-', ''));
      await expect.poll(() => heard.some((h) => h.includes(contactId) && h.includes('web_form')), { timeout: 3000 }).toBe(true);

      // Operators see it in their list like any contact, with the report as its message.
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/contacts?channel=web_form', headers: op.headers });
      expect((list.json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(contactId);
      const conv = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/messages`, headers: op.headers });
      expect(conv.json()).toMatchObject({ canReply: true, items: [{ direction: 'in', body: `${DESCRIPTION}\n\nWhere: Baku` }] });
      const audit = await t.db.selectFrom('auditLog').select(['action', 'via', 'ip']).where('recordId', '=', contactId).orderBy('seq').execute();
      // Anonymous means anonymous: the audit log does not keep the reporter's address.
      expect(audit[0]).toEqual({ action: 'contact.received', via: 'public', ip: null });
    } finally {
      await listener.end();
    }
  });

  it('with contact details and consent: the number is kept encrypted for a call-back, its hash matches repeat contactors', async () => {
    const res = await report({ description: DESCRIPTION, name: 'Aygun', phone: '+994 50 111 22 33', email: 'aygun@example.org', callbackConsent: true, language: 'az' });
    expect(res.statusCode).toBe(201);
    const contactId = await contactOfCode((res.json() as { code: string }).code);
    const c = await t.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(c.contactorLast3).toBe('233');
    expect(c.callbackNumberEnc).not.toBeNull();
    expect(c.callbackNumberEnc!.toString('latin1')).not.toContain('111');
    const m = openMessage(await t.db.selectFrom('contactMessages').select(['id', 'bodyEnc']).where('contactId', '=', contactId).executeTakeFirstOrThrow());
    expect(m.body).toContain('Name: Aygun');
    expect(m.body).toContain('E-mail: aygun@example.org');
    expect(m.body).not.toContain('111 22 33');
    // A second report from the same person is a contact of its own, not joined to the first.
    const again = await report({ description: `${DESCRIPTION} Again.`, phone: '+994501112233' });
    const second = await contactOfCode((again.json() as { code: string }).code);
    expect(second).not.toBe(contactId);
    const view = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${second}`, headers: op.headers });
    expect(view.json()).toMatchObject({ repeatContacts: 1, hasCallbackNumber: false });
  });

  it('bad input is a 400 naming each field, and stores nothing', async () => {
    const before = await count('contacts');
    const cases: [object, string][] = [
      [{}, 'description'],
      [{ description: 'short' }, 'description'],
      [{ description: DESCRIPTION, phone: 'call me' }, 'phone'],
      [{ description: DESCRIPTION, email: 'not-an-email' }, 'email'],
      [{ description: DESCRIPTION, callbackConsent: true }, 'phone'],
      [{ description: DESCRIPTION, language: 'de' }, 'language'],
      [{ description: DESCRIPTION, location: 'x'.repeat(101) }, 'location'],
      [{ description: DESCRIPTION, admin: true }, 'admin'],
      [{ description: 'x'.repeat(10_001) }, 'description'],
    ];
    for (const [body, field] of cases) {
      const r = await report(body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
      expect(Object.keys(r.json().error.fields)).toContain(field);
    }
    const notJson = await t.app.inject({ method: 'POST', url: '/api/public/hotline/reports', headers: { 'content-type': 'application/json' }, payload: '{"description":' });
    expect(notJson.statusCode).toBe(400);
    expect(await count('contacts')).toBe(before);
  });

  it('a filled honeypot gets an answer that looks like success, and nothing is stored', async () => {
    const before = [await count('contacts'), await count('contactMessages'), await count('contactFollowUpCodes')];
    const res = await report({ description: DESCRIPTION, website: 'http://spam.example' });
    expect(res.statusCode).toBe(201);
    const { code } = res.json() as { code: string };
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    // Even with otherwise bad input: the bot learns nothing from the answer.
    expect((await report({ description: 'x', website: 'y' })).statusCode).toBe(201);
    expect([await count('contacts'), await count('contactMessages'), await count('contactFollowUpCodes')]).toEqual(before);
    expect((await followUp(code)).statusCode).toBe(404);
    // An empty honeypot (what a person's browser sends) is no bot.
    expect((await report({ description: DESCRIPTION, website: '' })).statusCode).toBe(201);
    expect(await count('contacts')).toBe(before[0]! + 1);
  });
});

describe('following up with the code', () => {
  it('reads the hotline\'s reply, adds information to the same contact, and a closed contact goes back to the queue', async () => {
    const { code } = (await report({ description: DESCRIPTION })).json() as { code: string };
    const contactId = await contactOfCode(code);
    const first = await followUp(code);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ messages: [{ direction: 'in', body: DESCRIPTION }] });

    const r = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/replies`, headers: op.headers, payload: { body: 'Thank you. Can you tell us the house number?' } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ delivery: 'sent' });
    // Typed by hand: lower case, spaces for dashes, O for 0 and I for 1.
    const typed = code.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'i');
    const second = await followUp(typed);
    expect(second.statusCode).toBe(200);
    expect((second.json() as { messages: { direction: string; body: string }[] }).messages.map((m) => [m.direction, m.body])).toEqual([
      ['in', DESCRIPTION],
      ['out', 'Thank you. Can you tell us the house number?'],
    ]);

    const added = await add(code, 'It is number 12, second floor.');
    expect(added.statusCode).toBe(201);
    expect((await t.db.selectFrom('contactMessages').select(['id', 'bodyEnc']).where('contactId', '=', contactId).orderBy('createdAt').execute()).map((m) => openMessage(m).body)).toEqual([
      DESCRIPTION,
      'Thank you. Can you tell us the house number?',
      'It is number 12, second floor.',
    ]);

    // Closed by the operator, then the reporter writes again: back in the queue, on the same contact.
    await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/accept`, headers: op.headers });
    await t.app.inject({ method: 'PUT', url: `/api/v1/contacts/${contactId}/form`, headers: op.headers, payload: { contactorType: 'witness', contactType: 'trafficking_report' } });
    const closed = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/close`, headers: op.headers, payload: { outcomes: ['reported_to_police'] } });
    expect(closed.json()).toMatchObject({ status: 'completed' });
    expect((await add(code, 'They were moved today.')).statusCode).toBe(201);
    const c = await t.db.selectFrom('contacts').select('status').where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(c.status).toBe('new');
    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', contactId).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit.action).toBe('contact.message_received');
    expect(JSON.stringify(audit.changes)).toContain('"completed"');
  });

  it('a reopened contact starts a new round: the earlier one\'s assignment, times and outcomes go to the audit log', async () => {
    const { code, receivedAt: filedAt } = (await report({ description: DESCRIPTION })).json() as { code: string; receivedAt: string };
    const contactId = await contactOfCode(code);
    const round = () =>
      t.db.selectFrom('contacts').select(['status', 'assignedUserId', 'receivedAt', 'answeredAt', 'endedAt', 'completedAt', 'outcomes', 'outcomeNoteEnc', 'createdAt', 'contactType']).where('id', '=', contactId).executeTakeFirstOrThrow();
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/accept`, headers: op.headers })).statusCode).toBe(200);
    await t.app.inject({ method: 'PUT', url: `/api/v1/contacts/${contactId}/form`, headers: op.headers, payload: { contactorType: 'witness', contactType: 'trafficking_report' } });
    const closed = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/close`, headers: op.headers, payload: { outcomes: ['reported_to_police'], outcomeNote: 'Police informed' } });
    expect(closed.json()).toMatchObject({ status: 'completed' });
    // The first round ended a while ago (back-dated, so that a stale time would show in the numbers).
    const hourAgo = new Date(Date.now() - 3600_000);
    await t.db.updateTable('contacts').set({ receivedAt: hourAgo, answeredAt: hourAgo, endedAt: hourAgo, completedAt: hourAgo }).where('id', '=', contactId).execute();
    const first = await round();
    expect(openField('contacts', 'outcome_note', contactId, first.outcomeNoteEnc)).toBe('Police informed');

    const before = Date.now();
    expect((await add(code, 'They were moved today.')).statusCode).toBe(201);
    const now = await round();
    expect(now).toMatchObject({ status: 'new', assignedUserId: null, answeredAt: null, endedAt: null, completedAt: null, outcomes: [], outcomeNoteEnc: null, contactType: 'trafficking_report', createdAt: first.createdAt });
    expect(now.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const reopened = await t.db.selectFrom('auditLog').select(['changes', 'via']).where('recordId', '=', contactId).where('action', '=', 'contact.reopened').executeTakeFirstOrThrow();
    expect(reopened.via).toBe('public');
    expect(reopened.changes).toEqual({
      status: { old: 'completed', new: 'new' },
      receivedAt: { old: hourAgo.toISOString(), new: now.receivedAt.toISOString() },
      assignedUserId: { old: opId, new: null },
      answeredAt: { old: hourAgo.toISOString(), new: null },
      endedAt: { old: hourAgo.toISOString(), new: null },
      completedAt: { old: hourAgo.toISOString(), new: null },
      outcomes: { old: ['reported_to_police'], new: [] },
      outcomeNote: { changed: true },
    });

    // The supervisor sees it waiting since the addition, not answered, not an hour old.
    const supervisor = await signIn(t.app, (await makeUser(t.db, { roles: ['supervisor'], agencyId: agency })).email);
    const overview = (await t.app.inject({ method: 'GET', url: '/api/v1/supervisor/overview', headers: supervisor.headers })).json() as { waiting: { id: string; answeredAt: string | null; assignedUserId: string | null; waitSeconds: number }[] };
    const waiting = overview.waiting.find((w) => w.id === contactId);
    expect(waiting).toMatchObject({ answeredAt: null, assignedUserId: null });
    expect(waiting!.waitSeconds).toBeLessThan(60);

    // The reporter still sees when the report was filed.
    expect((await followUp(code)).json()).toMatchObject({ receivedAt: filedAt });

    // The new round is worked like any contact: answered now, and closed with its own outcome.
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/accept`, headers: op.headers })).statusCode).toBe(200);
    const second = await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/close`, headers: op.headers, payload: { outcomes: ['information_given'] } });
    expect(second.json()).toMatchObject({ status: 'completed' });
    const done = await round();
    expect(done.outcomes).toEqual(['information_given']);
    expect(done.outcomeNoteEnc).toBeNull();
    expect(done.answeredAt!.getTime()).toBeGreaterThanOrEqual(now.receivedAt.getTime());
    expect(done.endedAt!.getTime()).toBeGreaterThanOrEqual(done.answeredAt!.getTime());
  });

  it('an addition joins its report even after PATHWAY_HOTLINE_AGENCY_ID changed: it stays with the agency that owns the contact', async () => {
    const { code } = (await report({ description: DESCRIPTION })).json() as { code: string };
    const contactId = await contactOfCode(code);
    // Filed when another agency was the hotline (the configured one is `agency` now).
    const earlier = crypto.randomUUID();
    await t.db.insertInto('agencies').values({ id: earlier, name: 'Hotline 152 (before)', type: 'government' }).execute();
    await t.db.updateTable('contacts').set({ ownerAgencyId: earlier }).where('id', '=', contactId).execute();
    const before = await count('contacts');
    const added = await add(code, 'One more thing.');
    expect(added.statusCode).toBe(201);
    expect(await count('contacts')).toBe(before);
    const c = await t.db.selectFrom('contacts').select('ownerAgencyId').where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(c.ownerAgencyId).toBe(earlier);
    expect((await followUp(code)).json()).toMatchObject({ messages: [{ body: DESCRIPTION }, { body: 'One more thing.' }] });
  });

  it('a wrong, malformed or honeypot code is a generic 404; bad bodies are 400s', async () => {
    for (const code of ['AAAA-BBBB-CCCC-DDDD-EEEE', 'nonsense', '0000-0000-0000-0000-0000']) {
      const r = await followUp(code);
      expect(r.statusCode).toBe(404);
      expect(r.json().error).toMatchObject({ code: 'not_found', message: 'Report not found' });
      const a = await add(code, 'more');
      expect(a.statusCode).toBe(404);
      expect(a.json().error).toMatchObject({ code: 'not_found', message: 'Report not found' });
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up', payload: {} })).json().error.fields).toHaveProperty('code');
    expect((await t.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up', payload: { code: 'x'.repeat(65) } })).statusCode).toBe(400);
    const { code } = (await report({ description: DESCRIPTION })).json() as { code: string };
    const empty = await add(code, '   ');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.fields).toHaveProperty('body');
    // An addition with the honeypot filled looks accepted and is not stored.
    const before = await count('contactMessages');
    expect((await add(code, 'spam', { website: 'x' })).statusCode).toBe(201);
    expect(await count('contactMessages')).toBe(before);
  });

  it('answers 503 when no hotline agency is configured', async () => {
    const bare = await createTestApp({});
    try {
      expect((await report({ description: DESCRIPTION }, bare)).statusCode).toBe(503);
    } finally {
      await bare.close();
    }
  });
});

describe('OpenAPI', () => {
  it('describes the public routes without security, with their request schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    const post = doc.paths['/api/public/hotline/reports']!.post!;
    expect(post.security).toEqual([]);
    expect(Object.keys(post.requestBody!.content['application/json']!.schema.properties!)).toEqual(expect.arrayContaining(['description', 'phone', 'callbackConsent', 'website']));
    expect(doc.paths['/api/public/hotline/follow-up']!.post).toBeDefined();
    expect(doc.paths['/api/public/hotline/follow-up/messages']!.post).toBeDefined();
    expect(doc.paths['/api/v1/contacts/{id}/replies']!.post).toBeDefined();
    expect(doc.paths['/api/v1/telephony/telegram']!.post!.security).toEqual([]);
  });
});

describe('rate limits', () => {
  it('reports and code look-ups, right or wrong, are limited per address', async () => {
    const limited = await createTestApp({ hotlineAgencyId: agency, publicReportRatePerHour: 2, followUpRatePerMinute: 3 });
    try {
      await limited.db.insertInto('agencies').values({ id: agency, name: 'Hotline 152', type: 'government' }).execute();
      const a = await report({ description: DESCRIPTION }, limited);
      expect(a.statusCode).toBe(201);
      expect((await report({ description: 'bad' }, limited)).statusCode).toBe(400);
      const third = await report({ description: DESCRIPTION }, limited);
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('rate_limited');
      const { code } = a.json() as { code: string };
      expect((await followUp('AAAA-BBBB-CCCC-DDDD-EEEE', limited)).statusCode).toBe(404);
      expect((await followUp('AAAA-BBBB-CCCC-DDDD-EEEF', limited)).statusCode).toBe(404);
      expect((await followUp(code, limited)).statusCode).toBe(200);
      // The fourth guess is refused even with the right code.
      expect((await followUp(code, limited)).statusCode).toBe(429);
      // Another address is counted apart.
      const other = await limited.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up', payload: { code }, remoteAddress: '10.0.0.9' });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it.each([
    ['one hop', 1],
    ['the proxy\'s address', ['127.0.0.1']],
  ] as const)('behind a proxy trusted by %s, a client cannot escape the limit by writing its own X-Forwarded-For', async (_, trustProxy) => {
    const proxied = await createTestApp({ hotlineAgencyId: agency, followUpRatePerMinute: 2, trustProxy });
    try {
      // The proxy (at 127.0.0.1, inject's default) appends the address the client connected from.
      const lookUp = (forwardedFor: string, remoteAddress?: string) =>
        proxied.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up', payload: { code: 'AAAA-BBBB-CCCC-DDDD-EEEE' }, headers: { 'x-forwarded-for': forwardedFor }, ...(remoteAddress ? { remoteAddress } : {}) });
      expect((await lookUp('6.6.6.1, 203.0.113.9')).statusCode).toBe(404);
      expect((await lookUp('6.6.6.2, 203.0.113.9')).statusCode).toBe(404);
      const third = await lookUp('6.6.6.3, 203.0.113.9');
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('rate_limited');
      // Another real client behind the same proxy is counted apart.
      expect((await lookUp('6.6.6.1, 203.0.113.10')).statusCode).toBe(404);
      if (Array.isArray(trustProxy)) {
        // A client reaching Pathway directly is not a trusted proxy: its X-Forwarded-For is ignored.
        for (const spoof of ['6.6.6.4', '6.6.6.5']) expect((await lookUp(spoof, '198.51.100.7')).statusCode).toBe(404);
        expect((await lookUp('6.6.6.6', '198.51.100.7')).statusCode).toBe(429);
      }
    } finally {
      await proxied.close();
    }
  });
});
