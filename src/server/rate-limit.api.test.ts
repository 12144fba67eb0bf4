import Fastify from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../test/helpers/db.ts';
import { freePort } from './db/embedded.ts';
import { createDb, databaseUnavailable, type Db } from './db/database.ts';
import { incrementHits, postgresRateLimitStore } from './rate-limit.ts';

const hash = (key: string) => `h(${key})`;
let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await cloneTestDatabase());
});
afterAll(() => drop());

describe('rate-limit counters in PostgreSQL', () => {
  it('count concurrent hits atomically: each hit gets its own number, none lost', async () => {
    const hits = await Promise.all(Array.from({ length: 40 }, () => incrementHits(db, 'test:atomic', '198.51.100.7', 60_000)));
    expect(hits.map((h) => h.current).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const h of hits) expect(h.ttl).toBeGreaterThan(50_000);
    for (const h of hits) expect(h.ttl).toBeLessThanOrEqual(60_000);
    // Another key and another bucket count on their own.
    expect((await incrementHits(db, 'test:atomic', '198.51.100.8', 60_000)).current).toBe(1);
    expect((await incrementHits(db, 'test:other', '198.51.100.7', 60_000)).current).toBe(1);
  });

  it('start a new window once the last one has ended', async () => {
    expect((await incrementHits(db, 'test:window', 'k', 300)).current).toBe(1);
    expect((await incrementHits(db, 'test:window', 'k', 300)).current).toBe(2);
    await new Promise((r) => setTimeout(r, 400));
    const again = await incrementHits(db, 'test:window', 'k', 300);
    expect(again.current).toBe(1);
    expect(again.ttl).toBeGreaterThan(0);
  });

  it('hold a limit across two apps on one database, route limits and named groups apart', async () => {
    const make = async () => {
      const app = Fastify();
      await app.register(fastifyRateLimit, { global: false, keyGenerator: () => 'client', store: postgresRateLimitStore(db, hash) });
      app.get('/limited', { config: { rateLimit: { max: 3, timeWindow: '1 minute' } } }, async () => ({ ok: true }));
      await app.register(async (scope) => {
        scope.addHook('onRequest', scope.rateLimit({ max: 2, timeWindow: '1 minute', groupId: 'test-group' }));
        scope.get('/group/a', async () => ({ ok: true }));
        scope.get('/group/b', async () => ({ ok: true }));
      });
      await app.ready();
      return app;
    };
    const [one, two] = [await make(), await make()];
    try {
      const limited = [];
      for (const app of [one, two, one, two]) limited.push((await app.inject({ url: '/limited' })).statusCode);
      expect(limited).toEqual([200, 200, 200, 429]);
      // The group's routes share their count, apart from the route's.
      const grouped = [];
      for (const [app, url] of [[one, '/group/a'], [two, '/group/b'], [one, '/group/b']] as const) grouped.push((await app.inject({ url })).statusCode);
      expect(grouped).toEqual([200, 200, 429]);
      // Counted under the hashed key only, and one bucket per limit.
      const rows = await db.selectFrom('rateLimitCounters').select(['bucket', 'key', 'hits']).where('key', '=', 'h(client)').orderBy('bucket').execute();
      expect(rows).toEqual([
        { bucket: 'group:test-group', key: 'h(client)', hits: 3 },
        { bucket: 'route:GET /limited', key: 'h(client)', hits: 4 },
      ]);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('refuses to start a limit outside a route without a name for its counters', async () => {
    const app = Fastify();
    await app.register(fastifyRateLimit, { global: false, store: postgresRateLimitStore(db, hash) });
    expect(() => app.rateLimit({ max: 2, timeWindow: '1 minute' })).toThrow(/groupId/);
    await app.close();
  });

  it('fails with an outage error the error handler answers as 503 when the database cannot be reached', async () => {
    const dead = createDb(`postgres://postgres@127.0.0.1:${await freePort()}/none`, 1, { connectTimeoutMs: 1000 });
    try {
      const err = await incrementHits(dead, 'test:down', 'k', 60_000).then(
        () => null,
        (e: unknown) => e,
      );
      expect(databaseUnavailable(err)).toMatch(/cannot be reached|connection/);
    } finally {
      await dead.destroy();
    }
  });
});
