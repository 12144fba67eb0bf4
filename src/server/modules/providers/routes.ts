import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { decodeSortCursor, encodeSortCursor } from '../../db/pagination.ts';
import { notFound } from '../../errors.ts';
import { ErrorBody, IdParams, page } from '../../../shared/schemas/common.ts';
import { CapacityBody, CreateProviderBody, ProviderSearchQuery, ProviderView, UpdateProviderBody } from '../../../shared/schemas/providers.ts';
import * as providers from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['providers'];

export const providerRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/providers', {
    schema: { tags, summary: 'Search the service providers\' directory by service type, region, language, age and sex served, and free capacity; newest first or in the order `sort` asks (`created`, `name`/`-name`, `free`/`-free`: unknown capacity last when descending); another `sort` is 400 naming `sort`, a cursor of another order 400 naming `cursor`', querystring: ProviderSearchQuery, response: { 200: page(ProviderView), ...errors } },
  }, async (req) => {
    who(req);
    const { limit, cursor, sort, ...filters } = req.query;
    const rows = await providers.searchProviders(db, { ...filters, sort, limit, cursor: decodeSortCursor(cursor, sort, (v) => providers.providerCursorValue(sort, v), '-created') });
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return { items: pageRows.map(providers.toProviderView), nextCursor: more && last ? encodeSortCursor(sort, providers.providerSortValue(sort, last), last.id) : null };
  });

  app.get('/providers/:id', {
    schema: { tags, summary: 'One provider', params: IdParams, response: { 200: ProviderView, ...errors } },
  }, async (req) => {
    who(req);
    const row = await providers.findProvider(db, req.params.id);
    if (!row) throw notFound('Provider');
    return providers.toProviderView(row);
  });

  app.post('/providers', {
    schema: { tags, summary: 'Add a provider to the directory (providers:manage)', body: CreateProviderBody, response: { 201: ProviderView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await providers.createProvider(db, who(req), actor(req), req.body)));

  app.patch('/providers/:id', {
    schema: { tags, summary: 'Change a provider, or deactivate it (providers:manage)', params: IdParams, body: UpdateProviderBody, response: { 200: ProviderView, ...errors } },
  }, async (req) => providers.updateProvider(db, who(req), actor(req), req.params.id, req.body));

  app.put('/providers/:id/capacity', {
    schema: { tags, summary: 'Say how many places are free now (the provider\'s own staff)', params: IdParams, body: CapacityBody, response: { 200: ProviderView, ...errors } },
  }, async (req) => providers.updateCapacity(db, who(req), actor(req), req.params.id, req.body));
};
