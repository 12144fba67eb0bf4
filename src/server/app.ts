import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fastifyCookie, { fastifyCookie as cookieTools } from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import { LANGUAGE_COOKIE, LANGUAGES } from '../shared/languages.ts';
import { PRERENDERED_DIR, PRERENDERED_VARY, prerenderedFile, prerenderedLanguage, prerenderedName } from './prerendered.ts';
import { databaseUnavailable, type Db } from './db/database.ts';
import type { EmbeddedState } from './db/embedded.ts';
import { ReadPool } from './db/read-replica.ts';
import { AppError, unauthorized } from './errors.ts';
import { authenticate, type Authenticated } from './auth/authenticate.ts';
import { addressKey } from './auth/address.ts';
import { SESSION_COOKIE, sessionCookieName } from './auth/cookies.ts';
import { actorOf } from './access/principal.ts';
import { auditRead, type AuditActor } from './audit/audit.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { userRoutes } from './modules/users/routes.ts';
import { agencyRoutes } from './modules/agencies/routes.ts';
import { roleRoutes } from './modules/roles/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { contactRoutes } from './modules/contacts/routes.ts';
import { caseRoutes } from './modules/cases/routes.ts';
import { caseFileRoutes } from './modules/case-file/routes.ts';
import { documentRoutes } from './modules/documents/routes.ts';
import { assistanceRoutes } from './modules/assistance/routes.ts';
import { providerRoutes } from './modules/providers/routes.ts';
import { referralRoutes } from './modules/referrals/routes.ts';
import { identificationRoutes } from './modules/identification/routes.ts';
import { taskRoutes } from './modules/tasks/routes.ts';
import { htcdsRoutes } from './modules/htcds/routes.ts';
import { deriveKeys, resolveSecretKey, type Keys } from './crypto/keys.ts';
import { bindRecordKeys } from './crypto/record-keys.ts';
import { documentStores, type DocumentStores } from './modules/documents/store.ts';
import { telephonyRoutes } from './modules/telephony/routes.ts';
import { contactStreamRoutes } from './modules/contacts/stream.ts';
import { hotlineDashboardRoutes } from './modules/hotline-dashboard/routes.ts';
import { operatorRoutes } from './modules/operators/routes.ts';
import { LiveHub } from './live/hub.ts';
import { MailWorker, smtpTransport, type MailTransport } from './mail/worker.ts';
import { screeningRoutes } from './modules/screening/routes.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { pressRoutes } from './modules/press/routes.ts';
import { justiceRoutes } from './modules/justice/routes.ts';
import { reportRoutes } from './modules/reports/routes.ts';
import { justiceCorrectionRoutes } from './modules/justice/corrections-routes.ts';
import { actionPlanRoutes } from './modules/action-plan/routes.ts';
import { peopleRoutes } from './modules/people/routes.ts';
import { pressPublicRoutes } from './modules/press/public-routes.ts';
import { statisticsRoutes } from './modules/statistics/routes.ts';
import { statisticsPublicRoutes } from './modules/statistics/public-routes.ts';
import { setupRoutes } from './modules/auth/setup-routes.ts';
import { ssoRoutes } from './modules/auth/oidc-routes.ts';
import { syncEnvironmentProvider } from './modules/auth/oidc-service.ts';
import { loggerOptions } from './logger.ts';
import { telegramRoutes } from './modules/telephony/telegram.ts';
import { replyRoutes } from './modules/replies/routes.ts';
import { DeliveryWorker, type DeliveryOptions } from './modules/replies/delivery.ts';
import { httpTransport, type ReplyTransport } from './modules/replies/transports.ts';
import { publicReportRoutes } from './modules/public-reports/routes.ts';
import { channelRoutes } from './modules/channels/routes.ts';
import { HotlineChannels } from './modules/channels/service.ts';
import { ConsolePresence } from './modules/operators/presence.ts';
import { demoHotlineRoutes } from './demo/hotline-demo.ts';
import { bearerMatches, Metrics } from './metrics/metrics.ts';
import { postgresRateLimitStore } from './rate-limit.ts';

