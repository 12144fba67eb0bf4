import crypto from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import client from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { poolOf, type Db } from '../db/database.ts';
import { auditAppendTimes } from '../audit/timing.ts';
import type { LiveHub } from '../live/hub.ts';

/** Seconds; from a cached page (a few ms) to a slow export. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WAIT_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

/**
 * The Prometheus metrics of one Pathway process (docs/operations.md, "Metrics"), in a registry of its
 * own. Counted as things happen: requests by route pattern (never the raw URL, which holds ids),
 * their latency, error answers by code, the wait for a database connection, audit appends. Read at
 * each scrape: the pool's connections, the e-mail outbox and reply delivery queues (depth and the age
 * of the oldest due item), live streams.
 */
export class Metrics {
  readonly registry = new client.Registry();
  private readonly requests: client.Counter<'method' | 'route' | 'status'>;
  private readonly latency: client.Histogram<'method' | 'route'>;
  private readonly errors: client.Counter<'code' | 'status'>;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(db: Db, live: LiveHub, replica: Db | null = null) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'pathway_' });
    this.requests = new client.Counter({ name: 'pathway_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new client.Histogram({ name: 'pathway_http_request_duration_seconds', help: 'Time to answer, by method and route pattern', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers });
    this.errors = new client.Counter({ name: 'pathway_http_errors_total', help: 'Error answers by their error code and status', labelNames: ['code', 'status'], registers });

    // The primary's pool, and the read replica's when DATABASE_READ_URL is set, told apart by `pool`.
    const pools = [['primary', poolOf(db)] as const, ...(replica ? [['read', poolOf(replica)] as const] : [])];
    const wait = new client.Histogram({ name: 'pathway_db_pool_wait_seconds', help: 'Wait for a database connection from the pool (a free one or a new one), by pool (primary, read)', labelNames: ['pool'], buckets: WAIT_BUCKETS, registers });
    for (const [name, pool] of pools) {
      if (!pool) continue;
      const onWait = (s: number) => wait.observe({ pool: name }, s);
      const events = pool as unknown as EventEmitter;
      events.on('pathway:wait', onWait);
      this.unsubscribe.push(() => events.off('pathway:wait', onWait));
    }
    new client.Gauge({
      name: 'pathway_db_pool_connections',
      help: 'Database pool connections by pool (primary, read): total open, idle, in use, and requests waiting for one',
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        for (const [name, pool] of pools) {
          if (!pool) continue;
          this.set({ pool: name, state: 'total' }, pool.totalCount);
          this.set({ pool: name, state: 'idle' }, pool.idleCount);
          this.set({ pool: name, state: 'in_use' }, pool.totalCount - pool.idleCount);
          this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
        }
      },
    });
    const audit = new client.Histogram({ name: 'pathway_audit_append_seconds', help: 'Time to append to the audit log, the wait for its lock included', buckets: WAIT_BUCKETS, registers });
    const onAppend = (s: number) => audit.observe(s);
    auditAppendTimes.on('append', onAppend);
    this.unsubscribe.push(() => auditAppendTimes.off('append', onAppend));

    new client.Gauge({
      name: 'pathway_live_streams',
      help: 'Open live streams (operator consoles) on this process',
      registers,
      collect() {
        this.set(live.subscribers);
      },
    });
    new client.Gauge({
      name: 'pathway_live_listening',
      help: '1 while the LISTEN connection that feeds live streams is up',
      registers,
      collect() {
        this.set(live.listening ? 1 : 0);
      },
    });

    // One query for both queues at each scrape (their partial indexes hold only pending rows), shared
    // by the three gauges the registry reads at once.
    type QueueRow = { queue: string; depth: number; age: number };
    let reading: Promise<QueueRow[] | null> | null = null;
    const readQueues = () =>
      (reading ??= sql<QueueRow>`
        SELECT 'mail_outbox' AS queue, count(*)::int AS depth, COALESCE(EXTRACT(EPOCH FROM now() - min(next_attempt_at)), 0)::float8 AS age
          FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= now()
        UNION ALL
        SELECT 'reply_delivery', count(*)::int, COALESCE(EXTRACT(EPOCH FROM now() - min(next_attempt_at)), 0)::float8
          FROM contact_messages WHERE delivery = 'pending' AND next_attempt_at <= now()`
        .execute(db)
        .then((r) => r.rows, () => null)
        .finally(() => setImmediate(() => (reading = null))));
    new client.Gauge({
      name: 'pathway_queue_depth',
      help: 'Items due and waiting, by queue (mail_outbox, reply_delivery)',
      labelNames: ['queue'],
      registers,
      async collect() {
        for (const r of (await readQueues()) ?? []) this.set({ queue: r.queue }, r.depth);
      },
    });
    new client.Gauge({
      name: 'pathway_queue_oldest_age_seconds',
      help: 'How long the oldest due item of each queue has waited',
      labelNames: ['queue'],
      registers,
      async collect() {
        for (const r of (await readQueues()) ?? []) this.set({ queue: r.queue }, r.age);
      },
    });
    new client.Gauge({
      name: 'pathway_database_up',
      help: '1 when the database answered the last scrape',
      registers,
      async collect() {
        this.set((await readQueues()) ? 1 : 0);
      },
    });
  }

  /** Counts every answer of `app` by its route pattern; error answers by their code. */
  instrument(app: FastifyInstance): void {
    app.addHook('onSend', async (_req, reply, payload) => {
      if (reply.statusCode >= 400 && typeof payload === 'string' && payload.startsWith('{"error"')) {
        const code = /^\{"error":\{"code":"([a-z_]{1,64})"/.exec(payload)?.[1] ?? 'unknown';
        this.errors.inc({ code, status: String(reply.statusCode) });
      }
      return payload;
    });
    app.addHook('onResponse', async (req, reply) => {
      // Unmatched requests (404s, probes for random paths) share one label, or they could grow without end.
      const route = req.routeOptions.url ?? 'unmatched';
      this.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
      this.latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    this.registry.clear();
  }
}

/** Is the `Authorization: Bearer …` header this token? Compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * The metrics on an address of their own (PATHWAY_METRICS_PORT, on PATHWAY_METRICS_HOST, 127.0.0.1
 * unless set), for a Prometheus that reaches the machine on a private network; the token is asked
 * there too when one is set. Resolves once listening; the function returned closes it.
 */
export async function serveMetrics(metrics: Metrics, host: string, port: number, token: string | undefined): Promise<() => Promise<void>> {
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('unauthorized\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
