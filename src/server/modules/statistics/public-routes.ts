import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { LangQuery, PublicRelease, PublicReleaseItem, PublicReleaseParams, StatisticsDictionary } from '../../../shared/schemas/statistics.ts';
import { dictionary, PublicStatistics } from './public-service.ts';

const errors = { 400: ErrorBody, 404: ErrorBody, 410: ErrorBody, 429: ErrorBody };
const tags = ['statistics (public)'];
const security: Array<Record<string, string[]>> = [];

/** Approved statistical releases for everyone: no sign-in, rate limited like the public press API, cached. */
export const statisticsPublicRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app.deps;
  app.addHook('onRequest', app.rateLimit({ max: config.publicRatePerMinute, timeWindow: '1 minute', groupId: 'statistics-public' }));
  // Approved releases only, for everyone: read on the read replica when one is set (db/read-replica.ts).
  const pub = new PublicStatistics(app.reads);

  app.get('/', { schema: { tags, security, summary: 'Approved statistical releases, newest first', querystring: LangQuery, response: { 200: z.object({ items: z.array(PublicReleaseItem) }), ...errors } } }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send((await pub.list()) as never),
  );

  app.get('/data-dictionary', { schema: { tags, security, summary: 'What each open-data column means', querystring: LangQuery, response: { 200: StatisticsDictionary, ...errors } } }, async (req) => dictionary(req.query.lang));

  app.get('/:releaseId', {
    schema: {
      tags,
      security,
      summary: "One approved release's tables: suppressed cells have value null and suppressed primary or secondary",
      params: PublicReleaseParams,
      querystring: LangQuery,
      response: { 200: PublicRelease, ...errors },
    },
  }, async (req, reply) => reply.type('application/json; charset=utf-8').send((await pub.release(req.params.releaseId, req.query.lang)) as never));

  app.get('/:releaseId/export.csv', {
    schema: { tags, security, summary: 'Open data: the release as CSV, one row per cell (see the data dictionary)', params: PublicReleaseParams, querystring: LangQuery, response: { 200: z.string().describe('text/csv'), ...errors } },
  }, async (req, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="statistics-${req.params.releaseId}.csv"`).send((await pub.csv(req.params.releaseId, req.query.lang)) as never),
  );

  app.get('/:releaseId/export.json', {
    schema: { tags, security, summary: 'Open data: the release as JSON rows, one per cell (see the data dictionary)', params: PublicReleaseParams, querystring: LangQuery, response: { 200: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))), ...errors } },
  }, async (req, reply) =>
    reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="statistics-${req.params.releaseId}.json"`).send((await pub.json(req.params.releaseId, req.query.lang)) as never),
  );
};
