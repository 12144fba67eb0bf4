import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import {
  CreatePersonBody,
  DuplicatesBody,
  DuplicatesResult,
  MergeBody,
  NameMatchBody,
  NameMatchView,
  NameParams,
  PersonNameInput,
  PersonSearchQuery,
  PersonSearchResult,
  PersonView,
  UpdatePersonBody,
} from '../../../shared/schemas/people.ts';
import * as people from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['people'];

export const peopleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.post('/names/match', {
    schema: {
      tags,
      summary: 'How alike two names are across Azerbaijani Latin, Russian Cyrillic and English spellings',
      description: 'Word order and patronymics (oğlu, qızı, -ovich, -ovna) are handled; `match` is `score >= 0.85`. See docs/nrm.md.',
      body: NameMatchBody,
      response: { 200: NameMatchView, ...errors },
    },
  }, async (req) => {
    who(req);
    return people.matchNames(req.body.a, req.body.b);
  });

  app.post('/people', {
    schema: { tags, summary: 'Record a person with one primary name and any aliases; owned by your agency', body: CreatePersonBody, response: { 201: PersonView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await people.createPerson(db, who(req), actor(req), req.body)));

  app.get('/people/search', {
    schema: {
      tags,
      summary: 'People you may see whose names answer the query, in any script, best match first (audited)',
      querystring: PersonSearchQuery,
      response: { 200: PersonSearchResult, ...errors },
    },
  }, async (req) => people.searchPeople(db, who(req), actor(req), req.query.q, req.query.limit, app.keys));

  app.post('/people/duplicates', {
    schema: {
      tags,
      summary: 'Likely duplicates of a person about to be recorded, among the people you may see, with score and reasons',
      body: DuplicatesBody,
      response: { 200: DuplicatesResult, ...errors },
    },
  }, async (req) => people.findDuplicates(db, who(req), actor(req), req.body, app.keys));

  app.get('/people/:id', {
    schema: { tags, summary: 'One person with all their names (the read is audited)', params: IdParams, response: { 200: PersonView, ...errors } },
  }, async (req) => people.getPerson(db, who(req), actor(req), req.params.id));

  app.patch('/people/:id', {
    schema: { tags, summary: 'Change a person\'s details; a new primary name keeps the old one as an alias', params: IdParams, body: UpdatePersonBody, response: { 200: PersonView, ...errors } },
  }, async (req) => people.updatePerson(db, who(req), actor(req), req.params.id, req.body));

  app.post('/people/:id/names', {
    schema: { tags, summary: 'Add a name the person is also known by (an alias)', params: IdParams, body: PersonNameInput, response: { 201: PersonView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await people.addName(db, who(req), actor(req), req.params.id, req.body)));

  app.delete('/people/:id/names/:nameId', {
    schema: { tags, summary: 'Remove an alias (the primary name can only be replaced)', params: NameParams, response: { 200: PersonView, ...errors } },
  }, async (req) => people.removeName(db, who(req), actor(req), req.params.id, req.params.nameId));

  app.post('/people/:id/merge', {
    schema: {
      tags,
      summary: 'Merge this record into another record of the same person; this one stays, marked merged, and both keep their history',
      params: IdParams,
      body: MergeBody,
      response: { 200: PersonView, ...errors },
    },
  }, async (req) => people.mergePerson(db, who(req), actor(req), req.params.id, req.body));
};
