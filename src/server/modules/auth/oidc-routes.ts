import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actor, requireAuth } from '../../app.ts';
import { requirePermission } from '../../access/policy.ts';
import { decodeCursor, pageOf } from '../../db/pagination.ts';
import { AppError, notFound } from '../../errors.ts';
import { ErrorBody, IdParams, Ok, PageQuery, page } from '../../../shared/schemas/common.ts';
import {
  AssignSsoIdentityBody,
  CreateIdentityProviderBody,
  IdentityProviderView,
  LinkSsoIdentityBody,
  SsoIdentityQuery,
  SsoIdentityView,
  SsoProviderButton,
  UpdateIdentityProviderBody,
} from '../../../shared/schemas/sso.ts';
import * as repo from './oidc-repository.ts';
import * as sso from './oidc-service.ts';
import { ssoBaseUrl } from './redirect-base.ts';
import { setSessionCookie } from './cookie.ts';
import { secureCookies, ssoCookieName, SSO_STATE_COOKIE, SSO_TOTP_COOKIE } from '../../auth/cookies.ts';
import { confirmPresence, toUserView } from './service.ts';
import { LoginResponse, TotpCodeBody } from '../../../shared/schemas/auth.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const tags = ['single sign-on'];
/** Where the single sign-on cookies are sent: the state of a sign-in in flight (for the browser that started it only) and a sign-on waiting five minutes for the user's TOTP code. Their names: cookies.ts. */
const STATE_COOKIE_PATH = '/api/v1/auth/sso';
const Redirect = z.null().describe('A redirect (see the Location header)');

/** The callback's query as providers send it: code and state, or error; other parameters (iss, session_state) pass through. */
const CallbackQuery = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  iss: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

