import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody, IdParams, Ok } from '../../../shared/schemas/common.ts';
import {
  ChargeParams,
  CooperationParams,
  CorrectChargeBody,
  CorrectEventBody,
  CorrectSentenceBody,
  CorrectVerdictBody,
  EventParams,
  LinkedCriminalCase,
  SentenceParams,
  UpdateCooperationBody,
  UpdateVictimBody,
  VerdictParams,
  VictimParams,
  WithdrawEventBody,
} from '../../../shared/schemas/justice-corrections.ts';
import * as corrections from './corrections.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['justice'];

/** Corrections of a criminal case's records (docs/criminal-justice.md, "Corrections"), and an NRM case's criminal cases. */
export const justiceCorrectionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.patch('/justice/cases/:id/events/:eventId', {
    schema: {
      tags,
      summary: 'Correct a procedural event recorded with POST .../events (its day, ground, appealing party, document number)',
      description: 'Who may record events may correct them. The order of procedure is checked again over the whole case (400 naming `occurredOn`); the case status and the figures follow. Charges and verdicts correct their own events.',
      params: EventParams,
      body: CorrectEventBody,
      response: { 200: Ok, ...errors },
    },
  }, async (req) => corrections.correctEvent(db, who(req), actor(req), req.params.id, req.params.eventId, req.body));

  app.post('/justice/cases/:id/events/:eventId/withdraw', {
    schema: {
      tags,
      summary: 'Withdraw a procedural event recorded by mistake, with the reason (kept, audited, no longer counted)',
      description: 'Refused (400 naming `eventId`) when a later event needs it, e.g. the indictment of a verdict.',
      params: EventParams,
      body: WithdrawEventBody,
      response: { 200: Ok, ...errors },
    },
  }, async (req) => corrections.withdrawEvent(db, who(req), actor(req), req.params.id, req.params.eventId, req.body));

  app.patch('/justice/cases/:id/defendants/:defendantId/charges/:chargeId', {
    schema: { tags, summary: 'Correct a charge: its article part or the day it was brought (its event moves with it)', params: ChargeParams, body: CorrectChargeBody, response: { 200: Ok, ...errors } },
  }, async (req) => corrections.correctCharge(db, who(req), actor(req), req.params.id, req.params.defendantId, req.params.chargeId, req.body));

  app.patch('/justice/cases/:id/defendants/:defendantId/verdicts/:verdictId', {
    schema: {
      tags,
      summary: 'Correct a verdict on a charge: its outcome, termination ground or day (the day of the whole decision); the charge, the sentences and the figures follow',
      description: 'Refused (400) when a sentence would rest on no conviction, when the days fall out of order, and for a reclassification (record it anew).',
      params: VerdictParams,
      body: CorrectVerdictBody,
      response: { 200: Ok, ...errors },
    },
  }, async (req) => corrections.correctVerdict(db, who(req), actor(req), req.params.id, req.params.defendantId, req.params.verdictId, req.body));

  app.patch('/justice/cases/:id/defendants/:defendantId/sentences/:sentenceId', {
    schema: {
      tags,
      summary: 'Correct a sentence by the fields given; the result is checked as a new sentence would be, its band and review flag computed again',
      params: SentenceParams,
      body: CorrectSentenceBody,
      response: { 200: z.object({ ok: z.literal(true), band: z.string(), reviewFlag: z.string().nullable() }), ...errors },
    },
  }, async (req) => corrections.correctSentence(db, who(req), actor(req), req.params.id, req.params.defendantId, req.params.sentenceId, req.body));

  app.patch('/justice/cases/:id/victims/:victimId', {
    schema: { tags, summary: "Change a victim's part in the proceedings: testified, protection measures, compensation claimed, ordered and paid, non-punishment", params: VictimParams, body: UpdateVictimBody, response: { 200: Ok, ...errors } },
  }, async (req) => corrections.updateVictim(db, who(req), actor(req), req.params.id, req.params.victimId, req.body));

  app.patch('/justice/cases/:id/cooperation/:requestId', {
    schema: { tags, summary: 'Record the outcome of an extradition or mutual legal assistance request', params: CooperationParams, body: UpdateCooperationBody, response: { 200: Ok, ...errors } },
  }, async (req) => corrections.updateCooperation(db, who(req), actor(req), req.params.id, req.params.requestId, req.body));

  app.get('/cases/:id/criminal-cases', {
    schema: {
      tags,
      summary: 'The criminal cases about an NRM case (linked, or holding one of its victims) that the user may read; 404 for an NRM case they may not read',
      params: IdParams,
      response: { 200: z.object({ items: z.array(LinkedCriminalCase) }), ...errors },
    },
  }, async (req) => ({ items: await corrections.criminalCasesOfNrmCase(db, who(req), req.params.id) }));
};