export type AppDeps = {
  config: Config;
  db: Db;
  /**
   * Reads that tolerate a little lag (statistics, dashboards, public pages, aggregate exports): on the
   * DATABASE_READ_URL standby when set; unset: on `db`. Never for a read of the caller's own write.
   */
  reads?: ReadPool;
  databaseKind: 'embedded' | 'external';
  version: string;
  logger?: FastifyServerOptions['logger'];
  /** The embedded PostgreSQL's supervision, for the health check; unset for an external database. */
  embeddedState?: () => EmbeddedState;
  /** For the process's one LISTEN connection (live queue); unset: no live events reach consoles. */
  databaseUrl?: string;
  /** The master key; unset: `config.secretKey`, else `<dataDir>/secret.key`. */
  secretKey?: Buffer;
  /** How the outbox's e-mails leave; unset: SMTP at `config.smtpUrl` (when set). */
  mailTransport?: MailTransport;
  /** Reply delivery: retry waits and polling; `transport` replaces the providers' HTTP APIs. */
  delivery?: DeliveryOptions & { transport?: ReplyTransport };
};

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
  interface FastifyContextConfig {
    /** The route works for a user who still has to change their password or set up TOTP. */
    allowIncomplete?: boolean;
  }
  interface FastifyInstance {
    deps: AppDeps;
    /** `deps.reads`, or the primary only (src/server/db/read-replica.ts). */
    reads: ReadPool;
    keys: Keys;
    /** Where case documents' encrypted bytes are written and read (see `documentStores`). */
    documentStores: DocumentStores;
    live: LiveHub;
    /** Delivers the e-mail outbox; null when no SMTP is configured. */
    mailWorker: MailWorker | null;
    delivery: DeliveryWorker;
    /** The hotline's channel settings: the environment's, else the Channels screen's. */
    channels: HotlineChannels;
    /** Prometheus metrics; null unless PATHWAY_METRICS is on. */
    metrics: Metrics | null;
    /** Operators' presence from their open consoles (live streams), and the sweep that puts absent ones offline. */
    presence: ConsolePresence;
  }
}

export type App = FastifyInstance;

/** The signed-in caller, or 401; also 403 while a required second factor or password change is pending. */
export function requireAuth(req: FastifyRequest): Authenticated {
  const auth = req.auth;
  if (!auth) throw unauthorized();
  // A pending second factor or password change holds back sessions; an API token is a credential of
  // its own (a service account cannot hold a second factor at all).
  if (!req.routeOptions.config.allowIncomplete && auth.principal.via === 'session') {
    if (auth.user.requireTotp && !auth.user.totpEnabled)
      throw new AppError('totp_setup_required', 403, 'Your role requires a second factor: set up TOTP first');
    if (auth.user.mustChangePassword)
      throw new AppError('password_change_required', 403, 'Change your temporary password first');
  }
  return auth;
}

/**
 * The signed-in caller through a browser session. Managing one's own credentials (API tokens, the
 * second factor, the password, other sessions) needs a session: a leaked API token must not be able
 * to mint a longer-lived one or take over the account's sign-in.
 */
export function requireSession(req: FastifyRequest): Authenticated {
  const auth = requireAuth(req);
  if (auth.principal.via !== 'session') throw new AppError('session_required', 403, 'Sign in through the browser to manage credentials; an API token cannot');
  return auth;
}

export const actor = (req: FastifyRequest): AuditActor => actorOf(req.auth?.principal ?? null, req.id, req.ip);


