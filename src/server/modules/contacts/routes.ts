import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { decodeCursor, pageOf } from '../../db/pagination.ts';
import { ErrorBody, IdParams, page } from '../../../shared/schemas/common.ts';
import {
  CloseContactBody,
  ContactDetail,
  ContactFormBody,
  ContactListQuery,
  ContactView,
  CreateContactBody,
  DraftView,
  EscalateBody,
  EscalationParams,
  EscalationView,
  HistoryView,
  ReassignBody,
  SaveDraftBody,
  ScreeningView,
  StoreScreeningBody,
} from '../../../shared/schemas/contacts.ts';
import * as repo from './repository.ts';
import { mailSettings } from '../../mail/outbox.ts';
import * as contacts from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['contacts'];

export const contactRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const keys = app.keys;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/contacts', {
    schema: { tags, summary: 'Contacts the user may see, newest first (filters: status and channel as comma lists, date range, region)', querystring: ContactListQuery, response: { 200: page(ContactView), ...errors } },
  }, async (req) => {
    const p = who(req);
    const { limit, cursor, ...filters } = req.query;
    const rows = await repo.listContacts(db, p, { ...filters, limit, cursor: decodeCursor(cursor) });
    const pg = pageOf(rows, limit);
    return { items: pg.rows.map((r) => contacts.toContactView(p, r)), nextCursor: pg.nextCursor };
  });

  app.post('/contacts', {
    schema: { tags, summary: 'Enter a contact by hand (walk-in, e-mail, a call logged afterwards); it is yours and in progress', body: CreateContactBody, response: { 201: ContactView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await contacts.createContact(db, keys, who(req), actor(req), req.body)));

  app.get('/contacts/:id', {
    schema: { tags, summary: 'One contact with its messages, screenings and escalations (the read is audited)', params: IdParams, response: { 200: ContactDetail, ...errors } },
  }, async (req) => contacts.getContact(db, who(req), actor(req), req.params.id));

  app.get('/contacts/:id/history', {
    schema: { tags, summary: 'Other contacts from the same number or handle (repeat contactor) and what came of them', params: IdParams, response: { 200: HistoryView, ...errors } },
  }, async (req) => contacts.history(db, who(req), actor(req), req.params.id));

  app.post('/contacts/:id/accept', {
    schema: { tags, summary: 'Take a waiting contact', params: IdParams, response: { 200: ContactView, ...errors } },
  }, async (req) => contacts.accept(db, who(req), actor(req), req.params.id));

  app.get('/contacts/:id/draft', {
    schema: { tags, summary: 'Your saved draft of the contact form', params: IdParams, response: { 200: DraftView, ...errors } },
  }, async (req) => contacts.getDraft(db, who(req), req.params.id));

  app.put('/contacts/:id/draft', {
    schema: { tags, summary: 'Save your draft of the contact form (often; survives reloads and restarts)', params: IdParams, body: SaveDraftBody, response: { 200: DraftView, ...errors } },
  }, async (req) => contacts.saveDraft(db, who(req), actor(req), req.params.id, req.body.data, req.body.baseVersion));

  app.put('/contacts/:id/form', {
    schema: { tags, summary: 'Submit the contact form onto the contact; your draft is removed', params: IdParams, body: ContactFormBody, response: { 200: ContactView, ...errors } },
  }, async (req) => contacts.submitForm(db, keys, who(req), actor(req), req.params.id, req.body));

  app.post('/contacts/:id/screenings', {
    schema: {
      tags,
      summary: 'Store an ILO screening on the contact; the list follows from age and exploitation type',
      description: 'A positive result proposes a referral to the competent authority; it changes no one\'s status.',
      params: IdParams,
      body: StoreScreeningBody,
      response: { 201: ScreeningView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await contacts.storeScreening(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/contacts/:id/escalations', {
    schema: { tags, summary: 'Immediate danger: mark urgent and alert the supervisors and the region\'s police', params: IdParams, body: EscalateBody, response: { 201: EscalationView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await contacts.escalate(db, who(req), actor(req), req.params.id, req.body.reason, mailSettings(app.deps.config))));

  app.post('/contacts/:id/escalations/:escalationId/acknowledge', {
    schema: { tags, summary: 'Acknowledge an escalation alert (records the time to acknowledgement)', params: EscalationParams, response: { 200: EscalationView, ...errors } },
  }, async (req) => contacts.acknowledge(db, who(req), actor(req), req.params.id, req.params.escalationId));

  app.post('/contacts/:id/close', {
    schema: { tags, summary: 'Close the contact with its outcomes', params: IdParams, body: CloseContactBody, response: { 200: ContactView, ...errors } },
  }, async (req) => contacts.close(db, who(req), actor(req), req.params.id, req.body));

  app.post('/contacts/:id/reassign', {
    schema: { tags, summary: 'Give the contact to another operator (supervisors)', params: IdParams, body: ReassignBody, response: { 200: ContactView, ...errors } },
  }, async (req) => contacts.reassign(db, who(req), actor(req), req.params.id, req.body.userId));
};

