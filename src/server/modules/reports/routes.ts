import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { actor, requireAuth } from '../../app.ts';
import { auditRead } from '../../audit/audit.ts';
import { requirePermission } from '../../access/policy.ts';
import { badRequest } from '../../errors.ts';
import { ErrorBody, IdParams, Language } from '../../../shared/schemas/common.ts';
import { AnnualReportQuery, DecisionLetterParams, DocumentQuery, FileResponse, LetterQuery } from '../../../shared/schemas/reports.ts';
import { countryToday } from '../../nrm-profile.ts';
import { annualReport, annualSections, annualWorkbook } from './annual.ts';
import { nationalTables } from '../statistics/tables.ts';
import { implementationOfYear } from '../action-plan/implementation.ts';
import { actionPlanSection } from './action-plan-section.ts';
import { caseSummaryPdf, decisionLetterPdf, referralFormPdf } from './nrm-documents.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const tags = ['reports'];
const PDF = 'application/pdf';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The user's language when the request names none. */
const ownLanguage = (asked: Language | undefined, user: string) => asked ?? (Language.safeParse(user).data ?? 'az');

// The names are made of case numbers, ids and years only: no escaping needed.
const send = (reply: FastifyReply, type: string, name: string, file: Buffer) =>
  reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(file as never);

export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, version } = app.deps;

  app.get('/reports/cases/:id/summary', {
    schema: {
      tags,
      summary: 'The case summary as a PDF: only the sections the user may see, as on the case page (the read is audited as case.summary_printed)',
      description: 'Access as GET /cases/{id}: a case the user may not reach is 404.',
      params: IdParams,
      querystring: DocumentQuery,
      response: { 200: FileResponse, ...errors },
    },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    const file = await caseSummaryPdf(db, auth.principal, actor(req), req.params.id, { version, lang: ownLanguage(req.query.lang, auth.user.language), readerName: auth.user.name, timeZone: auth.user.timeZone });
    return send(reply, PDF, `case-summary-${req.params.id}.pdf`, file);
  });

  app.get('/reports/cases/:id/decisions/:decisionId/letter', {
    schema: {
      tags,
      summary: "The identification decision letter to the victim, as a PDF in the victim's language",
      description:
        "The language is the person's first recorded language among az, ru and en; `lang` only when none is recorded (400 naming `lang` when it is then missing). " +
        'The user must see the identification section of the case (else 404, as the case page); the name is printed when they see the people section. Audited as identification.letter_printed.',
      params: DecisionLetterParams,
      querystring: LetterQuery,
      response: { 200: FileResponse, ...errors },
    },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    const file = await decisionLetterPdf(db, auth.principal, actor(req), req.params.id, req.params.decisionId, { version, lang: req.query.lang, readerName: auth.user.name, timeZone: auth.user.timeZone });
    return send(reply, PDF, `decision-letter-${req.params.decisionId}.pdf`, file);
  });

  app.get('/reports/referrals/:id/form', {
    schema: {
      tags,
      summary: 'The referral form as a PDF: sender, receiver, purpose, the anonymous summary and the case sections the referral shares (as far as the user may see them)',
      description: 'Access as GET /referrals/{id} (404 otherwise). The referral read is audited as referral.read, the shared sections as referral.form_printed.',
      params: IdParams,
      querystring: DocumentQuery,
      response: { 200: FileResponse, ...errors },
    },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    const file = await referralFormPdf(db, auth.principal, actor(req), req.params.id, { version, lang: ownLanguage(req.query.lang, auth.user.language), readerName: auth.user.name, timeZone: auth.user.timeZone });
    return send(reply, PDF, `referral-form-${req.params.id}.pdf`, file);
  });

  app.get('/reports/annual', {
    schema: {
      tags,
      summary: 'The annual national report for a calendar year, as a PDF (cover, contents, law enforcement, protection, prevention, GRETA statistics, the action plan\'s implementation, charts) or the same tables as XLSX',
      description: 'Needs `reports:aggregate` (the coordinator\'s office, analysts, auditors). Figures only, no names. The tables are the national statistics of the year, the same numbers as GET /api/v1/statistics/national?from=YYYY-01-01&to=YYYY-12-31. The download is audited as reports.annual_generated.',
      querystring: AnnualReportQuery,
      response: { 200: FileResponse, ...errors },
    },
  }, async (req, reply) => {
    const auth = requireAuth(req);
    requirePermission(auth.principal, 'reports:aggregate');
    const { year, format } = req.query;
    const today = await countryToday(db);
    if (year > Number(today.slice(0, 4))) throw badRequest('validation_failed', 'The year has not begun', { year: 'in the future' });
    const lang = ownLanguage(req.query.lang, auth.user.language);
    // The national statistics module's tables: one definition of every figure, the numbers of
    // GET /api/v1/statistics/national for the same year. Counted on the read replica when one is set
    // (db/read-replica.ts); audited on the primary.
    const tables = await app.reads.pinned((r) => nationalTables(r, { from: `${year}-01-01`, to: `${year}-12-31`, lang }));
    // The action plan's implementation in the year is the report's last section.
    const sections = [...annualSections(tables, lang), actionPlanSection(await implementationOfYear(db, year), lang)];
    const options = { year, lang, tables, version, sections };
    const file = format === 'pdf' ? await annualReport(db, options) : await annualWorkbook(options);
    await auditRead(db, actor(req), { action: 'reports.annual_generated', changes: { format, language: lang, from: `${year}-01-01`, to: `${year}-12-31` } });
    return send(reply, format === 'pdf' ? PDF : XLSX, `annual-report-${year}-${lang}.${format}`, file);
  });
};
