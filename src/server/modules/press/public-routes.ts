import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import { DataDictionary, PublicIncident, PublicListItem, PublicListQuery, PublicSummary } from '../../../shared/schemas/press.ts';
import { dataDictionary, exportCsv, exportJson, getPublic, PublicListCache, SummaryCache } from './public-service.ts';

const errors = { 400: ErrorBody, 404: ErrorBody, 429: ErrorBody };
const tags = ['press (public)'];
const security: Array<Record<string, string[]>> = [];

/** The public page's API: no sign-in, published incidents only, public fields only. */
export const pressPublicRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app.deps;
  // Published incidents only, for everyone: read on the read replica when one is set
  // (db/read-replica.ts). Each answer is read on one server (`pinned`), so that a cache's key (the
  // public version) and the page it keeps agree; the streamed exports read batch by batch.
  const { reads } = app;
  const db = reads.db;
  // One budget per client address (the proxy's X-Forwarded-For when PATHWAY_TRUST_PROXY is set) for
  // every route below, the page and the open data alike: past it, 429 {error:{code:'rate_limited'}}
  // with retry-after. One limiter for the whole scope, so that the routes share the count.
  app.addHook('onRequest', app.rateLimit({ max: config.publicRatePerMinute, timeWindow: '1 minute', groupId: 'press-public' }));
  const summary = new SummaryCache(reads);
  const pages = new PublicListCache(reads);
  // Streams are sent as they are; the response schemas below document them for the OpenAPI description.

  app.get('/incidents', { schema: { tags, security, summary: 'Published incidents, newest first, with filters', querystring: PublicListQuery, response: { 200: z.object({ items: z.array(PublicListItem), nextCursor: z.string().nullable() }), ...errors } } }, async (req, reply) =>
    // Already JSON (see listPublicJson), cached per public version (PublicListCache): sent as it is, the schema above documents it.
    reply.type('application/json; charset=utf-8').send((await pages.get(req.query)) as never),
  );

  app.get('/incidents/:id', { schema: { tags, security, summary: 'One published incident with its investigation timeline', params: IdParams, response: { 200: PublicIncident, ...errors } } }, async (req) =>
    reads.pinned((r) => getPublic(r, req.params.id)),
  );

  app.get('/summary', { schema: { tags, security, summary: 'Figures for the charts: per year, solved and unsolved, time since the last investigative act, impunity index', response: { 200: PublicSummary, ...errors } } }, async () =>
    summary.get(),
  );

  app.get('/export.csv', { schema: { tags, security, summary: 'Open data: published incidents as CSV (see the data dictionary)', response: { 200: z.string().describe('text/csv'), 429: ErrorBody } } }, async (_req, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="press-incidents.csv"').send(exportCsv(db) as never),
  );

  app.get('/export.json', { schema: { tags, security, summary: 'Open data: published incidents as a JSON array of public documents', response: { 200: z.array(PublicIncident.omit({ related: true })), 429: ErrorBody } } }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="press-incidents.json"').send(exportJson(db) as never),
  );

  app.get('/data-dictionary', { schema: { tags, security, summary: 'What each open-data column means', response: { 200: DataDictionary, 429: ErrorBody } } }, async () => dataDictionary());
};
