import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor } from '../../app.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { LoginResponse, SetupBody, SetupStatus } from '../../../shared/schemas/auth.ts';
import { completeSetup, needsSetup } from './first-run.ts';
import * as auth from './service.ts';
import { setSessionCookie } from './cookie.ts';

const tags = ['setup'];

export const setupRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;

  app.get('/setup', { schema: { tags, summary: 'Whether the first administrator still has to be created', security: [], response: { 200: SetupStatus } } }, async () => ({
    needsSetup: await needsSetup(db),
  }));

  app.post('/setup', {
    schema: { tags, summary: 'Create the first administrator with the one-time setup token printed at start', security: [], body: SetupBody, response: { 201: LoginResponse, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody, 429: ErrorBody } },
    config: { rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
  }, async (req, reply) => {
    await completeSetup(db, actor(req), req.body);
    const session = await auth.login(db, config, app.keys, { email: req.body.email, password: req.body.password }, actor(req), { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
    setSessionCookie(req, reply, session.token, session.expiresAt);
    return reply.status(201).send({ user: auth.toUserView(session.user), csrfToken: session.csrfToken });
  });
};
