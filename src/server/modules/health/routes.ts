import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { databaseUnavailable } from '../../db/database.ts';

/** How long the health check waits for the database before calling it degraded. */
const CHECK_TIMEOUT_MS = 3000;

/** Present only when DATABASE_READ_URL is set. */
const Replica = z
  .object({
    status: z.enum(['ok', 'down']).describe('`down`: lag-tolerant reads are served by the primary until the standby answers again'),
    standby: z.boolean().nullable().describe('the server at DATABASE_READ_URL is in recovery (a standby); null while down'),
    lagSeconds: z.number().nullable().describe('time since the last transaction the standby replayed (grows while the primary is idle); null while down or before any'),
  })
  .optional();
const Health = z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'external']), version: z.string(), replica: Replica });
const Degraded = z.object({
  status: z.literal('degraded'),
  database: z.enum(['embedded', 'external']),
  version: z.string(),
  replica: Replica,
  reason: z.literal('database_unavailable'),
  message: z.string(),
});

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/health', {
    schema: {
      tags: ['health'],
      summary: 'Liveness and database reachability',
      description:
        '200 `ok` when the database answers. 503 `degraded` while it does not (restarting, failing over, unreachable), with the reason: ' +
        'the process keeps running and carries on by itself when the database is back. ' +
        'With DATABASE_READ_URL, `replica` says whether the standby answers; a standby that is down does not make the answer `degraded` (its reads go to the primary).',
      security: [],
      response: { 200: Health, 503: Degraded },
    },
  }, async (_req, reply) => {
    // The standby is asked at the same time as the primary.
    const replicaCheck = app.reads.check(CHECK_TIMEOUT_MS);
    const embedded = app.deps.embeddedState?.();
    let why: string | null = null;
    if (embedded && !embedded.up) {
      why = `the embedded PostgreSQL stopped (${embedded.lastExit ?? 'unknown cause'}) and is being started again`;
    } else {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          sql`SELECT 1`.execute(app.deps.db),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout exceeded when trying to connect')), CHECK_TIMEOUT_MS))),
        ]);
      } catch (e) {
        why = databaseUnavailable(e) ?? 'the database does not answer';
      } finally {
        clearTimeout(timer);
      }
    }
    const replica = await replicaCheck;
    const base = { database: app.deps.databaseKind, version: app.deps.version, ...(replica ? { replica } : {}) };
    if (why) {
      // The cause (a host name, an address) goes to the log; this unauthenticated answer says what kind.
      app.log.warn({ db: { reason: why } }, 'health: database unavailable');
      const message = embedded && !embedded.up ? 'The embedded PostgreSQL stopped and is being started again' : 'The database does not answer';
      reply.header('retry-after', '5');
      return reply.status(503).send({ status: 'degraded' as const, ...base, reason: 'database_unavailable' as const, message });
    }
    return { status: 'ok' as const, ...base };
  });
};
