import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actor } from '../../app.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { FollowUpAdded, FollowUpAddBody, FollowUpBody, FollowUpThread, PublicReportBody, PublicReportReceipt } from '../../../shared/schemas/public-reports.ts';
import { newFollowUpCode } from './codes.ts';
import { addToReport, fileReport, readFollowUp } from './service.ts';

const tags = ['hotline (public)'];
const security: Array<Record<string, string[]>> = [];
const errors = { 400: ErrorBody, 404: ErrorBody, 429: ErrorBody, 503: ErrorBody };

/**
 * The audit actor of a public request, without the address: the audit log is kept for years and an
 * anonymous reporter must not be traceable through it. (The rate limiter keeps only a keyed hash of
 * an address, for its window only (src/server/rate-limit.ts); request logs never hold them.)
 */
const anonymous = (req: FastifyRequest) => ({ ...actor(req), ip: null });

/** A filled honeypot: answer as if it worked (so the bot learns nothing) and store nothing. */
const honeypotFilled = (req: FastifyRequest) => {
  const w = (req.body as { website?: unknown } | null)?.website;
  return typeof w === 'string' && w.trim() !== '';
};

/**
 * Public reports: no sign-in. New reports and additions are limited per address per hour, code
 * look-ups (right or wrong) per address per minute; there is no third-party captcha, only a honeypot
 * field. The limits are counted in each Pathway process's memory.
 */
export const publicReportRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const keys = app.keys;
  const perHour = { rateLimit: { max: config.publicReportRatePerHour, timeWindow: '1 hour' } };
  const perMinute = { rateLimit: { max: config.followUpRatePerMinute, timeWindow: '1 minute' } };

  app.post('/reports', {
    config: perHour,
    // Before validation: a bot that filled the honeypot gets the same answer whatever else it sent.
    preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
      if (honeypotFilled(req)) {
        req.log.info('public report with a filled honeypot: answered as received, not stored');
        return reply.status(201).send({ code: newFollowUpCode(), receivedAt: new Date().toISOString() });
      }
    },
    schema: {
      tags,
      security,
      summary: 'Report a suspected trafficking situation (no sign-in); the answer holds the follow-up code, shown once',
      description:
        'The report enters the operators\' queue as a `web_form` contact. Only the code\'s SHA-256 is kept: it cannot be shown again. ' +
        '`website` is a honeypot that people never see: when it is filled the answer looks the same (201 with a code) but nothing is stored. ' +
        'A call-back number is kept (encrypted) only with `callbackConsent: true`. Limited per address per hour (429).',
      body: PublicReportBody,
      response: { 201: PublicReportReceipt, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await fileReport(db, keys, (await app.channels.current()).agencyId, anonymous(req), req.body)));

  app.post('/follow-up', {
    config: perMinute,
    schema: {
      tags,
      security,
      summary: 'Open a report with its follow-up code: the reporter\'s messages and the hotline\'s replies',
      description: 'The code is sent in the body, never in the address, so that it stays out of logs and history. A wrong code is a 404 like any other. Limited per address per minute (429).',
      body: FollowUpBody,
      response: { 200: FollowUpThread, ...errors },
    },
  }, async (req) => readFollowUp(db, anonymous(req), req.body.code));

  app.post('/follow-up/messages', {
    config: perHour,
    preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
      if (honeypotFilled(req)) return reply.status(201).send({ receivedAt: new Date().toISOString() });
    },
    schema: {
      tags,
      security,
      summary: 'Add information to a report with its follow-up code (joins the same contact; a closed one goes back to the queue)',
      body: FollowUpAddBody,
      response: { 201: FollowUpAdded, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await addToReport(db, keys, (await app.channels.current()).agencyId, anonymous(req), req.body.code, req.body.body)));
};
