import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { requirePermission } from '../../access/policy.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { RoleParams, RoleView, UpdateRoleBody } from '../../../shared/schemas/admin.ts';
import { ALL_PERMISSIONS } from '../../../shared/roles.ts';
import * as roles from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const tags = ['roles'];

export const roleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get('/roles', { schema: { tags, summary: 'Roles with their permissions, and every permission there is', response: { 200: z.object({ items: z.array(RoleView), permissions: z.array(z.string()) }), ...errors } } }, async (req) => {
    requireAuth(req);
    return { items: await roles.listRoles(db), permissions: [...ALL_PERMISSIONS] };
  });

  app.patch('/roles/:code', { schema: { tags, summary: 'Change a role\'s permissions or whether it requires TOTP (administrators)', params: RoleParams, body: UpdateRoleBody, response: { 200: RoleView, ...errors } } }, async (req) => {
    requirePermission(requireAuth(req).principal, 'roles:manage');
    return roles.updateRole(db, actor(req), req.params.code, req.body);
  });
};
