import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { forbidden, notFound } from '../../errors.ts';
import { ErrorBody, IdParams, Ok } from '../../../shared/schemas/common.ts';
import {
  CreateMeasureBody,
  CreatePlanBody,
  DropBody,
  EvidenceParams,
  EvidenceUploadQuery,
  EvidenceView,
  GoalBody,
  ImportQuery,
  ImportResult,
  MeasureView,
  MeetingBody,
  MeetingListItem,
  MeetingView,
  MyView,
  PlanDetail,
  PlanDetailQuery,
  PlanView,
  ReminderView,
  ReportListQuery,
  ReportSummary,
  ReportView,
  ResubmitReportBody,
  ReviewBody,
  SubmitReportBody,
  UpdateIndicatorBody,
  UpdateMeasureBody,
  UpdatePlanBody,
} from '../../../shared/schemas/action-plan.ts';
import { DOCUMENT_TYPES } from '../../../shared/nrm.ts';
import { FIGURE_TABLE_IDS } from '../../../shared/statistics-figures.ts';
import { documentDisposition, DOCUMENT_CSP } from '../documents/service.ts';
import { auditedTransaction } from '../../audit/audit.ts';
import { mayReport } from './policy.ts';
import * as plans from './service.ts';
import { importPlan, IMPORT_COLUMNS, XLSX_TYPE } from './import.ts';
import { listReminders, markReminderRead } from './reminders.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['action-plan'];
const Created = z.object({ id: z.uuid() });
const Versioned = z.object({ id: z.uuid(), version: z.number() });
const FIGURE_DESCRIPTION = `An indicator is entered by hand, or linked to a figure of the national statistics: \`statisticsTable\` one of ${FIGURE_TABLE_IDS.join(', ')}, \`statisticsKey\` a code for some of its dimensions (all of them for justice-figures, unodc-persons-sex and sdg-16-2-2; none: the table's total; a quarter as Q1–Q4; citizenship and country as ISO 3166-1 codes). Counts are held by the unit count, the SDG rate by amount. Refusals name the field: \`indicators.<i>.statisticsTable\`, \`indicators.<i>.statisticsKey.<dimension>\`, \`indicators.<i>.unit\`. The measure and plan views give each linked indicator's figure (\`computed\`) for the measure's latest reporting year that has ended, beside the latest accepted value (\`latest\`); only for readers of the national statistics (the coordinator's office, analysts, auditors), for others \`computed\` is null and \`figureWithheld\` true.`;

