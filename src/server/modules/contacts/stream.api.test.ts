import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { RECHECK_MS } from './stream.ts';
import { createTestApp, makeAgency, makeUser, signIn, TEST_SECRET_KEY, type Session, type TestApp } from '../../../../test/helpers/app.ts';

const SECRET = 'generic-webhook-secret-0123456789';
let t: TestApp;
let other: App;
let agency: string;
let base: string;
let op: Session;
let outsider: Session;

beforeAll(async () => {
  agency = crypto.randomUUID();
  t = await createTestApp({ webhookSecret: SECRET, hotlineAgencyId: agency });
  await t.db.insertInto('agencies').values({ id: agency, name: 'Hotline', type: 'government' }).execute();
  op = await signIn(t.app, (await makeUser(t.db, { roles: ['operator'], agencyId: agency })).email);
  outsider = await signIn(t.app, (await makeUser(t.db, { roles: ['operator'], agencyId: (await makeAgency(t.db)).id })).email);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  // A second Pathway process on the same database: its own pool and its own LISTEN connection.
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { webDistDir: '/nonexistent', webhookSecret: SECRET, hotlineAgencyId: agency });
  other = await buildApp({ config, db: t.db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY, databaseUrl: t.url });
  await other.ready();
});
afterAll(async () => {
  await other.close();
  await t.close();
});

type Received = { event: string; data: Record<string, unknown>; at: number };

/** An SSE client that collects events until closed. */
type Stream = { events: Received[]; next: (pred: (e: Received) => boolean, ms?: number) => Promise<Received>; close: () => void; status: number; ended: Promise<void> };
function connect(s: Session | { token: string }): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const headers = 'token' in s ? { authorization: `Bearer ${s.token}` } : { cookie: s.cookie };
    const req = http.get(`${base}/api/v1/contacts/stream`, { headers }, (res) => {
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      const events: Received[] = [];
      const waiters: { pred: (e: Received) => boolean; done: (e: Received) => void }[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || !data) continue;
          const e = { event, data: JSON.parse(data) as Record<string, unknown>, at: Date.now() };
          events.push(e);
          for (const w of [...waiters]) if (w.pred(e)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.done(e);
          }
        }
      });
      const next = (pred: (e: Received) => boolean, ms = 3000) =>
        new Promise<Received>((ok, fail) => {
          const found = events.find(pred);
          if (found) return ok(found);
          const timer = setTimeout(() => fail(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events)}`)), ms);
          waiters.push({ pred, done: (e) => { clearTimeout(timer); ok(e); } });
        });
      resolve({ events, next, close: () => req.destroy(), status: res.statusCode ?? 0, ended });
    });
    req.on('error', reject);
  });
}

function webhook(app: App, body: object) {
  const raw = JSON.stringify(body);
  const at = Math.floor(Date.now() / 1000);
  const v1 = crypto.createHmac('sha256', SECRET).update(`${at}.${raw}`).digest('hex');
  return app.inject({ method: 'POST', url: '/api/v1/telephony/webhook', headers: { 'content-type': 'application/json', 'x-pathway-signature': `t=${at},v1=${v1}` }, payload: raw });
}

describe('the live queue', () => {
  it('a contact posted to another process reaches a connected console; another agency hears nothing', async () => {
    const console1 = await connect(op);
    const console2 = await connect(outsider);
    expect(console1.status).toBe(200);
    await console1.next((e) => e.event === 'ready');
    await console2.next((e) => e.event === 'ready');
    const sent = Date.now();
    const res = await webhook(other, { id: `ev-${crypto.randomUUID()}`, type: 'message', channel: 'sms', from: '+994501110000', body: 'help' });
    expect(res.statusCode).toBe(200);
    const { contactId } = res.json();
    const e = await console1.next((x) => x.event === 'contact' && x.data.id === contactId);
    expect(e.data).toMatchObject({ type: 'contact', status: 'new', channel: 'sms', ownerAgencyId: agency });
    expect(JSON.stringify(e.data)).not.toMatch(/help|1110000/);
    expect(e.at - sent).toBeLessThan(2000);

    // Accepting in this process is heard too; the outsider heard none of it.
    await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/accept`, headers: op.headers });
    await console1.next((x) => x.event === 'contact' && x.data.id === contactId && x.data.status === 'in_progress');
    await new Promise((r) => setTimeout(r, 200));
    expect(console2.events.filter((x) => x.event !== 'ready')).toEqual([]);
    console1.close();
    console2.close();
  });

  it('an escalation alert reaches the alerted agency', async () => {
    const c = await connect(op);
    await c.next((e) => e.event === 'ready');
    const { contactId } = (await webhook(other, { id: `ev-${crypto.randomUUID()}`, type: 'call', channel: 'call', from: '+994501110001' })).json();
    await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/accept`, headers: op.headers });
    await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/escalations`, headers: op.headers, payload: { reason: 'held now' } });
    const e = await c.next((x) => x.event === 'escalation' && x.data.contactId === contactId);
    expect(e.data.alertedAgencyIds).toContain(agency);
    c.close();
  });

  it('needs a signed-in user', async () => {
    const res = await fetch(`${base}/api/v1/contacts/stream`);
    expect(res.status).toBe(401);
  });
});

