import { Writable } from 'node:stream';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { loggerOptions } from '../../src/server/logger.ts';
import type { FastifyInstance } from 'fastify';
import { cloneTestDatabase } from '../helpers/db.ts';
import { makeUser, PASSWORD } from '../helpers/app.ts';
import { sessionCookieName } from '../../src/server/auth/cookies.ts';
import type { Db } from '../../src/server/db/database.ts';

let lines = '';
let app: FastifyInstance;
let db: Db;
let drop: () => Promise<void>;

beforeAll(async () => {
  const clone = await cloneTestDatabase();
  db = clone.db;
  drop = clone.drop;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines += chunk.toString();
      done();
    },
  });
  const options = loggerOptions('info') as pino.LoggerOptions;
  const config = loadConfig({ LOG_LEVEL: 'info' }, { webDistDir: '/nonexistent', loginRatePerMinute: 1000 });
  app = await buildApp({ config, db, databaseKind: 'external', version: 'test', logger: { ...options, stream } as never });
  // A route that makes PostgreSQL fail on a value, as a module's query might.
  app.get('/api/test-db-error', async () => sql`SELECT ${'Hüseynov-secret-value'}::int`.execute(db));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await drop();
});

describe('logs', () => {
  it('are JSON lines with request ids and hold no password, cookie, CSRF token, API token or query string', async () => {
    const u = await makeUser(db);
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: 'a wrong password guess' } });
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: PASSWORD } });
    const cookie = login.cookies.find((c) => c.name === sessionCookieName(false))!.value;
    const csrf = login.json().csrfToken as string;
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: { cookie: `${sessionCookieName(false)}=${cookie}`, 'x-csrf-token': csrf },
      payload: { name: 'log test', expiresInDays: 1 },
    });
    const token = created.json().token as string;
    await app.inject({ method: 'GET', url: '/api/v1/me?q=Hüseynov', headers: { authorization: `Bearer ${token}` } });
    await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer pw_bogus_token_value_that_is_wrong' } });

    const entries = lines.trim().split('\n').map((l) => JSON.parse(l) as { reqId?: string });
    expect(entries.length).toBeGreaterThan(6);
    expect(entries.filter((e) => e.reqId).length).toBeGreaterThan(6);
    for (const secret of [PASSWORD, 'a wrong password guess', cookie, csrf, token, 'pw_bogus_token_value_that_is_wrong', 'Hüseynov', 'H%C3%BCseynov']) {
      expect(lines).not.toContain(secret);
    }
  });

  it('the audit entry of a request carries that request\'s id', async () => {
    const u = await makeUser(db);
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: PASSWORD }, headers: { 'x-request-id': 'trace-abc-12345' } });
    expect(res.headers['x-request-id']).toBe('trace-abc-12345');
    const entry = await db.selectFrom('auditLog').selectAll().where('action', '=', 'auth.login').where('actorUserId', '=', u.id).executeTakeFirstOrThrow();
    expect(entry.requestId).toBe('trace-abc-12345');
    expect(entry.ip).toBe('127.0.0.1');
  });

  it('a database error is logged by code and place, without the values PostgreSQL quotes', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/test-db-error' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_value');
    expect(lines).toContain('"code":"22P02"');
    expect(lines).not.toContain('Hüseynov-secret-value');
  });

  it('the API description is browsable', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('security headers', () => {
  it('every API answer carries no-store and nosniff', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});
