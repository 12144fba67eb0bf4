import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth, requireSession } from '../../app.ts';
import { ErrorBody, IdParams, Ok } from '../../../shared/schemas/common.ts';
import {
  ChangePasswordBody,
  CreateTokenBody,
  CreatedToken,
  LoginBody,
  LoginResponse,
  MeResponse,
  TokenView,
  TotpCodeBody,
  TotpDisableBody,
  TotpSetupBody,
  TotpSetupResponse,
  UpdateMeBody,
  UserView,
} from '../../../shared/schemas/auth.ts';
import { loadUserWithAccess } from '../../auth/principal-repository.ts';
import * as auth from './service.ts';
import { clearSessionCookie, setSessionCookie } from './cookie.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const tags = ['auth'];
const incomplete = { allowIncomplete: true };

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;

  app.post('/auth/login', {
    schema: { tags, summary: 'Sign in with e-mail, password and (when set up) a TOTP code',
      description: 'An unknown, disabled or locked-out account answers exactly like a wrong password (401 `invalid_credentials`). Failed tries are counted per account and client address (IPv6 by /64); after too many, that address may not try that account for a while.', body: LoginBody, response: { 200: LoginResponse, ...errors }, security: [] },
    config: { rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
  }, async (req, reply) => {
    const session = await auth.login(db, config, app.keys, req.body, actor(req), { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
    setSessionCookie(req, reply, session.token, session.expiresAt);
    return { user: auth.toUserView(session.user), csrfToken: session.csrfToken };
  });

  app.post('/auth/logout', {
    schema: { tags, summary: 'End this session', response: { 200: Ok, ...errors } },
    config: incomplete,
  }, async (req, reply) => {
    const a = requireAuth(req);
    if (a.principal.sessionId) await auth.logout(db, actor(req), a.principal.sessionId);
    clearSessionCookie(req, reply);
    return { ok: true as const };
  });

  app.post('/auth/logout-everywhere', {
    schema: { tags, summary: 'End every session of the signed-in user, this one included, and revoke their API tokens', response: { 200: z.object({ sessionsEnded: z.number(), tokensRevoked: z.number() }), ...errors } },
    config: incomplete,
  }, async (req, reply) => {
    const a = requireSession(req);
    const count = await auth.logoutEverywhere(db, actor(req), a.principal.userId);
    clearSessionCookie(req, reply);
    return count;
  });

  app.post('/auth/password', {
    schema: { tags, summary: 'Change the signed-in user\'s password; other sessions end and every API token of the user is revoked', body: ChangePasswordBody, response: { 200: Ok, ...errors } },
    config: { ...incomplete, rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
  }, async (req) => {
    const a = requireSession(req);
    await auth.changePassword(db, actor(req), a.principal.userId, a.principal.sessionId, req.body.currentPassword, req.body.newPassword);
    return { ok: true as const };
  });

  app.get('/me', {
    schema: { tags, summary: 'The signed-in user, their agency, roles and permissions', response: { 200: MeResponse, ...errors } },
    config: incomplete,
  }, async (req) => {
    const a = requireAuth(req);
    return { user: auth.toUserView(a.user), csrfToken: a.csrfToken, demo: config.demo };
  });

  app.patch('/me', {
    schema: { tags, summary: 'Change one\'s own name, language, time zone or whether reminder e-mails come', body: UpdateMeBody, response: { 200: z.object({ user: UserView }), ...errors } },
    config: incomplete,
  }, async (req) => {
    const a = requireAuth(req);
    await auth.updateProfile(db, actor(req), a.principal.userId, req.body);
    const user = await loadUserWithAccess(db, a.principal.userId);
    return { user: auth.toUserView(user!) };
  });

  app.post('/me/totp/setup', {
    schema: {
      tags,
      summary: 'Start setting up a TOTP second factor with the current password: returns the secret and otpauth URI',
      description: 'The current password is required (400 `wrong_password` naming `password`), so that a session alone cannot enrol a factor.',
      body: TotpSetupBody,
      response: { 200: TotpSetupResponse, ...errors },
    },
    config: { ...incomplete, rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
  }, async (req) => {
    const a = requireSession(req);
    return auth.startTotpSetup(db, app.keys, actor(req), a.principal, a.user.email, req.body.password);
  });

  app.post('/me/totp/enable', {
    schema: { tags, summary: 'Confirm the TOTP setup with a current code', body: TotpCodeBody, response: { 200: Ok, ...errors } },
    config: incomplete,
  }, async (req) => {
    const a = requireSession(req);
    await auth.enableTotp(db, app.keys, actor(req), a.principal.userId, req.body.code);
    return { ok: true as const };
  });

  app.post('/me/totp/disable', {
    schema: { tags, summary: 'Turn the TOTP second factor off (not when the role requires it)', body: TotpDisableBody, response: { 200: Ok, ...errors } },
    config: { rateLimit: { max: config.loginRatePerMinute, timeWindow: '1 minute' } },
  }, async (req) => {
    const a = requireSession(req);
    await auth.disableTotp(db, actor(req), a.principal, req.body.password, a.user.requireTotp);
    return { ok: true as const };
  });

  app.get('/auth/tokens', {
    schema: { tags, summary: 'The signed-in user\'s API tokens', response: { 200: z.object({ items: z.array(TokenView) }), ...errors } },
  }, async (req) => {
    const a = requireAuth(req);
    return { items: await auth.listTokens(db, a.principal.userId) };
  });

  app.post('/auth/tokens', {
    schema: { tags, summary: 'Create an API token for oneself; the token is shown once', body: CreateTokenBody, response: { 201: CreatedToken, ...errors } },
  }, async (req, reply) => {
    const a = requireSession(req);
    const created = await auth.createToken(db, actor(req), a.principal.userId, a.principal.userId, req.body.name, req.body.expiresInDays);
    return reply.status(201).send(created);
  });

  app.delete('/auth/tokens/:id', {
    schema: { tags, summary: 'Revoke one of one\'s own API tokens', params: IdParams, response: { 200: TokenView, ...errors } },
  }, async (req) => {
    const a = requireSession(req);
    return auth.revokeToken(db, actor(req), a.principal.userId, req.params.id);
  });
};
