import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fastifyCookie from '@fastify/cookie';
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
import type { Db } from './db/database.ts';
import { AppError, forbidden, unauthorized } from './errors.ts';
import { authenticate, type Authenticated } from './auth/authenticate.ts';
import { actorOf } from './access/principal.ts';
import type { AuditActor } from './audit/audit.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { userRoutes } from './modules/users/routes.ts';
import { agencyRoutes } from './modules/agencies/routes.ts';
import { roleRoutes } from './modules/roles/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { pressRoutes } from './modules/press/routes.ts';
import { pressPublicRoutes } from './modules/press/public-routes.ts';
import { setupRoutes } from './modules/auth/setup-routes.ts';
import { loggerOptions } from './logger.ts';

export type AppDeps = {
  config: Config;
  db: Db;
  databaseKind: 'embedded' | 'external';
  version: string;
  logger?: FastifyServerOptions['logger'];
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

export const actor = (req: FastifyRequest): AuditActor => actorOf(req.auth?.principal ?? null, req.id, req.ip);

export { forbidden };

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(deps.config.logLevel),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,64}$/.test(given) ? given : crypto.randomUUID();
    },
    requestIdHeader: false,
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.decorate('deps', deps);
  app.decorateRequest('auth', null);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const send = (status: number, code: string, message: string, fields?: Record<string, string>) =>
      reply.status(status).send({ error: { code, message, ...(fields ? { fields } : {}), requestId: req.id } });
    if (err instanceof AppError) return send(err.status, err.code, err.message, err.fields);
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
    req.log.error({ err }, 'unhandled error');
    return send(500, 'internal_error', 'Something went wrong on our side; the request id identifies it');
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET' || !hasWeb(deps.config)) {
      return reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id } });
    }
    // The web app's own routes (/login, /admin/users, ...) are answered by index.html.
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pathway API',
        version: deps.version,
        description:
          'Sign in with POST /api/v1/auth/login (session cookie; send the returned csrfToken as X-CSRF-Token on writes) ' +
          'or send an API token as "Authorization: Bearer <token>". Errors are {"error":{"code","message","fields"?}}.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'pathway_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.addHook('preHandler', async (req) => {
    if (req.url.startsWith('/api/v1/')) req.auth = await authenticate(deps.db, req);
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await api.register(healthRoutes);
  await api.register(setupRoutes, { prefix: '/api/v1' });
  await api.register(authRoutes, { prefix: '/api/v1' });
  await api.register(userRoutes, { prefix: '/api/v1' });
  await api.register(agencyRoutes, { prefix: '/api/v1' });
  await api.register(roleRoutes, { prefix: '/api/v1' });
  await api.register(auditRoutes, { prefix: '/api/v1' });
  await api.register(pressRoutes, { prefix: '/api/v1' });
  await api.register(pressPublicRoutes, { prefix: '/api/public/press' });

  if (hasWeb(deps.config)) {
    await app.register(fastifyStatic, { root: deps.config.webDistDir, wildcard: false, index: 'index.html' });
  }
  return app;
}

const hasWeb = (config: Config) => fs.existsSync(path.join(config.webDistDir, 'index.html'));
