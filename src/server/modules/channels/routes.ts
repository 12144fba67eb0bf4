import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { actor, requireAuth } from '../../app.ts';
import { requirePermission } from '../../access/policy.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { ChannelsView, GeneratedSecretAnswer, SecretParams, TestContactAnswer, TestContactBody, UpdateChannelsBody } from '../../../shared/schemas/channels.ts';
import * as service from './service.ts';

const tags = ['channels'];
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody };

/**
 * The Channels screen (administrators, `channels:manage`): the hotline's agency, each channel's
 * state and webhook addresses, the Twilio and Telegram settings, generated secrets shown once, and
 * test contacts. Environment variables win over what is set here.
 */
export const channelRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const admin = (req: FastifyRequest) => {
    const a = requireAuth(req);
    requirePermission(a.principal, 'channels:manage');
    return a;
  };
  const baseUrl = (req: FastifyRequest) => config.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;
  const view = (req: FastifyRequest) => service.channelsView(db, config, app.channels, baseUrl(req));

  app.get('/admin/channels', {
    schema: {
      tags,
      summary: "The hotline's channels: its agency, each channel's state, last event and webhook addresses, and where each setting comes from",
      description: 'Secrets are never shown, only whether they are set. A setting whose `source` is `environment` is set by an environment variable and read-only here. `publicUrlSet: false`: the addresses are built from this request; set PATHWAY_PUBLIC_URL.',
      response: { 200: ChannelsView, ...errors },
    },
  }, async (req) => {
    admin(req);
    return view(req);
  });

  app.put('/admin/channels', {
    schema: {
      tags,
      summary: "Change the hotline's agency and the Twilio and Telegram settings (a field left out stays; null clears it)",
      description: 'Secrets (the Twilio auth token, the Telegram bot token) are sealed with the master key and never shown back. A setting held by the environment is refused (409 `set_by_environment` naming the field). Audited as the fields that changed, never the secrets\' values.',
      body: UpdateChannelsBody,
      response: { 200: ChannelsView, ...errors },
    },
  }, async (req) => {
    admin(req);
    await service.updateChannels(db, app.keys, app.channels, actor(req), req.body);
    return view(req);
  });

  app.post('/admin/channels/secrets/:name', {
    schema: {
      tags,
      summary: 'Generate (or rotate) the Telegram webhook secret or the signed webhook secret: the answer shows it this once',
      description: 'The previous secret stops working at once: give the new one to Telegram (`setWebhook` with `secret_token`) or to the webhook\'s sender. Audited without the value.',
      params: SecretParams,
      response: { 201: GeneratedSecretAnswer, ...errors },
    },
  }, async (req, reply) => {
    admin(req);
    const secret = await service.rotateSecret(db, app.keys, app.channels, actor(req), req.params.name);
    return reply.status(201).send({ name: req.params.name, secret, channels: await view(req) });
  });

  app.post('/admin/channels/test-contact', {
    schema: {
      tags,
      summary: "Send a test contact through the intake path: it arrives in the hotline agency's live queue, marked as a test",
      description: "409 `hotline_not_configured` until the hotline's agency is chosen.",
      body: TestContactBody,
      response: { 201: TestContactAnswer, ...errors },
    },
  }, async (req, reply) => {
    admin(req);
    return reply.status(201).send(await service.sendTestContact(db, app.keys, app.channels, actor(req), req.body.channel));
  });
};
