import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import {
  AddAssistanceServiceBody,
  AssistancePlanBody,
  AssistancePlanView,
  AssistanceServiceParams,
  AssistanceServiceView,
  UpdateAssistanceServiceBody,
} from '../../../shared/schemas/case-support.ts';
import * as assistance from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['cases'];

/** Needs assessment and assistance plan (CETS art. 12). Nothing here asks about, or depends on, cooperation with the police. */
export const assistanceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/cases/:id/assistance-plan', {
    schema: { tags, summary: "A case's needs assessment and assistance plan with its services (section `assistance`; the read is audited)", params: IdParams, response: { 200: AssistancePlanView, ...errors } },
  }, async (req) => assistance.getPlan(db, actor(req), who(req), req.params.id));

  app.put('/cases/:id/assistance-plan', {
    schema: { tags, summary: 'Set the needs assessment and the goals (the agency that holds the case)', params: IdParams, body: AssistancePlanBody, response: { 200: AssistancePlanView, ...errors } },
  }, async (req) => assistance.savePlan(db, actor(req), who(req), req.params.id, req.body));

  app.post('/cases/:id/assistance-plan/services', {
    schema: {
      tags,
      summary: 'Add a service to the plan (CETS art. 12). `in_progress` and `delivered` need the person\'s consent to assistance (`consentId`)',
      params: IdParams,
      body: AddAssistanceServiceBody,
      response: { 201: AssistanceServiceView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await assistance.addService(db, actor(req), who(req), req.params.id, req.body)));

  app.patch('/cases/:id/assistance-plan/services/:serviceId', {
    schema: { tags, summary: "Change a service's status, provider, dates, consent or note", params: AssistanceServiceParams, body: UpdateAssistanceServiceBody, response: { 200: AssistanceServiceView, ...errors } },
  }, async (req) => assistance.updateService(db, actor(req), who(req), req.params.id, req.params.serviceId, req.body));
};