describe('a stream ends with its caller\'s access', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await signIn(t.app, (await makeUser(t.db, { roles: ['administrator'] })).email);
  });
  const operator = async () => {
    const u = await makeUser(t.db, { roles: ['operator'], agencyId: agency });
    return { ...u, session: await signIn(t.app, u.email) };
  };
  const tokenOf = async (s: Session) =>
    (await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: s.headers, payload: { name: 'console', expiresInDays: 5 } })).json() as { token: string; tokenInfo: { id: string } };
  const newContact = async () => (await webhook(other, { id: `ev-${crypto.randomUUID()}`, type: 'message', channel: 'sms', from: `+99450${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`, body: 'hi' })).json().contactId as string;

  /**
   * Opens a stream, does `act`, and expects the stream to end at once. A contact committed right after
   * `act`, before the stream has had time to end (and within the trust period of its last check, made
   * for the contact delivered just before), must not be delivered: the stream re-checks before it.
   */
  async function endsOn(open: Stream, act: () => Promise<unknown>, reason = 'access_ended') {
    await open.next((e) => e.event === 'ready');
    const before = await newContact();
    await open.next((e) => e.event === 'contact' && e.data.id === before);
    await act();
    const during = await newContact();
    expect(during).not.toBe(before);
    const end = await open.next((e) => e.event === 'end');
    expect(end.data).toEqual({ reason });
    await open.ended;
    expect(open.events.some((e) => e.data.id === during)).toBe(false);
    expect(open.events.findIndex((e) => e.event === 'end')).toBe(open.events.length - 1);
  }

  it('on sign-out', async () => {
    const u = await operator();
    await endsOn(await connect(u.session), () => t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: u.session.headers }));
  });

  it('on the token\'s revocation', async () => {
    const u = await operator();
    const { token, tokenInfo } = await tokenOf(u.session);
    await endsOn(await connect({ token }), () => t.app.inject({ method: 'DELETE', url: `/api/v1/auth/tokens/${tokenInfo.id}`, headers: u.session.headers }));
  });

  it('when the user is disabled', async () => {
    const u = await operator();
    await endsOn(await connect(u.session), () => t.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: admin.headers, payload: { disabled: true } }));
  });

  it('when the user is moved to another agency', async () => {
    const u = await operator();
    const elsewhere = (await makeAgency(t.db)).id;
    await endsOn(await connect(u.session), () => t.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: admin.headers, payload: { agencyId: elsewhere } }));
  });

  it('on a password change: the other sessions\' and the tokens\' streams end', async () => {
    const u = await operator();
    const second = await signIn(t.app, u.email);
    const { token } = await tokenOf(u.session);
    const byToken = await connect({ token });
    await byToken.next((e) => e.event === 'ready');
    await endsOn(await connect(second), () =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: u.session.headers, payload: { currentPassword: u.password, newPassword: 'a wholly new password' } }),
    );
    await byToken.next((e) => e.event === 'end');
  });

  it('re-checks before an event even without a notification: a session expired in the database ends the stream', async () => {
    const u = await operator();
    const s = await connect(u.session);
    await s.next((e) => e.event === 'ready');
    // Expiry by time sends no notification; the next event after the short trust period finds it.
    await t.db.updateTable('sessions').set({ expiresAt: new Date(Date.now() - 1000) }).where('userId', '=', u.id).execute();
    await new Promise((r) => setTimeout(r, RECHECK_MS + 100));
    const contactId = await newContact();
    await s.next((e) => e.event === 'end');
    expect(s.events.some((e) => e.data.id === contactId)).toBe(false);
  });

  it('an analyst of the alerted agency hears no escalation', async () => {
    const analyst = await signIn(t.app, (await makeUser(t.db, { roles: ['analyst'], agencyId: agency })).email);
    const listening = await connect(analyst);
    await listening.next((e) => e.event === 'ready');
    const c = await connect(op);
    await c.next((e) => e.event === 'ready');
    const contactId = await newContact();
    await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/accept`, headers: op.headers });
    await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/escalations`, headers: op.headers, payload: { reason: 'in danger now' } });
    await c.next((x) => x.event === 'escalation' && x.data.contactId === contactId);
    await new Promise((r) => setTimeout(r, 200));
    expect(listening.events.filter((e) => e.event === 'escalation')).toEqual([]);
    listening.close();
    c.close();
  });
});