export const actionPlanRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/action-plan/plans', {
    schema: { tags, summary: 'National action plans, newest first, with how many measures stand in each derived status', response: { 200: z.object({ items: z.array(PlanView) }), ...errors } },
  }, async (req) => ({ items: await plans.listPlans(db, who(req)) }));

  app.post('/action-plan/plans', {
    schema: { tags, summary: "Add a plan (the coordinator's office): title, act (type, number, date), years, status, predecessor", body: CreatePlanBody, response: { 201: Versioned, ...errors } },
  }, async (req, reply) => reply.status(201).send(await plans.createPlan(db, who(req), actor(req), req.body)));

  app.get('/action-plan/plans/:id', {
    schema: {
      tags,
      summary: 'A plan with its goals and measures, each with its derived status; late measures first (`order=late_first`, the default) or by number; filtered by a responsible agency or a status',
      params: IdParams,
      querystring: PlanDetailQuery,
      response: { 200: PlanDetail, ...errors },
    },
  }, async (req) => plans.getPlan(db, who(req), req.params.id, req.query));

  app.patch('/action-plan/plans/:id', {
    schema: { tags, summary: 'Change a plan; `version` must be the one read (409 stale_version otherwise)', params: IdParams, body: UpdatePlanBody, response: { 200: Versioned, ...errors } },
  }, async (req) => plans.updatePlan(db, who(req), actor(req), req.params.id, req.body));

  app.post('/action-plan/plans/:id/goals', {
    schema: { tags, summary: 'Add a goal (section) to a plan', params: IdParams, body: GoalBody, response: { 201: Created, ...errors } },
  }, async (req, reply) => reply.status(201).send(await plans.addGoal(db, who(req), actor(req), req.params.id, req.body)));

  app.patch('/action-plan/goals/:id', {
    schema: { tags, summary: "Change a goal's number and title (a number another goal of the plan has: 409 duplicate_number naming number)", params: IdParams, body: GoalBody, response: { 200: Created, ...errors } },
  }, async (req) => plans.updateGoal(db, who(req), actor(req), req.params.id, req.body));

  app.post('/action-plan/plans/:id/measures', {
    schema: {
      tags,
      summary: 'Add a measure: hierarchical number, text, responsible and co-responsible agencies, deadline (a day, a year, years, or continuous), expected result, indicators with unit, baseline and target',
      description: FIGURE_DESCRIPTION,
      params: IdParams,
      body: CreateMeasureBody,
      response: { 201: Created, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await plans.addMeasure(db, who(req), actor(req), req.params.id, req.body)));

  app.get('/action-plan/measures/:id', {
    schema: { tags, summary: "A measure with its derived status, the years it reports on, its overdue years, the reports you may read, and each indicator's latest accepted value you may read (`latest`) and, when linked to the national statistics, its figure for the measure's latest ended reporting year (`computed`)", params: IdParams, response: { 200: MeasureView, ...errors } },
  }, async (req) => plans.getMeasure(db, who(req), req.params.id));

  app.patch('/action-plan/measures/:id', {
    schema: { tags, summary: "Change a measure (the coordinator's office): text, goal, agencies, deadline, expected result; `version` must be the one read (409 stale_version otherwise)", params: IdParams, body: UpdateMeasureBody, response: { 200: Versioned, ...errors } },
  }, async (req) => plans.updateMeasure(db, who(req), actor(req), req.params.id, req.body));

  app.patch('/action-plan/indicators/:id', {
    schema: {
      tags,
      summary: "Change an indicator (the coordinator's office): definition, unit, baseline, target, and its source (manual, or a figure of the national statistics; `statisticsTable: null` makes it manual); `version` is its measure's as read (409 stale_version otherwise)",
      description: `${FIGURE_DESCRIPTION} A new unit must hold the values already reported (400 naming \`unit\`).`,
      params: IdParams,
      body: UpdateIndicatorBody,
      response: { 200: Versioned, ...errors },
    },
  }, async (req) => plans.updateIndicator(db, who(req), actor(req), req.params.id, req.body));

  app.post('/action-plan/measures/:id/drop', {
    schema: { tags, summary: "Drop a measure with a reason (the coordinator's office); its status becomes dropped", params: IdParams, body: DropBody, response: { 200: Ok, ...errors } },
  }, async (req) => plans.dropMeasure(db, who(req), actor(req), req.params.id, req.body.reason));

  app.get('/action-plan/reports', {
    schema: {
      tags,
      summary: "Progress reports, those waiting for review first: all of them for the coordinator's office, analysts and auditors; a focal point's own agency's only",
      querystring: ReportListQuery,
      response: { 200: z.object({ items: z.array(ReportSummary.extend({ subjectNumber: z.string(), measureId: z.uuid().nullable(), actionItemId: z.uuid().nullable(), returnReason: z.string().nullable() })) }), ...errors },
    },
  }, async (req) => ({ items: await plans.listReports(db, who(req), req.query) }));

  app.post('/action-plan/reports', {
    schema: {
      tags,
      summary: "Report progress for your agency on a measure and year (or on a meeting's action item): status, narrative, indicator values",
      description: 'Your agency must be the responsible or a co-responsible agency of the measure (400 naming `measureId` otherwise), the year one the measure reports on (`period`), each value of its indicator\'s unit (`indicatorValues.<i>.value`: a count is a whole number ≥ 0, a percentage 0–100, an amount ≥ 0, yes/no 1 or 0). One report per agency, measure and year: a sent-back one is changed and resubmitted with PUT.',
      body: SubmitReportBody,
      response: { 201: Versioned, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await plans.submitReport(db, who(req), actor(req), req.body)));

  app.get('/action-plan/reports/:id', {
    schema: { tags, summary: "A progress report with its indicator values and evidence files; a value of an indicator linked to the national statistics carries the figure computed for the report's year once the year has ended (`computed`)", params: IdParams, response: { 200: ReportView, ...errors } },
  }, async (req) => plans.getReport(db, who(req), req.params.id));

  app.put('/action-plan/reports/:id', {
    schema: { tags, summary: "Change and resubmit your agency's report (after it was sent back, or before it is reviewed); an accepted report is final (409)", params: IdParams, body: ResubmitReportBody, response: { 200: Versioned, ...errors } },
  }, async (req) => plans.resubmitReport(db, who(req), actor(req), req.params.id, req.body));

  app.post('/action-plan/reports/:id/review', {
    schema: { tags, summary: "Accept a submitted report, or send it back with a reason (the coordinator's office)", params: IdParams, body: ReviewBody, response: { 200: Versioned, ...errors } },
  }, async (req) => plans.reviewReport(db, who(req), actor(req), req.params.id, req.body));

  await app.register(async (plain) => {
    const files = plain.withTypeProvider<ZodTypeProvider>();
    files.removeAllContentTypeParsers();
    files.addContentTypeParser([...DOCUMENT_TYPES], { parseAs: 'buffer', bodyLimit: app.deps.config.documentMaxBytes }, (_req, body, done) => done(null, body));
    files.post('/action-plan/reports/:id/documents', {
      bodyLimit: app.deps.config.documentMaxBytes,
      schema: {
        tags,
        summary: `Add an evidence file to your agency's report: the raw bytes as the body, typed ${DOCUMENT_TYPES.join(', ')}; stored encrypted; audited without content`,
        consumes: [...DOCUMENT_TYPES],
        params: IdParams,
        querystring: EvidenceUploadQuery,
        response: { 201: EvidenceView, ...errors, 413: ErrorBody, 415: ErrorBody },
      },
    }, async (req, reply) => reply.status(201).send(await plans.uploadEvidence(db, app.keys, who(req), actor(req), req.params.id, { name: req.query.name, declaredType: req.headers['content-type'], content: req.body })));

    // Import: CSV as text, XLSX as bytes (this scope's own parsers).
    files.addContentTypeParser(['text/csv'], { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    files.addContentTypeParser([XLSX_TYPE], { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    files.post('/action-plan/plans/:id/import', {
      schema: {
        tags,
        summary: 'Import goals, measures and indicators into a plan from CSV (text/csv) or XLSX; `dryRun=true` (the default) checks and counts without keeping anything',
        description: `Columns (header row): ${IMPORT_COLUMNS.join(', ')}. Agencies by name or short name; co-responsible ones separated by |. Deadline: 2022, 2021-2023, 2021-06-30 or continuous. A row with only number and indicator columns adds an indicator to the measure above. An indicator from the national statistics names its table in statisticsTable and its cell in statisticsKey as dim=code;dim=code (empty: the table's total); a table, dimension or code that is not one, or a unit that cannot hold the figure, is refused naming \`rows.<n>.statisticsTable\`, \`rows.<n>.statisticsKey\` or \`rows.<n>.unit\`. A bad row answers 400 naming it (\`rows.<n>.<column>\`) and nothing is written.`,
        consumes: ['text/csv', XLSX_TYPE],
        params: IdParams,
        querystring: ImportQuery,
        response: { 200: ImportResult, ...errors, 413: ErrorBody, 415: ErrorBody },
      },
    }, async (req) =>
      importPlan(db, who(req), actor(req), req.params.id, { content: req.body as Buffer | string, type: String(req.headers['content-type']).startsWith('text/csv') ? 'csv' : 'xlsx' }, req.query.dryRun),
    );
  });

  app.get('/action-plan/reports/:id/documents/:documentId/content', {
    schema: { tags, summary: 'An evidence file (audited), with nosniff and a sandboxing CSP', params: EvidenceParams, response: { 200: z.string().describe('the file, in its stored type'), ...errors } },
  }, async (req, reply) => {
    const d = await plans.readEvidence(db, app.keys, who(req), actor(req), req.params.id, req.params.documentId);
    return reply
      .type(d.contentType)
      .header('content-disposition', documentDisposition('attachment', d.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', DOCUMENT_CSP)
      .header('cache-control', 'private, no-store')
      .send(d.content as never);
  });

  app.get('/action-plan/meetings', {
    schema: { tags, summary: 'Coordination meetings, newest first, with their action items and how many are late', response: { 200: z.object({ items: z.array(MeetingListItem) }), ...errors } },
  }, async (req) => ({ items: await plans.listMeetings(db, who(req)) }));

  app.post('/action-plan/meetings', {
    schema: {
      tags,
      summary: "Record a coordination meeting (the coordinator's office): day, title, minutes, quorum, participating agencies, and the decisions as dated action items assigned to agencies",
      body: MeetingBody,
      response: { 201: Created, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await plans.createMeeting(db, who(req), actor(req), req.body)));

  app.get('/action-plan/meetings/:id', {
    schema: { tags, summary: 'A meeting with its agencies and action items, each with its derived status', params: IdParams, response: { 200: MeetingView, ...errors } },
  }, async (req) => plans.getMeeting(db, who(req), req.params.id));

  app.post('/action-plan/action-items/:id/drop', {
    schema: { tags, summary: "Drop an action item with a reason (the coordinator's office)", params: IdParams, body: DropBody, response: { 200: Ok, ...errors } },
  }, async (req) => plans.dropActionItem(db, who(req), actor(req), req.params.id, req.body.reason));

  app.get('/action-plan/mine', {
    schema: { tags, summary: "Your agency's view: the reports it owes (overdue first), the measures it leads that are late, its action items and its reports", response: { 200: MyView, ...errors } },
  }, async (req) => plans.myView(db, who(req)));

  app.get('/action-plan/reminders', {
    schema: { tags, summary: "Your agency's action plan reminders (reports and action items falling due), newest first", response: { 200: z.object({ items: z.array(ReminderView) }), ...errors } },
  }, async (req) => {
    const p = who(req);
    if (!mayReport(p)) throw forbidden();
    return { items: await listReminders(db, p.agencyId) };
  });

  app.post('/action-plan/reminders/:id/read', {
    schema: { tags, summary: 'Mark an action plan reminder of your agency read', params: IdParams, response: { 200: Ok, ...errors } },
  }, async (req) => {
    const p = who(req);
    if (!mayReport(p)) throw forbidden();
    return auditedTransaction(db, actor(req), async (tx) => {
      if (!(await markReminderRead(tx, p.agencyId, req.params.id))) throw notFound('Reminder');
      return { result: { ok: true as const }, audit: { action: 'action_plan.reminder_read', recordType: 'action_plan_reminder', recordId: req.params.id } };
    });
  });
};