export const ssoRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  /** The redirect URIs' base for this request, or null when it cannot be trusted (see `ssoBaseUrl`). */
  const baseUrl = (req: FastifyRequest) => ssoBaseUrl(config, { protocol: req.protocol, host: req.host, hostname: req.hostname, port: req.port });
  const requireBaseUrl = (req: FastifyRequest) => {
    const base = baseUrl(req);
    if (base === null) {
      req.log.warn({ host: req.hostname.slice(0, 100) }, 'single sign-on refused: PATHWAY_PUBLIC_URL is not set and the request named a host Pathway does not listen on');
      throw new AppError('public_url_required', 503, 'Single sign-on needs PATHWAY_PUBLIC_URL (the address users reach Pathway at) unless Pathway is reached on a loopback address or the HOST it listens on');
    }
    return base;
  };
  const admin = (req: FastifyRequest) => {
    const a = requireAuth(req);
    requirePermission(a.principal, 'users:manage');
    return a;
  };
  const toLogin = (reply: FastifyReply, outcome: string) => reply.redirect(`/login?sso=${outcome}`, 303);
  const rateLimit = { max: config.loginRatePerMinute, timeWindow: '1 minute' };
  const secure = (req: FastifyRequest) => secureCookies(req, config.publicUrl);
  const stateCookie = (req: FastifyRequest) => ssoCookieName(SSO_STATE_COOKIE, secure(req));
  const totpCookie = (req: FastifyRequest) => ssoCookieName(SSO_TOTP_COOKIE, secure(req));

  app.post('/auth/sso/totp', {
    schema: {
      tags,
      summary: 'The second step of a single sign-on for a user with Pathway TOTP: the six-digit code (the sign-in is in a cookie set at the callback); starts the session',
      body: TotpCodeBody,
      response: { 200: LoginResponse, ...errors },
      security: [],
    },
    config: { rateLimit },
  }, async (req, reply) => {
    const session = await sso.finishTotp(db, config, app.keys, actor(req), req.cookies[totpCookie(req)], req.body.code, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
    reply.clearCookie(totpCookie(req), { path: STATE_COOKIE_PATH, secure: secure(req) });
    setSessionCookie(req, reply, session.token, session.expiresAt);
    return { user: toUserView(session.user), csrfToken: session.csrfToken };
  });

  app.get('/auth/sso/providers', {
    schema: { tags, summary: 'The identity providers one can sign in with (buttons on the sign-in page)', response: { 200: z.object({ items: z.array(SsoProviderButton) }), ...errors }, security: [] },
  }, async () => ({ items: await repo.listEnabledButtons(db, config.demo) }));

  app.get('/auth/sso/:id/start', {
    schema: {
      tags,
      summary: 'Start signing in through an identity provider: redirects (303) to it with an authorization code request (PKCE, state, nonce)',
      description: 'The redirect URI is built from PATHWAY_PUBLIC_URL; without it only from a loopback host or the HOST Pathway listens on (any other Host header: 503 `public_url_required`).',
      params: IdParams,
      response: { 303: Redirect, ...errors, 503: ErrorBody },
      security: [],
    },
    config: { rateLimit },
  }, async (req, reply) => {
    const started = await sso.startSignIn(db, app.keys, req.params.id, requireBaseUrl(req), config.demo);
    if ('outcome' in started) return toLogin(reply, started.outcome);
    reply.setCookie(stateCookie(req), started.state, { httpOnly: true, sameSite: 'lax', secure: secure(req), path: STATE_COOKIE_PATH, maxAge: 600 });
    return reply.redirect(started.url, 303);
  });

  app.get('/auth/sso/:id/callback', {
    schema: {
      tags,
      summary: 'Where the identity provider sends the browser back: on success a session cookie and a redirect (303) to the app, else to /login?sso=<outcome>',
      params: IdParams,
      querystring: CallbackQuery,
      response: { 303: Redirect, ...errors },
      security: [],
    },
    config: { rateLimit },
  }, async (req, reply) => {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const result = await sso.finishSignIn(db, config, app.keys, actor(req), req.params.id, req.cookies[stateCookie(req)], query, {
      ip: req.ip,
      userAgent: req.headers['user-agent'] ?? null,
    }, req.log);
    reply.clearCookie(stateCookie(req), { path: STATE_COOKIE_PATH, secure: secure(req) });
    if ('outcome' in result) return toLogin(reply, result.outcome);
    if ('totpTicket' in result) {
      // The user has Pathway TOTP: the sign-in page asks for the code (POST /auth/sso/totp).
      reply.setCookie(totpCookie(req), result.totpTicket, { httpOnly: true, sameSite: 'strict', secure: secure(req), path: STATE_COOKIE_PATH, maxAge: 300 });
      return toLogin(reply, 'totp');
    }
    setSessionCookie(req, reply, result.session.token, result.session.expiresAt);
    return reply.redirect('/', 303);
  });

  // --- administration ---------------------------------------------------------------------------

  app.get('/identity-providers', {
    schema: { tags, summary: 'Identity providers for single sign-on (administrators)', response: { 200: z.object({ items: z.array(IdentityProviderView) }), ...errors } },
  }, async (req) => {
    admin(req);
    return { items: (await repo.listProviders(db)).map((p) => sso.toProviderView(p, baseUrl(req))) };
  });

  app.post('/identity-providers', {
    schema: { tags, summary: 'Register an identity provider; the client secret is stored encrypted and never shown again', body: CreateIdentityProviderBody, response: { 201: IdentityProviderView, ...errors } },
  }, async (req, reply) => {
    const a = admin(req);
    await confirmPresence(db, actor(req), a.principal, req.body.currentPassword, 'sso_provider_create');
    return reply.status(201).send(await sso.createProvider(db, app.keys, actor(req), req.body, baseUrl(req), config.demo));
  });

  app.get('/identity-providers/:id', {
    schema: { tags, summary: 'One identity provider', params: IdParams, response: { 200: IdentityProviderView, ...errors } },
  }, async (req) => {
    admin(req);
    const p = await repo.findProvider(db, req.params.id);
    if (!p) throw notFound('Identity provider');
    return sso.toProviderView(p, baseUrl(req));
  });

  app.patch('/identity-providers/:id', {
    schema: { tags, summary: 'Change an identity provider (clientSecret: a new one, or null for a public client); enabled: false hides its button and refuses its sign-ins', params: IdParams, body: UpdateIdentityProviderBody, response: { 200: IdentityProviderView, ...errors } },
  }, async (req) => {
    const a = admin(req);
    await confirmPresence(db, actor(req), a.principal, req.body.currentPassword, 'sso_provider_update');
    return sso.updateProvider(db, app.keys, actor(req), req.params.id, req.body, baseUrl(req));
  });

  app.get('/sso-identities', {
    schema: { tags, summary: 'People known at identity providers: waiting for an administrator (status=pending) or linked to users', querystring: PageQuery.extend(SsoIdentityQuery.shape), response: { 200: page(SsoIdentityView), ...errors } },
  }, async (req) => {
    admin(req);
    const { limit, cursor, status } = req.query;
    const p = pageOf(await repo.listIdentities(db, { pending: status === 'pending', limit, cursor: decodeCursor(cursor) }), limit);
    return { items: p.rows.map(sso.toIdentityView), nextCursor: p.nextCursor };
  });

  app.post('/sso-identities/:id/assign', {
    schema: { tags, summary: 'Give a waiting sign-in a new user with an agency and roles; they can sign in from then on', params: IdParams, body: AssignSsoIdentityBody, response: { 200: SsoIdentityView, ...errors } },
  }, async (req) => {
    const a = admin(req);
    await confirmPresence(db, actor(req), a.principal, req.body.currentPassword, 'sso_identity_assign');
    return sso.assignIdentity(db, actor(req), req.params.id, req.body, config.demo);
  });

  app.post('/sso-identities/:id/link', {
    schema: { tags, summary: 'Link a waiting sign-in to an existing user (never done by e-mail alone)', params: IdParams, body: LinkSsoIdentityBody, response: { 200: SsoIdentityView, ...errors } },
  }, async (req) => {
    const a = admin(req);
    await confirmPresence(db, actor(req), a.principal, req.body.currentPassword, 'sso_identity_link');
    return sso.linkIdentityToUser(db, actor(req), req.params.id, req.body.userId, config.demo);
  });

  app.delete('/sso-identities/:id', {
    schema: { tags, summary: 'Forget a sign-in, waiting or linked: that person can no longer sign in through it', params: IdParams, response: { 200: Ok, ...errors } },
  }, async (req) => {
    admin(req);
    await sso.removeIdentity(db, actor(req), req.params.id);
    return { ok: true as const };
  });
};