/** The `hops` addresses nearest to Pathway (the socket's, then X-Forwarded-For from the right) are proxies. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.logLevel),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,64}$/.test(given) ? given : crypto.randomUUID();
    },
    requestIdHeader: false,
    // A hop count is given to Fastify as a function: Fastify refuses bare numbers (it fails closed).
    trustProxy: typeof deps.config.trustProxy === 'number' ? trustHops(deps.config.trustProxy) : deps.config.trustProxy === false ? false : [...deps.config.trustProxy],
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.decorate('deps', deps);
  app.decorate('reads', deps.reads ?? new ReadPool(deps.db));
  app.decorate('keys', deriveKeys(deps.secretKey ?? resolveSecretKey(deps.config)));
  bindRecordKeys(app.keys);
  app.decorate('channels', new HotlineChannels(deps.db, app.keys, deps.config));
  app.decorate('documentStores', documentStores(deps.config.documentStore));
  const live = new LiveHub(deps.databaseUrl ?? '');
  app.decorate('live', live);
  if (deps.databaseUrl) app.addHook('onReady', () => live.start());
  app.addHook('onClose', () => live.close());
  const metrics = deps.config.metrics.enabled ? new Metrics(deps.db, live, app.reads.replica) : null;
  app.decorate('metrics', metrics);
  if (metrics) {
    metrics.instrument(app);
    app.addHook('onClose', async () => metrics.close());
  }
  // The e-mail outbox is delivered by every process (claims are SKIP LOCKED): one less thing to run.
  const transport = deps.mailTransport ?? (deps.config.smtpUrl ? smtpTransport(deps.config.smtpUrl) : null);
  const mailWorker =
    transport && deps.config.mailFrom
      ? new MailWorker(deps.db, transport, deps.config.mailFrom, (msg, err) => app.log.warn({ err: { message: (err as Error | undefined)?.message } }, msg))
      : null;
  app.decorate('mailWorker', mailWorker);
  if (mailWorker) {
    app.addHook('onReady', async () => mailWorker.start());
    app.addHook('onClose', () => mailWorker.stop());
  }
  const delivery = new DeliveryWorker(deps.db, app.keys, deps.delivery?.transport ?? httpTransport(deps.config, () => app.channels.current()), app.log, deps.delivery);
  app.decorate('delivery', delivery);
  app.addHook('onReady', async () => delivery.start());
  app.addHook('onClose', () => delivery.close());
  const presence = new ConsolePresence(deps.db, deps.config.presenceTimeoutSeconds, app.log);
  app.decorate('presence', presence);
  app.addHook('onReady', async () => presence.start());
  app.addHook('onClose', () => presence.stop());
  // The identity provider PATHWAY_OIDC_* defines (or the end of one it defined before), before serving.
  app.addHook('onReady', async () => syncEnvironmentProvider(deps.db, app.keys, deps.config));
  app.decorateRequest('auth', null);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // HSTS only counts over HTTPS (RFC 6797 7.2): sent when the request came over it, or when the
    // public address is https (a proxy ends TLS); the same rule as the session cookie's Secure flag.
    if (req.protocol === 'https' || deps.config.publicUrl?.startsWith('https:')) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    // The web app loads nothing from elsewhere; Mantine sets styles inline and the QR code is a data URL.
    // (The API browser at /api/docs brings its own inline scripts and keeps the default.)
    if (!req.url.startsWith('/api/docs') && String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      reply.header('content-security-policy', CSP);
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const send = (status: number, code: string, message: string, fields?: Record<string, string>) =>
      reply.status(status).send({ error: { code, message, ...(fields ? { fields } : {}), requestId: req.id } });
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.error({ err: { code: err.code, message: err.message, cause: (err.cause as Error | undefined)?.message } }, 'request failed on our side');
      return send(err.status, err.code, err.message, err.fields);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields: Record<string, string> = {};
      for (const issue of err.validation) {
        const where = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        const keys = (issue.params as { keys?: unknown }).keys;
        if (issue.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
          for (const k of keys) fields[where ? `${where}.${String(k)}` : String(k)] = 'unknown field';
        } else {
          fields[where || err.validationContext || 'body'] = issue.message ?? 'invalid';
        }
      }
      const names = Object.keys(fields).join(', ');
      return send(400, 'validation_failed', `Invalid ${err.validationContext ?? 'request'}: ${names}`, fields);
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err: { message: err.message, issues: err.cause.issues } }, 'response did not match its schema');
      return send(500, 'internal_error', 'Something went wrong on our side; the request id identifies it');
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      const codes: Record<string, string> = {
        FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
        FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
        FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
        FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
        FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
        FST_ERR_RATE_LIMIT_EXCEEDED: 'rate_limited',
      };
      const code = (e.code && codes[e.code]) ?? (e.statusCode === 429 ? 'rate_limited' : 'bad_request');
      const message = code === 'malformed_json' ? 'The request body is not valid JSON' : e.message;
      return send(e.statusCode, code, message);
    }
    // The database restarting, failing over or unreachable: a quick 503 the client may retry, never a
    // 500 (nothing was acknowledged; a transaction cut off is rolled back by PostgreSQL).
    const unavailable = databaseUnavailable(err);
    if (unavailable) {
      req.log.warn({ db: { reason: unavailable } }, 'database unavailable');
      // A read may simply be sent again. A write cut off during its COMMIT may have been saved: the
      // client is told to look before sending it again, not to retry blindly.
      if (req.method === 'GET' || req.method === 'HEAD') {
        reply.header('retry-after', '5');
        return send(503, 'database_unavailable', 'The database is unavailable for a moment; try again shortly');
      }
      return send(503, 'database_unavailable', 'The database became unavailable; this change may or may not have been saved: check before sending it again');
    }
    const pgError = postgresError(err);
    if (pgError) {
      // PostgreSQL's messages and details quote the values (a row, a name): log only where it failed.
      req.log.error({ db: pgError }, 'database error');
      if (pgError.code.startsWith('22')) return send(400, 'invalid_value', 'A value in the request is not acceptable (out of range or malformed)');
    } else {
      req.log.error({ err: { type: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack } }, 'unhandled error');
    }
    return send(500, 'internal_error', 'Something went wrong on our side; the request id identifies it');
  });

  // A NUL character is valid JSON but can never be stored in PostgreSQL text: refuse it by name. No
  // request of ours nests deeper than a few levels: a deeper body is refused before anything walks it.
  app.addHook('preValidation', async (req) => {
    const fields: Record<string, string> = {};
    const deep = checkValues(req.body, 'body', fields) || checkValues(req.query, 'query', fields);
    if (deep) throw new AppError('validation_failed', 400, `The request nests values deeper than ${MAX_DEPTH} levels`, fields);
    if (Object.keys(fields).length > 0) throw new AppError('validation_failed', 400, `Invalid characters in ${Object.keys(fields).join(', ')}`, fields);
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET' || !hasWeb(deps.config)) {
      return reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id } });
    }
    // The web app's own routes (/login, /admin/users, ...) are answered by index.html; the public
    // report pages by their prerendered copy in the reader's language, which shows the form before
    // the JavaScript arrives.
    const page = prerenderedName(req.url.split('?')[0]!);
    if (page) {
      const chosen = prerenderedLanguage({ query: req.query, cookie: cookieTools.parse(req.headers.cookie ?? '')[LANGUAGE_COOKIE], acceptLanguage: req.headers['accept-language'] });
      if ('badParam' in chosen) {
        return reply.status(400).send({ error: { code: 'validation_failed', message: `${chosen.badParam} must be one of ${LANGUAGES.join(', ')}`, fields: { [chosen.badParam]: `must be one of ${LANGUAGES.join(', ')}` }, requestId: req.id } });
      }
      const file = prerenderedFile(page, chosen.lang);
      if (fs.existsSync(path.join(deps.config.webDistDir, file))) return reply.type('text/html').header('cache-control', 'no-cache').sendFile(file);
    }
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });

  await app.register(fastifyCookie);
  // Per-address limits count an IPv6 client by its /64: one subscriber holds a whole /64. Counted in
  // PostgreSQL, so that each limit holds in total across all the processes, under a keyed hash of the
  // address (rate-limit.ts).
  await app.register(fastifyRateLimit, { global: false, keyGenerator: (req) => addressKey(req.ip), store: postgresRateLimitStore(deps.db, (key) => app.keys.pseudonym('rate-limit', key)) });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pathway API',
        version: deps.version,
        description:
          'Sign in with POST /api/v1/auth/login (session cookie; send the returned csrfToken as X-CSRF-Token on writes) ' +
          'or send an API token as "Authorization: Bearer <token>". Errors are {"error":{"code","message","fields"?}}. ' +
          `A JSON body nests at most ${MAX_DEPTH} levels and no text may hold a NUL character (400 validation_failed naming the field).`,
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: `Over HTTPS the cookie is named \`${sessionCookieName(true)}\` (Secure, Path=/, no Domain); over plain HTTP \`${SESSION_COOKIE}\`.` },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.addHook('preHandler', async (req) => {
    if (req.url.startsWith('/api/v1/')) req.auth = await authenticate(deps.db, req, { idleMinutes: deps.config.sessionIdleMinutes, demo: deps.config.demo, publicUrl: deps.config.publicUrl });
  });
  // Every use of an API token is in the audit log (what was called and how it ended), beside the
  // entries of whatever the call changed or read, which name the token too.
  app.addHook('onResponse', async (req, reply) => {
    const p = req.auth?.principal;
    if (p?.via !== 'token' || !p.tokenId) return;
    await auditRead(deps.db, actor(req), {
      action: 'token.used',
      recordType: 'api_token',
      recordId: p.tokenId,
      changes: { method: req.method, route: req.routeOptions.url ?? null, status: reply.statusCode },
    }).catch((err: unknown) => req.log.error({ err: { message: (err as Error).message } }, 'could not record a token use'));
  });

  // Not part of the API (hidden from the OpenAPI document): for Prometheus, with a token of its own.
  // Off, or without a token (metrics on a separate address only), it is not found, as any unknown path.
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    const token = deps.config.metrics.token;
    if (!metrics || !token) return reply.status(404).send({ error: { code: 'not_found', message: `No route GET /metrics`, requestId: req.id } });
    if (!bearerMatches(req.headers.authorization, token))
      return reply.status(401).header('www-authenticate', 'Bearer realm="metrics"').send({ error: { code: 'unauthorized', message: 'The metrics need their bearer token (PATHWAY_METRICS_TOKEN)', requestId: req.id } });
    return reply.type(metrics.contentType).header('cache-control', 'no-store').send(await metrics.text());
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await api.register(healthRoutes);
  await api.register(setupRoutes, { prefix: '/api/v1' });
  await api.register(authRoutes, { prefix: '/api/v1' });
  await api.register(ssoRoutes, { prefix: '/api/v1' });
  await api.register(userRoutes, { prefix: '/api/v1' });
  await api.register(agencyRoutes, { prefix: '/api/v1' });
  await api.register(roleRoutes, { prefix: '/api/v1' });
  await api.register(auditRoutes, { prefix: '/api/v1' });
  await api.register(screeningRoutes, { prefix: '/api/v1' });
  await api.register(contactRoutes, { prefix: '/api/v1' });
  await api.register(contactStreamRoutes, { prefix: '/api/v1' });
  await api.register(caseRoutes, { prefix: '/api/v1' });
  await api.register(caseFileRoutes, { prefix: '/api/v1' });
  await api.register(documentRoutes, { prefix: '/api/v1' });
  await api.register(assistanceRoutes, { prefix: '/api/v1' });
  await api.register(providerRoutes, { prefix: '/api/v1' });
  await api.register(referralRoutes, { prefix: '/api/v1' });
  await api.register(identificationRoutes, { prefix: '/api/v1' });
  await api.register(taskRoutes, { prefix: '/api/v1' });
  await api.register(htcdsRoutes, { prefix: '/api/v1' });
  await api.register(operatorRoutes, { prefix: '/api/v1' });
  await api.register(telephonyRoutes, { prefix: '/api/v1' });
  await api.register(telegramRoutes, { prefix: '/api/v1' });
  await api.register(replyRoutes, { prefix: '/api/v1' });
  await api.register(channelRoutes, { prefix: '/api/v1' });
  await api.register(demoHotlineRoutes, { prefix: '/api/v1' });
  await api.register(publicReportRoutes, { prefix: '/api/public/hotline' });
  await api.register(hotlineDashboardRoutes, { prefix: '/api/v1' });
  await api.register(pressRoutes, { prefix: '/api/v1' });
  await api.register(peopleRoutes, { prefix: '/api/v1' });
  await api.register(justiceRoutes, { prefix: '/api/v1' });
  await api.register(reportRoutes, { prefix: '/api/v1' });
  await api.register(justiceCorrectionRoutes, { prefix: '/api/v1' });
  await api.register(actionPlanRoutes, { prefix: '/api/v1' });
  await api.register(pressPublicRoutes, { prefix: '/api/public/press' });
  await api.register(statisticsRoutes, { prefix: '/api/v1' });
  await api.register(statisticsPublicRoutes, { prefix: '/api/public/statistics' });

  if (hasWeb(deps.config)) {
    await app.register(fastifyStatic, {
      root: deps.config.webDistDir,
      wildcard: false,
      index: 'index.html',
      // The build writes a brotli (.br) and a gzip (.gz) copy of each asset; the one the browser accepts is sent.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, file) => {
        res.setHeader('cache-control', webCacheControl(file));
        // A prerendered page is one of three languages, chosen by the cookie and Accept-Language too.
        res.setHeader('vary', path.relative(deps.config.webDistDir, file).startsWith(`${PRERENDERED_DIR}${path.sep}`) ? PRERENDERED_VARY : 'Accept-Encoding');
      },
    });
  }
  return app;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** How deep a request's JSON may nest; every schema of the API is far shallower. */
