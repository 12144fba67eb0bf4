import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { applyCallStatus } from '../telephony/intake.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';

type Mail = { to: string[]; raw: string };
const received: Mail[] = [];
/** Recipients refused with a temporary error while this is set (to test retries). */
let refuse = false;
let smtp: SMTPServer;
let smtpPort: number;

let t: TestApp;
let hotline: string;
let policeAgency: string;
let op: Session & { id: string; email: string };
let op2: Session & { id: string; email: string };
let sup: Session & { id: string; email: string };
let police: Session & { id: string; email: string };
let analyst: Session & { id: string; email: string };
let outsiderSup: Session & { id: string; email: string };

async function user(roles: Role[], agencyId?: string) {
  const u = await makeUser(t.db, { roles, ...(agencyId ? { agencyId } : {}) });
  return { ...(await signIn(t.app, u.email)), id: u.id, email: u.email };
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (refuse) {
        const err = new Error('Try again later') as Error & { responseCode: number };
        err.responseCode = 451;
        cb(err);
        return;
      }
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true`, mailFrom: 'hotline@example.org', publicUrl: 'https://pathway.example.org' });
  hotline = (await makeAgency(t.db, { type: 'government' })).id;
  policeAgency = (await makeAgency(t.db, { type: 'police' })).id;
  await t.db.updateTable('agencies').set({ region: 'Ganja' }).where('id', '=', policeAgency).execute();
  op = await user(['operator'], hotline);
  op2 = await user(['operator'], hotline);
  sup = await user(['supervisor'], hotline);
  police = await user(['investigator'], policeAgency);
  analyst = await user(['analyst'], hotline);
  outsiderSup = await user(['supervisor']);
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const call = (s: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function waiting(props: { region?: string; status?: 'new' | 'ringing'; externalId?: string; receivedAt?: Date } = {}) {
  const at = props.receivedAt ?? new Date();
  const row = await t.db
    .insertInto('contacts')
    .values({ channel: 'call', status: props.status ?? 'new', ownerAgencyId: hotline, region: props.region ?? null, externalId: props.externalId ?? null, receivedAt: at, createdAt: at, updatedAt: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const stateOf = async (s: Session) => (await call(s, 'GET', '/operator/state')).json();
const form = { contactorType: 'victim', contactType: 'trafficking_report', region: 'Ganja' };

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('operator states', () => {
  it('has no state at first; break and available are the operator\'s choice, audited', async () => {
    expect(await stateOf(op)).toEqual({ userId: op.id, state: null, since: null, contactId: null });
    const res = await call(op, 'PUT', '/operator/state', { state: 'break' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'break', contactId: null });
    expect(new Date(res.json().since).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await call(op, 'PUT', '/operator/state', { state: 'available' })).json().state).toBe('available');
    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes', 'actorUserId']).where('recordId', '=', op.id).where('action', '=', 'operator.state_changed').orderBy('seq').execute();
    expect(audit.map((a) => a.changes)).toEqual([{ state: { old: null, new: 'break' } }, { state: { old: 'break', new: 'available' } }]);
    // The same state again changes nothing and writes nothing.
    await call(op, 'PUT', '/operator/state', { state: 'available' });
    expect(await t.db.selectFrom('auditLog').select('seq').where('recordId', '=', op.id).where('action', '=', 'operator.state_changed').execute()).toHaveLength(2);
  });

  it('refuses states set by the contact, unknown fields, and users who do not work contacts', async () => {
    const bad = await call(op, 'PUT', '/operator/state', { state: 'on_contact' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['state']);
    expect((await call(op, 'PUT', '/operator/state', { state: 'break', since: 'now' })).json().error.fields).toEqual({ since: 'unknown field' });
    expect((await call(op, 'PUT', '/operator/state', {})).statusCode).toBe(400);
    expect((await call(police, 'GET', '/operator/state')).statusCode).toBe(403);
    expect((await call(analyst, 'PUT', '/operator/state', { state: 'available' })).statusCode).toBe(403);
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/operator/state' });
    expect(anon.statusCode).toBe(401);
  });

  it('follows the contact: accept -> on contact, call ended -> wrap-up, close -> available; no break while on a contact', async () => {
    await call(op, 'PUT', '/operator/state', { state: 'available' });
    const id = await waiting({ externalId: 'CA-state-1' });
    expect((await call(op, 'POST', `/contacts/${id}/accept`)).statusCode).toBe(200);
    expect(await stateOf(op)).toMatchObject({ state: 'on_contact', contactId: id });
    const refused = await call(op, 'PUT', '/operator/state', { state: 'break' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('on_contact');
    await applyCallStatus(t.db, SYSTEM_ACTOR, 'CA-state-1', 'completed');
    expect(await stateOf(op)).toMatchObject({ state: 'wrap_up', contactId: id });
    await call(op, 'PUT', `/contacts/${id}/form`, form);
    expect((await call(op, 'POST', `/contacts/${id}/close`, { outcomes: ['information_given'] })).statusCode).toBe(200);
    expect(await stateOf(op)).toMatchObject({ state: 'available', contactId: null });
    const changes = await t.db.selectFrom('auditLog').select(['changes', 'actorUserId']).where('recordId', '=', op.id).where('action', '=', 'operator.state_changed').orderBy('seq').execute();
    expect(changes.slice(-3).map((c) => (c.changes as { state: { new: string } }).state.new)).toEqual(['on_contact', 'wrap_up', 'available']);
    expect(changes.at(-2)!.actorUserId).toBeNull();
  });

  it('an operator-entered contact puts its operator on contact; a reassignment moves the state with it', async () => {
    const res = await call(op2, 'POST', '/contacts', { channel: 'walk_in' });
    const id = res.json().id;
    expect(await stateOf(op2)).toMatchObject({ state: 'on_contact', contactId: id });
    await call(op, 'PUT', '/operator/state', { state: 'available' });
    expect((await call(sup, 'POST', `/contacts/${id}/reassign`, { userId: op.id })).statusCode).toBe(200);
    expect(await stateOf(op2)).toMatchObject({ state: 'available' });
    expect(await stateOf(op)).toMatchObject({ state: 'on_contact', contactId: id });
    await call(op, 'PUT', `/contacts/${id}/form`, form);
    await call(op, 'POST', `/contacts/${id}/close`, { outcomes: ['information_given'] });
    expect(await stateOf(op)).toMatchObject({ state: 'available' });
  });
});

describe('supervisor overview', () => {
  it('shows operators, waiting and taken contacts, today\'s abandoned, numbers and escalations', async () => {
    const w1 = await waiting({ receivedAt: new Date(Date.now() - 90_000) });
    const w2 = await waiting({ status: 'ringing' });
    const taken = await waiting();
    await call(op2, 'POST', `/contacts/${taken}/accept`);
    const gone = await waiting({ externalId: 'CA-abandoned-1' });
    await applyCallStatus(t.db, SYSTEM_ACTOR, 'CA-abandoned-1', 'no-answer');
    const res = await call(sup, 'GET', '/supervisor/overview');
    expect(res.statusCode).toBe(200);
    const o = res.json();
    const ops = Object.fromEntries(o.operators.map((x: { userId: string }) => [x.userId, x]));
    expect(ops[op2.id]).toMatchObject({ state: 'on_contact', contactId: taken });
    expect(ops[op.id]).toMatchObject({ state: 'available' });
    expect(ops[analyst.id]).toBeUndefined();
    expect(o.waiting.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([w1, w2]));
    expect(o.waiting.find((c: { id: string }) => c.id === w1).waitSeconds).toBeGreaterThanOrEqual(89);
    expect(o.active.map((c: { id: string }) => c.id)).toContain(taken);
    expect(o.waiting.map((c: { id: string }) => c.id)).not.toContain(taken);
    expect(o.abandoned.map((c: { id: string }) => c.id)).toContain(gone);
    const dbCount = await t.db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).where('ownerAgencyId', '=', hotline).where('status', 'in', ['new', 'ringing']).executeTakeFirstOrThrow();
    expect(o.today.waitingNow).toBe(Number(dbCount.n));
    expect(o.today.abandoned).toBeGreaterThanOrEqual(1);
    expect(o.today.received).toBeGreaterThanOrEqual(o.today.answered + o.today.abandoned);
    // Another agency's supervisor sees none of it.
    const other = (await call(outsiderSup, 'GET', '/supervisor/overview')).json();
    expect(other.waiting).toEqual([]);
    expect(other.operators.map((x: { userId: string }) => x.userId)).toEqual([outsiderSup.id]);
  });

  it('is for supervisors only', async () => {
    expect((await call(op, 'GET', '/supervisor/overview')).statusCode).toBe(403);
    expect((await call(police, 'GET', '/supervisor/overview')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/supervisor/overview' })).statusCode).toBe(401);
  });
});

describe('escalation alerts and the e-mail outbox', () => {
  it('an escalation queues e-mails in its transaction to the supervisors and the region\'s police; the worker delivers them over SMTP', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    await call(op, 'PUT', `/contacts/${id}/form`, form);
    const res = await call(op, 'POST', `/contacts/${id}/escalations`, { reason: 'Aysel is locked in a basement now' });
    expect(res.statusCode).toBe(201);
    const e = res.json();
    const queued = await t.db.selectFrom('mailOutbox').selectAll().where('recordId', '=', e.id).orderBy('recipient').execute();
    expect(queued.map((m) => m.recipient).sort()).toEqual([sup.email, police.email].sort());
    for (const m of queued) {
      expect(m.body).not.toContain('Aysel');
      expect(m.body).toContain('https://pathway.example.org/hotline/alerts');
    }
    const audit = await t.db.selectFrom('auditLog').select('changes').where('recordId', '=', id).where('action', '=', 'contact.escalated').executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ emailsQueued: 2 });
    const done = await until(() => t.db.selectFrom('mailOutbox').select(['status', 'sentAt', 'attempts']).where('recordId', '=', e.id).execute(), (rows) => rows.every((r) => r.status === 'sent'));
    expect(done.map((r) => r.status)).toEqual(['sent', 'sent']);
    const mails = received.filter((m) => m.raw.includes(e.id));
    expect(mails.flatMap((m) => m.to).sort()).toEqual([sup.email, police.email].sort());
    expect(mails[0]!.raw).toMatch(/IMMEDIATE DANGER/);
    expect(mails[0]!.raw).toMatch(/From: hotline@example\.org/);

    // Both alerted agencies see it in their list; the police acknowledge; the time is shown.
    const list = (await call(police, 'GET', '/escalations?open=true')).json().items;
    expect(list.map((x: { id: string }) => x.id)).toContain(e.id);
    expect(list.find((x: { id: string }) => x.id === e.id)).toMatchObject({ reason: 'Aysel is locked in a basement now', region: 'Ganja', acknowledgedAt: null, secondsToAcknowledge: null });
    expect((await call(outsiderSup, 'GET', '/escalations')).json().items).toEqual([]);
    await call(police, 'POST', `/contacts/${id}/escalations/${e.id}/acknowledge`);
    expect((await call(sup, 'GET', '/escalations?open=true')).json().items.map((x: { id: string }) => x.id)).not.toContain(e.id);
    const after = (await call(sup, 'GET', '/supervisor/overview')).json().escalations.find((x: { id: string }) => x.id === e.id);
    expect(after.acknowledgedByName).toBeTruthy();
    expect(after.secondsToAcknowledge).toBeGreaterThanOrEqual(0);
    expect((await call(sup, 'GET', '/escalations?open=maybe')).json().error.fields).toEqual({ open: expect.any(String) });
  });

  it('only those who answer escalations read and acknowledge them: not an analyst or auditor of the alerted agency', async () => {
    const id = await waiting();
    await call(op, 'POST', `/contacts/${id}/accept`);
    await call(op, 'PUT', `/contacts/${id}/form`, form);
    const e = (await call(op, 'POST', `/contacts/${id}/escalations`, { reason: 'Held at the bus station, phone taken' })).json();
    const auditor = await user(['auditor'], hotline);
    const policeAnalyst = await user(['analyst'], policeAgency);
    for (const s of [analyst, auditor, policeAnalyst]) {
      const list = await call(s, 'GET', '/escalations');
      expect(list.statusCode).toBe(403);
      expect(list.body).not.toContain('bus station');
      expect((await call(s, 'GET', '/escalations?open=true')).statusCode).toBe(403);
      const ack = await call(s, 'POST', `/contacts/${id}/escalations/${e.id}/acknowledge`);
      expect(ack.statusCode).toBe(404);
    }
    expect((await t.db.selectFrom('contactEscalations').select('acknowledgedAt').where('id', '=', e.id).executeTakeFirstOrThrow()).acknowledgedAt).toBeNull();
    // The e-mail alert goes to the police who answer it, not to everyone of the police agency.
    const mailed = await t.db.selectFrom('mailOutbox').select('recipient').where('recordId', '=', e.id).execute();
    expect(mailed.map((m) => m.recipient)).not.toContain(policeAnalyst.email);
    // Operators, supervisors and the police read it; an operator of the agency acknowledges it.
    for (const s of [op2, sup, police]) {
      const list = await call(s, 'GET', '/escalations?open=true');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.find((x: { id: string }) => x.id === e.id)).toMatchObject({ reason: 'Held at the bus station, phone taken' });
    }
    expect((await call(op2, 'POST', `/contacts/${id}/escalations/${e.id}/acknowledge`)).statusCode).toBe(200);
  });

  it('retries an e-mail the SMTP server refuses, and keeps the error', async () => {
    refuse = true;
    const id = await waiting();
    await call(op2, 'POST', `/contacts/${id}/accept`);
    const e = (await call(op2, 'POST', `/contacts/${id}/escalations`, { reason: 'Medical emergency' })).json();
    const failed = await until(() => t.db.selectFrom('mailOutbox').selectAll().where('recordId', '=', e.id).execute(), (rows) => rows.length > 0 && rows.every((r) => r.attempts >= 1));
    expect(failed.every((r) => r.status === 'pending' && r.lastError && r.nextAttemptAt.getTime() > Date.now())).toBe(true);
    refuse = false;
    await t.db.updateTable('mailOutbox').set({ nextAttemptAt: new Date() }).where('recordId', '=', e.id).execute();
    const sent = await until(() => t.db.selectFrom('mailOutbox').selectAll().where('recordId', '=', e.id).execute(), (rows) => rows.every((r) => r.status === 'sent'));
    expect(sent.map((r) => [r.status, r.attempts >= 2, r.lastError])).toEqual(sent.map(() => ['sent', true, null]));
  });

  it('a refused escalation queues nothing', async () => {
    const before = await t.db.selectFrom('mailOutbox').select('id').execute();
    const id = await waiting();
    expect((await call(police, 'POST', `/contacts/${id}/escalations`, { reason: 'Someone is held' })).statusCode).toBe(404);
    expect((await call(op, 'POST', `/contacts/${id}/escalations`, { reason: 'x' })).statusCode).toBe(400);
    expect(await t.db.selectFrom('mailOutbox').select('id').execute()).toHaveLength(before.length);
  });
});

type Received = { event: string; data: Record<string, unknown> };
/** A minimal server-sent events client that collects the events. */
async function listen(s: Session, base: string) {
  const events: Received[] = [];
  const req = http.get(`${base}/api/v1/contacts/stream`, { headers: { cookie: s.cookie } });
  await new Promise<void>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
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
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      });
      resolve();
    });
  });
  await until(async () => events, (e) => e.some((x) => x.event === 'ready'), 3000);
  return { events, close: () => req.destroy() };
}

describe('live state changes', () => {
  it('reach the operator and their agency\'s supervisors, not other agencies or plain operators', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const fresh = await user(['operator'], hotline);
    const [own, supervisor, colleague, other] = await Promise.all([listen(fresh, base), listen(sup, base), listen(op2, base), listen(outsiderSup, base)]);
    expect((await call(fresh, 'PUT', '/operator/state', { state: 'break' })).statusCode).toBe(200);
    const heard = (c: { events: Received[] }) => c.events.filter((e) => e.event === 'operator_state' && e.data.userId === fresh.id && e.data.state === 'break');
    await until(async () => heard(supervisor), (x) => x.length > 0, 3000);
    await until(async () => heard(own), (x) => x.length > 0, 3000);
    expect(heard(supervisor)[0]!.data).toMatchObject({ type: 'operator_state', agencyId: hotline, state: 'break', contactId: null });
    await new Promise((r) => setTimeout(r, 200));
    expect(heard(colleague)).toEqual([]);
    expect(other.events.filter((e) => e.event === 'operator_state')).toEqual([]);
    for (const c of [own, supervisor, colleague, other]) c.close();
  });
});

describe('mail configuration', () => {
  it('needs a sender with an SMTP server, and an smtp:// or smtps:// URL', () => {
    expect(() => loadConfig({ PATHWAY_SMTP_URL: 'smtp://mail.example.org:587' })).toThrow(/PATHWAY_MAIL_FROM/);
    expect(() => loadConfig({ PATHWAY_SMTP_URL: 'http://mail.example.org', PATHWAY_MAIL_FROM: 'a@example.org' })).toThrow(/PATHWAY_SMTP_URL/);
    expect(() => loadConfig({ PATHWAY_SMTP_URL: 'smtp://mail.example.org', PATHWAY_MAIL_FROM: 'not an address' })).toThrow(ConfigError);
    const c = loadConfig({ PATHWAY_SMTP_URL: 'smtps://u:p@mail.example.org:465', PATHWAY_MAIL_FROM: 'hotline@example.org' });
    expect([c.smtpUrl, c.mailFrom]).toEqual(['smtps://u:p@mail.example.org:465', 'hotline@example.org']);
  });
});
