import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { freePort } from '../db/embedded.ts';
import { serveMetrics } from './metrics.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
let off: TestApp;
let on: TestApp;
let admin: Session;

beforeAll(async () => {
  off = await createTestApp();
  on = await createTestApp({ metrics: { enabled: true, token: TOKEN, port: undefined, host: '127.0.0.1' } });
  const user = await makeUser(on.db, { roles: ['administrator'] });
  admin = await signIn(on.app, user.email);
});
afterAll(async () => {
  await off.close();
  await on.close();
});

const scrape = (t: TestApp, authorization?: string) => t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });

describe('GET /metrics', () => {
  it('is not found unless the metrics are enabled', async () => {
    const res = await scrape(off, `Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('asks for the bearer token', async () => {
    for (const header of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await scrape(on, header);
      expect(res.statusCode, String(header)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).not.toContain('pathway_');
    }
  });

  it('counts requests by route pattern, errors by code, pool, queues, streams and audit appends', async () => {
    const created = await on.app.inject({ method: 'POST', url: '/api/v1/agencies', headers: admin.headers, payload: { name: 'Metrics agency', type: 'ngo' } });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    expect((await on.app.inject({ method: 'GET', url: `/api/v1/agencies/${id}`, headers: admin.headers })).statusCode).toBe(200);
    expect((await on.app.inject({ method: 'GET', url: '/api/v1/agencies?limit=nonsense', headers: admin.headers })).statusCode).toBe(400);
    expect((await on.app.inject({ method: 'GET', url: '/api/v1/no-such-thing/123' })).statusCode).toBe(404);

    const res = await scrape(on, `Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toContain('pathway_http_requests_total{method="POST",route="/api/v1/agencies",status="201"} 1');
    expect(text).toContain('pathway_http_requests_total{method="GET",route="/api/v1/agencies/:id",status="200"} 1');
    expect(text).toContain('pathway_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).not.toContain(id); // the pattern, never the raw URL
    expect(text).toMatch(/pathway_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/agencies"\} 1/);
    expect(text).toContain('pathway_http_errors_total{code="validation_failed",status="400"} 1');
    expect(text).toContain('pathway_http_errors_total{code="not_found",status="404"} 1');
    expect(text).toMatch(/pathway_db_pool_connections\{pool="primary",state="total"\} [1-9]/);
    expect(text).toMatch(/pathway_db_pool_wait_seconds_count\{pool="primary"\} [1-9]/);
    // No DATABASE_READ_URL: no read pool.
    expect(text).not.toContain('pool="read"');
    expect(text).toMatch(/pathway_audit_append_seconds_count [1-9]/);
    expect(text).toContain('pathway_queue_depth{queue="mail_outbox"} 0');
    expect(text).toContain('pathway_queue_depth{queue="reply_delivery"} 0');
    expect(text).toContain('pathway_database_up 1');
    expect(text).toContain('pathway_live_streams 0');
    expect(text).toContain('pathway_live_listening 1');
    expect(text).toContain('pathway_process_resident_memory_bytes');
  });

  it('shows the queue depth and the age of the oldest due item', async () => {
    await sql`INSERT INTO mail_outbox (kind, recipient, subject, body, next_attempt_at) VALUES ('escalation', 'someone@example.org', 's', 'b', now() - interval '2 minutes')`.execute(on.db);
    const text = (await scrape(on, `Bearer ${TOKEN}`)).body;
    expect(text).toContain('pathway_queue_depth{queue="mail_outbox"} 1');
    const age = Number(/pathway_queue_oldest_age_seconds\{queue="mail_outbox"\} ([\d.]+)/.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(119);
  });

  it('can be served on an address of its own', async () => {
    const port = await freePort();
    const close = await serveMetrics(on.app.metrics!, '127.0.0.1', port, TOKEN);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('pathway_http_requests_total');
    } finally {
      await close();
    }
  });
});

describe('the metrics settings', () => {
  it('refuse metrics with neither a token nor an address of their own', () => {
    expect(() => loadConfig({ PATHWAY_METRICS: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ PATHWAY_METRICS: '1' })).toThrow(/PATHWAY_METRICS_TOKEN/);
    expect(() => loadConfig({ PATHWAY_METRICS: '1', PATHWAY_METRICS_TOKEN: 'short' })).toThrow(/PATHWAY_METRICS_TOKEN/);
    expect(loadConfig({ PATHWAY_METRICS: '1', PATHWAY_METRICS_PORT: '9464' }).metrics).toEqual({ enabled: true, token: undefined, port: 9464, host: '127.0.0.1' });
    expect(loadConfig({}).metrics.enabled).toBe(false);
  });
});
