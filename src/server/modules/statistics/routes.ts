import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actor, requireAuth } from '../../app.ts';
import { forbidden } from '../../errors.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import { ExportQuery, LangQuery, NationalQuery, NationalView, PrepareReleaseBody, ReleaseDetail, ReleaseListItem, WithdrawReleaseBody } from '../../../shared/schemas/statistics.ts';
import { approveRelease, exportNational, getRelease, listReleases, mayReadFigures, prepareRelease, withdrawRelease } from './service.ts';
import { nationalTables } from './tables.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['statistics'];

/** The coordinator's and analysts' national figures and the statistical releases (docs/statistics.md). */
export const statisticsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  // National figures tolerate a little lag: the read replica when one is set (db/read-replica.ts).
  // The releases stay on the primary: their author reads them right after writing them.
  const { reads } = app;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/statistics/national', {
    schema: { tags, summary: 'The national tables of a period, counted from the records (aggregates only, exact values)', querystring: NationalQuery, response: { 200: NationalView, ...errors } },
  }, async (req) => {
    const p = who(req);
    if (!mayReadFigures(p)) throw forbidden();
    const { from, to, lang } = req.query;
    return { period: { from, to }, tables: await reads.pinned((r) => nationalTables(r, { from, to, lang })) };
  });

  app.get('/statistics/national/export', {
    schema: { tags, summary: 'The national tables of a period as CSV (one row per cell) or XLSX (one sheet per table); audited', querystring: ExportQuery, response: { 200: z.string().describe('text/csv or XLSX'), ...errors } },
  }, async (req, reply) => {
    const p = who(req);
    const file = await exportNational(db, reads, actor(req), p, req.query);
    const name = `national-statistics-${req.query.from}-${req.query.to}.${req.query.format}`;
    return reply
      .type(req.query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(file as never);
  });

  app.get('/statistics/releases', {
    schema: { tags, summary: 'Statistical releases, newest first (prepared, approved, superseded, withdrawn)', response: { 200: z.object({ items: z.array(ReleaseListItem) }), ...errors } },
  }, async (req) => listReleases(db, who(req)));

  app.post('/statistics/releases', {
    schema: {
      tags,
      summary: 'Prepare a release: compute the tables of the period, apply disclosure control against every approved release, and freeze them (statistics:prepare)',
      description: 'A period with no records is refused (400 no_data naming from and to). Re-preparing a period makes its next version.',
      body: PrepareReleaseBody,
      response: { 201: z.object({ id: z.uuid() }), ...errors },
    },
  }, async (req, reply) => {
    const r = await prepareRelease(db, actor(req), who(req), req.body);
    return reply.code(201).send(r);
  });

  app.get('/statistics/releases/:id', {
    schema: { tags, summary: 'One release with its tables, every value shown and what the public will not see marked', params: IdParams, querystring: LangQuery, response: { 200: ReleaseDetail, ...errors } },
  }, async (req) => getRelease(db, who(req), req.params.id, req.query.lang));

  app.post('/statistics/releases/:id/approve', {
    schema: {
      tags,
      summary: 'Approve a release for the public (statistics:approve; not the person who prepared it)',
      description: 'Refused (409 disclosure_risk) when, with every release approved so far, a reader could work out a hidden figure.',
      params: IdParams,
      response: { 200: ReleaseDetail, ...errors },
    },
  }, async (req) => approveRelease(db, actor(req), who(req), req.params.id));

  app.post('/statistics/releases/:id/withdraw', {
    schema: {
      tags,
      summary: 'Withdraw a public release, with a reason (statistics:approve)',
      description:
        'Only an approved or superseded release (409 not_public otherwise). It leaves GET /api/public/statistics, its public page and open data answer 410 withdrawn; it stays in the staff list marked withdrawn, and what it published still counts in later disclosure audits. Audited as statistics.release_withdrawn (that a reason was given, never its words).',
      params: IdParams,
      body: WithdrawReleaseBody,
      response: { 200: ReleaseDetail, ...errors },
    },
  }, async (req) => withdrawRelease(db, actor(req), who(req), req.params.id, req.body.reason));
};
