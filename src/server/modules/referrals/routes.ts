import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { decodeCursor, pageOf } from '../../db/pagination.ts';
import { ErrorBody, IdParams, page } from '../../../shared/schemas/common.ts';
import { AcceptReferralBody, AddSectionsBody, AskSectionsBody, AssignReferralBody, CompleteReferralBody, DeclineReferralBody, ReferralListQuery, ReferralView, RevokeReferralBody, SendReferralBody } from '../../../shared/schemas/referrals.ts';
import * as referrals from './service.ts';
import { assignReferralHandler } from './handler.ts';
import { mailSettings } from '../../mail/outbox.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['referrals'];

export const referralRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const mail = mailSettings(config);
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.post('/cases/:id/referrals', {
    schema: {
      tags,
      summary: 'Refer the case (or one service need) to an agency or provider, naming the sections the receiver may see once it accepts',
      description:
        'Consent gate: an adult victim\'s identifying sections go only with their recorded data-sharing consent for that agency and purpose; ' +
        'without it only `summary` goes and an anonymous notification is counted. Children (under 18 or age disputed) need no consent, ' +
        'but an unaccompanied child needs a recorded guardian (409 guardian_required). No rule involves police cooperation. ' +
        'A purpose may require sections: an identification referral must name `people`, `events`, `screening` and `identification` (400 naming `sections`). ' +
        'A referral of the case to an agency that already has one pending or accepted is refused with 409 duplicate_referral unless `confirmDuplicate: true`.',
      params: IdParams,
      body: SendReferralBody,
      response: { 201: ReferralView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await referrals.sendReferral(db, who(req), actor(req), req.params.id, req.body)));

  app.get('/referrals', {
    schema: { tags, summary: 'Referrals sent by or to the user\'s agency, newest first or (`sort=sent`) oldest first (filters: direction, status, purpose, overdue, caseId)', querystring: ReferralListQuery, response: { 200: page(ReferralView), ...errors } },
  }, async (req) => {
    const p = who(req);
    const { limit, cursor, ...filters } = req.query;
    const rows = await referrals.listReferrals(db, p, { ...filters, limit, cursor: decodeCursor(cursor) });
    const pg = pageOf(rows, limit);
    return { items: pg.rows.map((r) => referrals.toReferralView(p, r)), nextCursor: pg.nextCursor };
  });

  app.get('/referrals/:id', {
    schema: { tags, summary: 'One referral', params: IdParams, response: { 200: ReferralView, ...errors } },
  }, async (req) => referrals.getReferral(db, who(req), actor(req), req.params.id));

  app.post('/referrals/:id/accept', {
    schema: { tags, summary: 'Accept (receiving agency): the shared sections of the case open to it; a transfer moves the case to it', params: IdParams, body: AcceptReferralBody, response: { 200: ReferralView, ...errors } },
  }, async (req) => referrals.acceptReferral(db, who(req), actor(req), req.params.id, req.body.note));

  app.post('/referrals/:id/decline', {
    schema: { tags, summary: 'Decline with a reason (receiving agency)', params: IdParams, body: DeclineReferralBody, response: { 200: ReferralView, ...errors } },
  }, async (req) => referrals.declineReferral(db, who(req), actor(req), req.params.id, req.body.reason));

  app.post('/referrals/:id/complete', {
    schema: { tags, summary: 'Mark the service delivered, with a note (receiving agency)', params: IdParams, body: CompleteReferralBody, response: { 200: ReferralView, ...errors } },
  }, async (req) => referrals.completeReferral(db, who(req), actor(req), req.params.id, req.body.note));

  app.post('/referrals/:id/assign', {
    schema: {
      tags,
      summary: 'Give a pending or accepted referral to a person of the receiving agency to handle (its supervisors): they are reminded, and overdue reminders go to them',
      description:
        'The handler must be an active user of the receiving agency who can answer referrals, and for an identification referral decide on identification (400 naming `handlerUserId`). ' +
        'Who accepts a referral becomes its handler unless one was named. Not a supervisor: 403; a referral of another agency: 404 or 403; answered for good (declined, completed, revoked): 409.',
      params: IdParams,
      body: AssignReferralBody,
      response: { 200: ReferralView, ...errors },
    },
  }, async (req) => assignReferralHandler(db, who(req), actor(req), req.params.id, req.body, mail));

  app.post('/referrals/:id/ask-sections', {
    schema: {
      tags,
      summary: 'Ask the sender for the sections the referral\'s purpose requires and it does not share (receiving agency)',
      description:
        'For an identification referral the purpose requires `people`, `events`, `screening` and `identification` (`sectionsMissing` in the view lists the ones lacking). ' +
        'The request becomes a task of the sender on the case, done when they share the sections (`POST /referrals/:id/sections`). Nothing missing: 409 nothing_missing; asked already: 409 already_asked.',
      params: IdParams,
      body: AskSectionsBody,
      response: { 200: ReferralView, ...errors },
    },
  }, async (req) => referrals.askForSections(db, who(req), actor(req), req.params.id));

  app.post('/referrals/:id/sections', {
    schema: {
      tags,
      summary: 'Share more sections on a pending or accepted referral (sending agency); the consent gate decides again',
      description: 'An accepted referral\'s access to the case widens at once. A request for sections is done once none of them is missing.',
      params: IdParams,
      body: AddSectionsBody,
      response: { 200: ReferralView, ...errors },
    },
  }, async (req) => referrals.addSections(db, who(req), actor(req), req.params.id, req.body));

  app.post('/referrals/:id/revoke', {
    schema: { tags, summary: 'Revoke (sending agency): whatever it opened of the case closes at once', params: IdParams, body: RevokeReferralBody, response: { 200: ReferralView, ...errors } },
  }, async (req) => referrals.revokeReferral(db, who(req), actor(req), req.params.id, req.body.reason));
};
