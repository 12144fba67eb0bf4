import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.ts';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/health', {
    schema: {
      tags: ['health'],
      summary: 'Liveness and database reachability',
      security: [],
      response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'external']), version: z.string() }) },
    },
  }, async () => {
    try {
      await sql`SELECT 1`.execute(app.deps.db);
    } catch {
      throw new AppError('database_unavailable', 503, 'The database does not answer');
    }
    return { status: 'ok' as const, database: app.deps.databaseKind, version: app.deps.version };
  });
};
