import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import { CaseDetail, ConsentParams, ConsentView, WithdrawConsentBody } from '../../../shared/schemas/cases.ts';
import { withdrawConsent } from '../cases/consents.ts';
import { narrowReferralsAfterWithdrawal } from '../referrals/service.ts';
import { getCase } from './page.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['cases'];

/** The routes that reach across capabilities: the whole case page, and a withdrawal of consent that narrows the referrals it covered. */
export const caseFileRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/cases/:id', {
    schema: { tags, summary: 'The case page: every section the user may see, in one request (the read is audited)', params: IdParams, response: { 200: CaseDetail, ...errors } },
  }, async (req) => getCase(db, who(req), actor(req), req.params.id));

  app.post('/cases/:id/consents/:consentId/withdraw', {
    schema: { tags, summary: 'Withdraw a consent (kept, with the date and who recorded the withdrawal)', params: ConsentParams, body: WithdrawConsentBody, response: { 200: ConsentView, ...errors } },
  }, async (req) => withdrawConsent(db, who(req), actor(req), req.params.id, req.params.consentId, req.body, narrowReferralsAfterWithdrawal));
};
