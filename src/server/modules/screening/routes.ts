import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireAuth } from '../../app.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { CatalogueView, EvaluateScreeningBody, ScreeningResultView } from '../../../shared/schemas/screening.ts';
import { catalogueView, evaluate } from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const tags = ['screening'];

export const screeningRoutes: FastifyPluginAsyncZod = async (app) => {
  // Computed once: the catalogue is part of this build.
  const catalogue = catalogueView();

  app.get('/screenings/catalogue', {
    schema: { tags, summary: 'The ILO/EC indicator catalogue, its four lists (with provisional flags) and the rules', response: { 200: CatalogueView, ...errors } },
  }, async (req) => {
    requireAuth(req);
    return catalogue;
  });

  app.post('/screenings/evaluate', {
    schema: {
      tags,
      summary: 'Evaluate observed indicators for one list; stores nothing',
      description: 'Unknown codes, or codes the chosen list does not have, are a 400 naming them under `indicators`. A positive result proposes a referral to the competent authority; it changes no one\'s status.',
      body: EvaluateScreeningBody,
      response: { 200: ScreeningResultView, ...errors },
    },
  }, async (req) => {
    requireAuth(req);
    return evaluate(req.body);
  });
};
