import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { auditRead } from '../../audit/audit.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { DashboardExportQuery, DashboardQuery, DashboardView } from '../../../shared/schemas/hotline-dashboard.ts';
import { exportNaming } from '../../../shared/schemas/exports.ts';
import { CONTENT_TYPES, dashboardTable, toCsv, toXlsx } from './export.ts';
import { dashboard } from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const tags = ['hotline dashboard'];
const scopeNote =
  'Needs `hotline:reports`. Counts the contacts of the user\'s own agency, or of every agency for a user who also holds `reports:aggregate`. ' +
  'Contacts are counted by when they were received, in the local days of `tz` (default Asia/Baku); `from` and `to` are both included, at most 366 days.';

export const hotlineDashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  // Aggregate figures tolerate a little lag: counted on the read replica when one is set
  // (db/read-replica.ts); the export's audit entry is written on the primary.
  const { reads } = app;

  app.get('/hotline/dashboard', {
    schema: {
      tags,
      summary: "The hotline manager's figures: contacts by channel, hour and day, answered and abandoned, time to answer, handle time, substantive share, escalations, outcomes",
      description: scopeNote,
      querystring: DashboardQuery,
      response: { 200: DashboardView, ...errors },
    },
  }, async (req) => reads.pinned((r) => dashboard(r, requireAuth(req).principal, req.query)));

  app.get('/hotline/dashboard/export', {
    schema: {
      tags,
      summary: "The dashboard's table (section, figure, value) as a CSV or XLSX download",
      description: `${scopeNote} Headers, sections, figures and code values are in the user's language (or \`lang\`); \`codes=1\` writes keys and codes for programs instead. CSV is UTF-8 with a byte-order mark; text that a spreadsheet would take for a formula starts with an apostrophe. The download is audited.`,
      querystring: DashboardExportQuery,
      response: { 200: z.string().describe('text/csv or an XLSX workbook'), ...errors },
    },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    const { format, lang, codes, ...range } = req.query;
    const view = await reads.pinned((r) => dashboard(r, auth.principal, range));
    const naming = exportNaming({ lang, codes }, auth.user.language);
    const table = dashboardTable(view, naming);
    const file = format === 'csv' ? toCsv(table) : await toXlsx(table);
    await auditRead(db, actor(req), {
      action: 'hotline.dashboard_exported',
      changes: { format, from: range.from, to: range.to, tz: range.tz, region: range.region ?? null, scope: view.range.scope, codes: naming === 'codes', language: naming === 'codes' ? null : naming.lang },
    });
    // The dates are checked calendar dates, so the name needs no escaping.
    return reply
      .type(CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="hotline-dashboard-${range.from}-to-${range.to}.${format}"`)
      .send(file as never);
  });
};
