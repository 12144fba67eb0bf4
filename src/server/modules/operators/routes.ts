import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { EscalationList, EscalationListQuery, OperatorStateView, SetOperatorStateBody, SupervisorOverview } from '../../../shared/schemas/operators.ts';
import * as operators from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const operatorRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get('/operator/state', {
    schema: { tags: ['operators'], summary: 'Your console state (available, on contact, wrap-up, break) and since when', response: { 200: OperatorStateView, ...errors } },
  }, async (req) => operators.getMyState(db, requireAuth(req).principal));

  app.put('/operator/state', {
    schema: {
      tags: ['operators'],
      summary: 'Choose available or break',
      description: 'On contact and wrap-up follow from the contact (accept, the call ending, close). While on a contact the change is refused (409 `on_contact`). Audited and pushed live (`operator_state` event).',
      body: SetOperatorStateBody,
      response: { 200: OperatorStateView, ...errors },
    },
  }, async (req) => operators.setMyState(db, requireAuth(req).principal, actor(req), req.body.state));

  app.get('/supervisor/overview', {
    schema: {
      tags: ['operators'],
      summary: 'The shift supervisor\'s view of the agency\'s hotline (contacts:supervise)',
      description: 'Operators with their state and since when; waiting and taken contacts; today\'s abandoned contacts; today\'s numbers (from midnight in your time zone); escalations (open and of the last 24 hours) with the time to acknowledgement.',
      response: { 200: SupervisorOverview, ...errors },
    },
  }, async (req) => {
    const auth = requireAuth(req);
    return operators.overview(db, auth.principal, auth.user.timeZone);
  });

  app.get('/escalations', {
    schema: {
      tags: ['operators'],
      summary: 'Escalations that alerted your agency (the hotline\'s supervisors, the region\'s police)',
      querystring: EscalationListQuery,
      response: { 200: EscalationList, ...errors },
    },
  }, async (req) => ({ items: await operators.escalationAlerts(db, requireAuth(req).principal, req.query.open) }));
};
