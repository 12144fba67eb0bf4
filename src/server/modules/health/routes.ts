import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { databaseUnavailable } from '../../db/database.ts';

/** How long the health check waits for the database before calling it degraded. */
const CHECK_TIMEOUT_MS = 3000;

const Health = z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'external']), version: z.string() });
const Degraded = z.object({
  status: z.literal('degraded'),
  database: z.enum(['embedded', 'external']),
  version: z.string(),
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
        'the process keeps running and carries on by itself when the database is back.',
      security: [],
      response: { 200: Health, 503: Degraded },
    },
  }, async (_req, reply) => {
    const base = { database: app.deps.databaseKind, version: app.deps.version };
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
