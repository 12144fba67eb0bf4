import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/server/db/embedded.ts';
import type { Db } from '../../src/server/db/database.ts';
import { cloneTestDatabase } from '../helpers/db.ts';
import { makeAgency, makeUser, PASSWORD, TEST_SECRET_KEY } from '../helpers/app.ts';

/**
 * Two real Pathway processes (src/server/main.ts, as `npm start` runs it) on one test database,
 * behind a round-robin HTTP proxy made here: what must hold across processes (issue 16) holds.
 * Started once for the file; each check uses its own client address (X-Forwarded-For, trusted one
 * hop: the proxy) so that their rate limits do not meet.
 */

const PUBLIC_RATE = 6;
const LOGIN_RATE = 10;
const MAX_FAILURES = 4;

type Server = { child: ChildProcess; port: number; output: () => string; exited: Promise<number | null> };
const servers: Server[] = [];
let db: Db;
let cloneUrl = '';
let dropDb: () => Promise<void>;
let dataDir: string;
let proxy: http.Server;
let proxyUrl: string;
const mails: { to: string[]; raw: string }[] = [];
let smtp: SMTPServer;
let hotlineAgency: string;

function startServer(port: number, env: Record<string, string>): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port, output: () => out, exited };
}

async function waitForStart(s: Server, ms = 150_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (s.output().includes('is running at')) return;
    if (s.child.exitCode !== null) throw new Error(`a Pathway process exited early:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`a Pathway process did not start in time:\n${s.output()}`);
}

/** Sends each request to the next process in turn, and says which one answered (`x-upstream`). */
function roundRobinProxy(ports: number[]): http.Server {
  let next = 0;
  return http.createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-upstream': String(port) });
      answer.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
}

beforeAll(async () => {
  ({ db, url: cloneUrl, drop: dropDb } = await cloneTestDatabase());
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-multiprocess-'));
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  hotlineAgency = (await makeAgency(db, { name: 'Hotline', type: 'government' })).id;
  const env = {
    DATABASE_URL: cloneUrl,
    PATHWAY_DATA_DIR: dataDir,
    PATHWAY_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
    PATHWAY_TRUST_PROXY: '1',
    PATHWAY_PUBLIC_RATE_PER_MINUTE: String(PUBLIC_RATE),
    PATHWAY_LOGIN_RATE_PER_MINUTE: String(LOGIN_RATE),
    PATHWAY_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    PATHWAY_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}?ignoreTLS=true`,
    PATHWAY_MAIL_FROM: 'pathway@example.org',
    PATHWAY_REMINDER_SWEEP_SECONDS: '1',
    PATHWAY_HOTLINE_AGENCY_ID: hotlineAgency,
  };
  // Both at once, as a deployment restarts them: the migrations' lock lets one migrate.
  const ports = [await freePort(), await freePort()];
  servers.push(...ports.map((port) => startServer(port, env)));
  await Promise.all(servers.map((s) => waitForStart(s)));
  proxy = roundRobinProxy(ports);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 200_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGTERM');
  await Promise.all(
    servers.map((s) =>
      Promise.race([s.exited, new Promise((r) => setTimeout(r, 15_000))]).then(() => {
        if (s.child.exitCode === null) s.child.kill('SIGKILL');
      }),
    ),
  );
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await dropDb?.();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

type Session = { cookie: string; headers: Record<string, string> };
type Answer = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } }; upstream: string | null };

/** A JSON request through the proxy (or straight to one process with `base`). */
async function call(method: string, url: string, opts: { body?: unknown; session?: Session; client: string; base?: string }): Promise<Answer> {
  const headers: Record<string, string> = { 'x-forwarded-for': opts.client, ...(opts.session ? (method === 'GET' ? { cookie: opts.session.cookie } : opts.session.headers) : {}) };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${opts.base ?? proxyUrl}${url}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, upstream: res.headers.get('x-upstream') };
}

