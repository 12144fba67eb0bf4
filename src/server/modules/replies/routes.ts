import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import { Conversation, ConversationMessage, ReplyBody, ReplyParams } from '../../../shared/schemas/replies.ts';
import * as replies from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['contacts'];

/** A contact's conversation and the replies written from the console. */
export const replyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/contacts/:id/messages', {
    schema: { tags, summary: 'The messages of a contact in order, with the delivery of each reply (the read is audited)', params: IdParams, response: { 200: Conversation, ...errors } },
  }, async (req) => replies.conversation(db, who(req), actor(req), req.params.id));

  app.post('/contacts/:id/replies', {
    schema: {
      tags,
      summary: 'Reply to the contactor on the contact\'s channel',
      description:
        'SMS and WhatsApp go through Twilio\'s Messages API, Telegram through the Bot API, after the reply is stored (`delivery: pending`, tried again with growing waits, `failed` after the last attempt). ' +
        'A public report\'s reply is kept for the reporter to read with the follow-up code (`sent` at once). Calls, walk-ins, e-mail and web chat: 409 `channel_cannot_reply`.',
      params: IdParams,
      body: ReplyBody,
      response: { 201: ConversationMessage, ...errors },
    },
  }, async (req, reply) => {
    const m = await replies.writeReply(db, who(req), actor(req), req.params.id, req.body.body);
    if (m.delivery === 'pending') app.delivery.kick();
    return reply.status(201).send(m);
  });

  app.post('/contacts/:id/replies/:messageId/retry', {
    schema: { tags, summary: 'Try a failed reply again', params: ReplyParams, response: { 200: ConversationMessage, ...errors } },
  }, async (req) => {
    const m = await replies.retryReply(db, who(req), actor(req), req.params.id, req.params.messageId);
    app.delivery.kick();
    return m;
  });
};
