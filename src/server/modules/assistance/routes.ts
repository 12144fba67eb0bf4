import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
export const assistanceRoutes: FastifyPluginAsyncZod = async () => {};
