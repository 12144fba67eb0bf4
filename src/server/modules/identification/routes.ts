import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { auditedTransaction } from '../../audit/audit.ts';
import { requirePermission } from '../../access/policy.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import { CountryProfileView, DecisionBody, DecisionView, PermitBody, PermitView, QueueView, UpdateCountryProfileBody } from '../../../shared/schemas/identification.ts';
import { COUNTRY_PROFILE_SETTING, loadCountryProfile } from '../../nrm-profile.ts';
import { diff } from '../../audit/audit.ts';
import * as identification from './service.ts';
import { recordPermit } from './permits.ts';
import { bumpPublicVersion } from '../press/repository.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['identification'];

export const identificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/identification/queue', {
    schema: { tags, summary: 'Referrals to the user\'s agency waiting for a reasonable-grounds decision, soonest deadline first (identification:decide)', response: { 200: QueueView, ...errors } },
  }, async (req) => ({ items: await identification.queue(db, who(req)) }));

  app.post('/cases/:id/identification/decisions', {
    schema: {
      tags,
      summary: 'Record a reasonable-grounds or conclusive decision on a victim of the case, or reconsider a negative one',
      description: 'The reflection period end, the removal hold and the earliest conclusive date are computed from the country profile and shown on the case page (section identification).',
      params: IdParams,
      body: DecisionBody,
      response: { 201: DecisionView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await identification.decide(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/cases/:id/permits', {
    schema: {
      tags,
      summary: 'Record a residence permit of a victim of the case (CETS art. 14), or its renewal (`renews`); the owning agency only',
      description:
        'The case page\'s identification section lists each victim\'s permits with the day the case worker is reminded (`permitExpiryReminderDays` of the country profile before expiry), `expiringSoon` and `expired`. The reminder sweep writes a `permit_expiry` reminder once per permit.',
      params: IdParams,
      body: PermitBody,
      response: { 201: PermitView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await recordPermit(db, who(req), actor(req), req.params.id, req.body)));

  app.get('/nrm/country-profile', {
    schema: { tags, summary: 'The country profile in force (deadlines of the referral mechanism)', response: { 200: CountryProfileView, ...errors } },
  }, async (req) => {
    who(req);
    return loadCountryProfile(db);
  });

  app.put('/nrm/country-profile', {
    schema: {
      tags,
      summary: 'Change the country profile\'s parameters (agencies:manage)',
      description:
        'Only the fields sent change; `workingDayChanges` and `population` replace their whole lists. Refused by field (400 `validation_failed`, nothing written): a day or a year twice, ' +
        'a population year whose `female` and `male` do not add up to its `total` (field `population.<i>.total`) or with more `children` than its total (`population.<i>.children`), ' +
        'and a `disclosure.openDataThreshold` under `disclosure.dashboardThreshold`.',
      body: UpdateCountryProfileBody,
      response: { 200: CountryProfileView, ...errors },
    },
  }, async (req) => {
    const p = who(req);
    requirePermission(p, 'agencies:manage');
    return auditedTransaction(db, actor(req), async (tx) => {
      const before = await loadCountryProfile(tx);
      const stored = await tx.selectFrom('settings').select('value').where('key', '=', COUNTRY_PROFILE_SETTING).executeTakeFirst();
      const value = JSON.stringify({ ...((stored?.value as object | undefined) ?? {}), ...req.body });
      await tx
        .insertInto('settings')
        .values({ key: COUNTRY_PROFILE_SETTING, value, updatedAt: new Date() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updatedAt: new Date() }))
        .execute();
      const after = await loadCountryProfile(tx);
      // The public press pages' impunity labels follow `impunityMinDays`: their caches start again.
      if (after.impunityMinDays !== before.impunityMinDays) await bumpPublicVersion(tx);
      return { result: after, audit: { action: 'nrm.country_profile_updated', recordType: 'setting', changes: diff(before, after) } };
    });
  });
};

