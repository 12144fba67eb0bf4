import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { CreatePersonBody, PersonView } from '../../../shared/schemas/people.ts';
import * as people from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['people'];

export const peopleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.post('/people', {
    schema: { tags, summary: 'Record a person with one primary name and any aliases; owned by your agency', body: CreatePersonBody, response: { 201: PersonView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await people.createPerson(db, who(req), actor(req), req.body)));
};