export const MAX_DEPTH = 64;

type Walked = { value: unknown; key: string | number; parent: Walked | null; depth: number };

const pathOf = (w: Walked): string => {
  const keys: (string | number)[] = [];
  for (let at: Walked | null = w; at; at = at.parent) keys.unshift(at.key);
  return keys.join('.');
};

/**
 * Walks a parsed body or query without recursion (a hostile body must not exhaust the stack): names
 * every string holding a NUL in `out`; returns true, naming the place, when nesting passes MAX_DEPTH.
 */
function checkValues(root: unknown, rootName: 'body' | 'query', out: Record<string, string>): boolean {
  const field = (w: Walked) => pathOf(w).replace(/^(body|query)\.?/, '') || rootName;
  const stack: Walked[] = [{ value: root, key: rootName, parent: null, depth: 0 }];
  while (stack.length > 0) {
    const w = stack.pop()!;
    const v = w.value;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) out[field(w)] = 'contains a NUL character';
    } else if (ArrayBuffer.isView(v)) {
      // A binary body (a file upload) is checked by its own route, not walked byte by byte here.
    } else if (v !== null && typeof v === 'object') {
      if (w.depth >= MAX_DEPTH) {
        for (const k of Object.keys(out)) delete out[k];
        out[field(w)] = `nested deeper than ${MAX_DEPTH} levels`;
        return true;
      }
      const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], key: entries[i]![0], parent: w, depth: w.depth + 1 });
    }
  }
  return false;
}

type PostgresErrorSummary = { code: string; constraint?: string; table?: string; column?: string; routine?: string };

function postgresError(err: unknown): PostgresErrorSummary | null {
  const e = err as { code?: unknown; severity?: unknown; constraint?: string; table?: string; column?: string; routine?: string };
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code) || typeof e.severity !== 'string') return null;
  return { code: e.code, constraint: e.constraint, table: e.table, column: e.column, routine: e.routine };
}

const hasWeb = (config: Config) => fs.existsSync(path.join(config.webDistDir, 'index.html'));

/**
 * Vite names every file under assets/ by a hash of its content, so it may be cached for a year and
 * never asked again; anything else (index.html, which names the current assets) is checked each time.
 */
export function webCacheControl(file: string): string {
  return file.split(path.sep).includes('assets') ? 'public, max-age=31536000, immutable' : 'no-cache';
}
