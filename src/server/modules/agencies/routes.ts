import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { requirePermission } from '../../access/policy.ts';
import { decodeCursor, pageOf } from '../../db/pagination.ts';
import { notFound } from '../../errors.ts';
import { ErrorBody, IdParams, page } from '../../../shared/schemas/common.ts';
import { AgencyListQuery, AgencyView, CreateAgencyBody, UpdateAgencyBody } from '../../../shared/schemas/admin.ts';
import * as agencies from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['agencies'];

export const agencyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;

  // Every signed-in user may read the directory of agencies: referrals need it.
  app.get('/agencies', { schema: { tags, summary: 'List agencies', querystring: AgencyListQuery, response: { 200: page(AgencyView), ...errors } } }, async (req) => {
    requireAuth(req);
    const { limit, cursor, q, type } = req.query;
    const p = pageOf(await agencies.listAgencies(db, { q, type, limit, cursor: decodeCursor(cursor) }), limit);
    return { items: p.rows.map(agencies.toAgencyView), nextCursor: p.nextCursor };
  });

  app.get('/agencies/:id', { schema: { tags, summary: 'One agency', params: IdParams, response: { 200: AgencyView, ...errors } } }, async (req) => {
    requireAuth(req);
    const a = await agencies.findAgency(db, req.params.id);
    if (!a) throw notFound('Agency');
    return agencies.toAgencyView(a);
  });

  app.post('/agencies', { schema: { tags, summary: 'Create an agency (administrators)', body: CreateAgencyBody, response: { 201: AgencyView, ...errors } } }, async (req, reply) => {
    const a = requireAuth(req);
    requirePermission(a.principal, 'agencies:manage');
    // Made while Pathway runs in demo mode (or by a demo account): demo, and refused outside it.
    return reply.status(201).send(await agencies.createAgency(db, actor(req), { ...req.body, isDemo: config.demo || a.user.isDemo }));
  });

  app.patch('/agencies/:id', { schema: { tags, summary: 'Change or disable an agency (administrators)', params: IdParams, body: UpdateAgencyBody, response: { 200: AgencyView, ...errors } } }, async (req) => {
    requirePermission(requireAuth(req).principal, 'agencies:manage');
    return agencies.updateAgency(db, actor(req), req.params.id, req.body);
  });
};