async function signIn(email: string, client: string, base?: string): Promise<Session> {
  const res = await fetch(`${base ?? proxyUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => /session=/.test(c));
  if (!cookie) throw new Error('no session cookie');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, headers: { cookie, 'x-csrf-token': csrfToken } };
}

const baseOf = (i: number) => `http://127.0.0.1:${servers[i]!.port}`;
const client = () => `198.51.100.${Math.floor(Math.random() * 200) + 20}`;

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two Pathway processes on one database behind a round-robin proxy', () => {
  it('hold the public rate limit in total: both answer, and together they allow the limit once', async () => {
    const address = '203.0.113.61';
    const answers = [];
    for (let i = 0; i < PUBLIC_RATE + 2; i++) answers.push(await call('GET', '/api/public/press/incidents', { client: address }));
    expect(new Set(answers.map((a) => a.upstream)).size).toBe(2);
    expect(answers.map((a) => a.status)).toEqual([...Array(PUBLIC_RATE).fill(200), 429, 429]);
    expect(answers.at(-1)!.body.error?.code).toBe('rate_limited');
    // Another address still has its whole budget, on either process.
    expect((await call('GET', '/api/public/press/incidents', { client: '203.0.113.62' })).status).toBe(200);
  });

  it('hold the sign-in rate limit in total', async () => {
    const address = '203.0.113.71';
    const statuses = [];
    for (let i = 0; i < LOGIN_RATE + 2; i++) statuses.push((await call('POST', '/api/v1/auth/login', { client: address, body: { email: `nobody${i}@example.org`, password: 'wrong password!' } })).status);
    expect(statuses).toEqual([...Array(LOGIN_RATE).fill(401), 429, 429]);
  });

  it('hold the sign-in lockout in total: failures on either process lock the address on both', async () => {
    const u = await makeUser(db);
    const address = '203.0.113.81';
    const wrong = [];
    for (let i = 0; i < MAX_FAILURES; i++) wrong.push(await call('POST', '/api/v1/auth/login', { client: address, body: { email: u.email, password: 'wrong password!' } }));
    expect(new Set(wrong.map((a) => a.upstream)).size).toBe(2);
    expect(wrong.map((a) => a.status)).toEqual(Array(MAX_FAILURES).fill(401));
    // The right password is refused by both processes now, as a wrong one is.
    const right = [];
    for (let i = 0; i < 2; i++) right.push(await call('POST', '/api/v1/auth/login', { client: address, body: { email: u.email, password: PASSWORD } }));
    expect(new Set(right.map((a) => a.upstream)).size).toBe(2);
    for (const a of right) {
      expect(a.status).toBe(401);
      expect(a.body.error).toMatchObject({ code: wrong[0]!.body.error!.code, message: wrong[0]!.body.error!.message });
    }
    const lock = await db.selectFrom('signInAttempts').select(['failures', 'lockedUntil']).where('userId', '=', u.id).where('addressKey', '=', address).executeTakeFirstOrThrow();
    expect(lock.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // The owner signs in from another address.
    expect((await call('POST', '/api/v1/auth/login', { client: '203.0.113.82', body: { email: u.email, password: PASSWORD } })).status).toBe(200);
  });

  it('write each reminder, and send each e-mail, once though both processes sweep and deliver', async () => {
    const agency = (await makeAgency(db)).id;
    const worker = await makeUser(db, { roles: ['case_worker'], agencyId: agency });
    const colleague = await makeUser(db, { roles: ['case_worker'], agencyId: agency });
    const s = await signIn(worker.email, client());
    const created = await call('POST', '/api/v1/cases', { session: s, client: client(), body: {} });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const tasks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = await call('POST', `/api/v1/cases/${caseId}/tasks`, { session: s, client: client(), body: { title: `Task ${i}`, dueAt: new Date(Date.now() + 3 * 3600_000).toISOString(), assignedUserId: colleague.id } });
      expect(t.status).toBe(201);
      tasks.push(t.body.id as string);
    }
    const toColleague = () => mails.filter((m) => m.to.includes(colleague.email));
    await until(async () => toColleague().length, (n) => n >= tasks.length);
    // A few more rounds of both processes' sweeps and mail workers: nothing more is written or sent.
    await new Promise((r) => setTimeout(r, 3500));
    const reminders = await db.selectFrom('reminders').select(['id', 'subjectId']).where('kind', '=', 'task_due').where('caseId', '=', caseId).execute();
    expect(reminders.map((r) => r.subjectId).sort()).toEqual([...tasks].sort());
    const outbox = await db.selectFrom('mailOutbox').select(['recordId', 'status', 'recipient']).where('kind', '=', 'reminder').where('recordId', 'in', reminders.map((r) => r.id)).execute();
    expect(outbox).toHaveLength(tasks.length);
    expect(outbox.every((m) => m.status === 'sent' && m.recipient === colleague.email)).toBe(true);
    expect(toColleague()).toHaveLength(tasks.length);
  });

  it('bring a contact posted to one process to a console connected to the other', async () => {
    const op = await makeUser(db, { roles: ['operator'], agencyId: hotlineAgency });
    const s = await signIn(op.email, client(), baseOf(1));
    const events: { event: string; data: Record<string, unknown> }[] = [];
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const stream = http.get(`${baseOf(1)}/api/v1/contacts/stream`, { headers: { cookie: s.cookie } }, (res) => {
      expect(res.statusCode).toBe(200);
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
          events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          if (event === 'ready') ready();
        }
      });
    });
    try {
      await isReady;
      const posted = await call('POST', '/api/public/hotline/reports', { base: baseOf(0), client: client(), body: { description: 'Two girls are kept in a flat and cannot leave.', callbackConsent: false, language: 'en' } });
      expect(posted.status).toBe(201);
      const contact = await until(
        async () => events.find((e) => e.event === 'contact' && e.data.channel === 'web_form'),
        (e) => e !== undefined,
        10_000,
      );
      expect(contact?.data).toMatchObject({ type: 'contact', status: 'new', channel: 'web_form', ownerAgencyId: hotlineAgency });
      expect(JSON.stringify(contact?.data)).not.toMatch(/girls/);
    } finally {
      stream.destroy();
    }
  });

  it('let a publication on one process show at once in the other process\'s cached public list', async () => {
    const m = await makeUser(db, { roles: ['press_monitor'] });
    const reviewerUser = await makeUser(db, { roles: ['press_reviewer'], agencyId: m.agencyId });
    const monitor = await signIn(m.email, client(), baseOf(0));
    const reviewer = await signIn(reviewerUser.email, client(), baseOf(0));
    const reader = '203.0.113.91';
    const list = async (i: number) => {
      const a = await call('GET', '/api/public/press/incidents', { base: baseOf(i), client: reader });
      expect(a.status).toBe(200);
      return (a.body.items as { id: string }[]).map((x) => x.id);
    };
    // Both processes have the list cached (read twice: the second from the cache).
    const before = await list(1);
    expect(await list(1)).toEqual(before);
    const person = await call('POST', '/api/v1/press/persons', { base: baseOf(0), session: monitor, client: client(), body: { name: 'Idrak Abbasov', aliases: [] } });
    expect(person.status).toBe(201);
    const incident = await call('POST', '/api/v1/press/incidents', {
      base: baseOf(0),
      session: monitor,
      client: client(),
      body: { title: 'Beating of Idrak Abbasov', occurred: '2012-04-18', city: 'Sumgayit', acts: [{ personId: person.body.id, actType: 'assault', outcome: 'injured' }] },
    });
    expect(incident.status).toBe(201);
    const id = incident.body.id as string;
    expect(await list(1)).not.toContain(id);
    expect((await call('POST', `/api/v1/press/incidents/${id}/publish`, { base: baseOf(0), session: reviewer, client: client() })).status).toBe(200);
    expect(await list(1)).toContain(id);
  });

  it('stayed up throughout', () => {
    for (const s of servers) expect(s.child.exitCode, s.output()).toBeNull();
  });
});
