import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { requirePermission } from '../../access/policy.ts';
import { decodeSortCursor, encodeSortCursor, isInstant } from '../../db/pagination.ts';
import { notFound } from '../../errors.ts';
import { ErrorBody, IdParams, page } from '../../../shared/schemas/common.ts';
import { AdminUserView, CreateUserBody, CreatedUser, ResetPasswordBody, ResetPasswordResponse, UpdateUserBody, UpdatedUserView, UserListQuery } from '../../../shared/schemas/admin.ts';
import { CreateTokenBody, CreatedToken, TokenView } from '../../../shared/schemas/auth.ts';
import * as repo from './repository.ts';
import * as users from './service.ts';
import * as auth from '../../auth/credentials.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['users'];
const TokenParams = z.strictObject({ id: z.uuid(), tokenId: z.uuid() });

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const admin = (req: Parameters<typeof requireAuth>[0]) => {
    const a = requireAuth(req);
    requirePermission(a.principal, 'users:manage');
    return a;
  };

  app.get('/users', { schema: { tags, summary: 'List users (administrators), first created first or in the order `sort` asks: `-created`, `name`/`-name`, `lastLogin`/`-lastLogin` (never signed in first when ascending); another `sort` is 400 naming `sort`, a cursor of another order 400 naming `cursor`', querystring: UserListQuery, response: { 200: page(AdminUserView), ...errors } } }, async (req) => {
    admin(req);
    const { limit, cursor, q, agencyId, sort } = req.query;
    const time = sort.replace(/^-/, '') !== 'name';
    const rows = await repo.listUsers(db, { q, agencyId, sort, limit, cursor: decodeSortCursor(cursor, sort, (v) => (time ? v === '-infinity' || isInstant(v) : v.length <= 200), 'created') });
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return { items: pageRows.map(users.toAdminView), nextCursor: more && last ? encodeSortCursor(sort, repo.userSortValue(sort, last), last.id) : null };
  });

  app.post('/users', { schema: { tags, summary: 'Create a user or service account', body: CreateUserBody, response: { 201: CreatedUser, ...errors } } }, async (req, reply) => {
    const a = admin(req);
    // What a demo administrator creates is demo too: it ends with demo mode. A password the
    // administrator chose is known to them: the user must change it at the first sign-in.
    return reply.status(201).send(await users.createUser(db, actor(req), { ...req.body, isDemo: config.demo || a.user.isDemo, mustChangePassword: true }));
  });

  app.get('/users/:id', { schema: { tags, summary: 'One user', params: IdParams, response: { 200: AdminUserView, ...errors } } }, async (req) => {
    admin(req);
    const u = await repo.findUser(db, req.params.id);
    if (!u) throw notFound('User');
    return users.toAdminView(u);
  });

  app.patch('/users/:id', { schema: { tags, summary: 'Change a user: name, language, agency, roles, disabled', params: IdParams, body: UpdateUserBody, response: { 200: UpdatedUserView, ...errors } } }, async (req) => {
    admin(req);
    return users.updateUser(db, actor(req), req.params.id, req.body);
  });

  app.post('/users/:id/reset-password', { schema: { tags, summary: 'Give a user a temporary password (shown once) and end their sessions', params: IdParams, body: ResetPasswordBody, response: { 200: ResetPasswordResponse, ...errors } } }, async (req) => {
    admin(req);
    return users.resetPassword(db, actor(req), req.params.id, req.body.resetTotp);
  });

  const tokenAdmin = async (req: Parameters<typeof requireAuth>[0], id: string) => {
    const a = admin(req);
    requirePermission(a.principal, 'tokens:service');
    await users.requireServiceAccount(db, id);
    return a;
  };

  app.get('/users/:id/tokens', { schema: { tags, summary: 'A service account\'s API tokens', params: IdParams, response: { 200: z.object({ items: z.array(TokenView) }), ...errors } } }, async (req) => {
    await tokenAdmin(req, req.params.id);
    return { items: await auth.listTokens(db, req.params.id) };
  });

  app.post('/users/:id/tokens', { schema: { tags, summary: 'Create an API token for a service account; shown once', params: IdParams, body: CreateTokenBody, response: { 201: CreatedToken, ...errors } } }, async (req, reply) => {
    const a = await tokenAdmin(req, req.params.id);
    return reply.status(201).send(await auth.createToken(db, actor(req), req.params.id, a.principal.userId, req.body.name, req.body.expiresInDays));
  });

  app.delete('/users/:id/tokens/:tokenId', { schema: { tags, summary: 'Revoke a service account\'s API token', params: TokenParams, response: { 200: TokenView, ...errors } } }, async (req) => {
    await tokenAdmin(req, req.params.id);
    return auth.revokeToken(db, actor(req), req.params.id, req.params.tokenId);
  });
};
