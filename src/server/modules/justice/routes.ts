import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { auditRead } from '../../audit/audit.ts';
import { forbidden } from '../../errors.ts';
import { ErrorBody, IdParams, Ok } from '../../../shared/schemas/common.ts';
import {
  AddDefendantBody,
  ChargeBody,
  CooperationBody,
  CreateCriminalCaseBody,
  CriminalCaseDetail,
  CriminalCaseListItem,
  CriminalCaseListQuery,
  DeadlineView,
  DefendantParams,
  JusticeProfileView,
  LinkVictimBody,
  ProceduralEventBody,
  RecordsQuery,
  RecordsView,
  SentenceBody,
  ShareCriminalCaseBody,
  StatisticsQuery,
  StatisticsView,
  TrendQuery,
  TrendView,
  UpdateCriminalCaseBody,
  VerdictBody,
} from '../../../shared/schemas/justice.ts';
import { countryToday, loadJusticeProfile } from '../../nrm-profile.ts';
import { mayReadAny, maySeeFigures } from './policy.ts';
import * as repo from './repository.ts';
import * as justice from './service.ts';
import * as stats from './statistics.ts';
import { importDecisions } from './import.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['justice'];
const Created = z.object({ id: z.uuid() });

export const justiceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/justice/profile', {
    schema: { tags, summary: "The country profile's criminal-justice part: statute list with penalty ranges and kinds, investigation time limit, counting parameters", response: { 200: JusticeProfileView, ...errors } },
  }, async (req) => {
    const p = who(req);
    if (!maySeeFigures(p)) throw forbidden();
    return loadJusticeProfile(db);
  });

  app.get('/justice/cases', {
    schema: {
      tags,
      summary: 'Criminal cases the user may read, sorted by opening date, case number or status (keyset pagination), with filters',
      description: "Only the cases of the user's agency, their own, or shared with their agency (a prosecutor's office, a court). No names.",
      querystring: CriminalCaseListQuery,
      response: { 200: z.object({ items: z.array(CriminalCaseListItem), nextCursor: z.string().nullable() }), ...errors },
    },
  }, async (req) => {
    const p = who(req);
    if (!mayReadAny(p)) throw forbidden();
    const { limit, cursor, form, article, ...filters } = req.query;
    const forms = form ? { sexual: ['sexual_exploitation'], labour: ['forced_labour', 'child_labour', 'servitude', 'forced_begging'], other: ['forced_marriage', 'forced_military', 'organ_removal', 'forced_adoption', 'surrogacy', 'other'] }[form] : undefined;
    const [profile, today] = await Promise.all([loadJusticeProfile(db), countryToday(db)]);
    const articleParts = article ? [article, ...profile.statutes.filter((s) => s.article === article).map((s) => s.code)] : undefined;
    const rows = await repo.listCases(db, p, { ...filters, forms, articleParts, limit, cursor: repo.decodeListCursor(cursor, filters.sort) });
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { items: page.map((r) => justice.toListItem(r, profile, today)), nextCursor: more ? repo.encodeListCursor(filters.sort, page.at(-1)!) : null };
  });

  app.post('/justice/cases', {
    schema: {
      tags,
      summary: 'Open a criminal case (investigators, prosecutors): agency, number, opening date, articles, forms, places, complicity, linked NRM cases',
      description: "Articles must be parts of the country profile's statute list. The victims of linked NRM cases are linked with their sex, age group and nationality.",
      body: CreateCriminalCaseBody,
      response: { 201: z.object({ id: z.uuid(), version: z.number() }), ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await justice.createCase(db, who(req), actor(req), req.body)));

  app.get('/justice/cases/:id', {
    schema: { tags, summary: 'The criminal case page: summary, dated timeline, defendants with charges, verdicts and sentences, victims, requests (the read is audited)', params: IdParams, response: { 200: CriminalCaseDetail, ...errors } },
  }, async (req) => justice.getCase(db, who(req), actor(req), req.params.id));

  app.patch('/justice/cases/:id', {
    schema: {
      tags,
      summary: 'Change a criminal case; `version` must be the one read (409 stale_version otherwise: no lost update)',
      params: IdParams,
      body: UpdateCriminalCaseBody,
      response: { 200: CriminalCaseListItem.extend({ version: z.number() }), ...errors },
    },
  }, async (req) => justice.updateCase(db, who(req), actor(req), req.params.id, req.body));

  app.post('/justice/cases/:id/share', {
    schema: { tags, summary: "Open the case to a prosecutor's office or a court", params: IdParams, body: ShareCriminalCaseBody, response: { 200: Ok, ...errors } },
  }, async (req) => justice.shareCase(db, who(req), actor(req), req.params.id, req.body.agencyId));

  app.post('/justice/cases/:id/events', {
    schema: {
      tags,
      summary: 'Record a procedural event (suspended, resumed, terminated with ground, indicted, trial opened, appeal lodged, final, ...)',
      description: 'Dates must follow the order of procedure (400 naming `occurredOn`). Verdicts, appeal decisions and cassation are recorded with POST .../verdicts. `indicted` with `courtAgencyId` opens the case to that court.',
      params: IdParams,
      body: ProceduralEventBody,
      response: { 201: Created, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await justice.addEvent(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/justice/cases/:id/defendants', {
    schema: {
      tags,
      summary: 'Add a suspect: a person of the registry (personId), a new person (person, with the same names and duplicate rules as victims), or a legal person',
      params: IdParams,
      body: AddDefendantBody,
      response: { 201: z.object({ id: z.uuid(), personId: z.uuid().nullable() }), ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await justice.addDefendant(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/justice/cases/:id/defendants/:defendantId/charges', {
    schema: { tags, summary: 'Bring a charge (article part of the statute list) against a defendant', params: DefendantParams, body: ChargeBody, response: { 201: Created, ...errors } },
  }, async (req, reply) => reply.status(201).send(await justice.addCharge(db, who(req), actor(req), req.params.id, req.params.defendantId, req.body)));

  app.post('/justice/cases/:id/defendants/:defendantId/verdicts', {
    schema: {
      tags,
      summary: "Record a verdict per charge (first instance, appeal or cassation): convicted, acquitted, terminated with ground, reclassified to another article, returned",
      description: 'Refused (400) before the indictment, on a charge never brought against the defendant, an appeal without a first-instance verdict.',
      params: DefendantParams,
      body: VerdictBody,
      response: { 201: z.object({ eventId: z.uuid() }), ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await justice.recordVerdict(db, who(req), actor(req), req.params.id, req.params.defendantId, req.body)));

  app.post('/justice/cases/:id/defendants/:defendantId/sentences', {
    schema: {
      tags,
      summary: 'Record a sentence of a convicted defendant (an appeal sentence replaces the one in force from its date)',
      description: 'Refused (400) for a defendant not convicted. A term outside the range of the most serious convicted part without a recorded ground is accepted and flagged for review (`reviewFlag`).',
      params: DefendantParams,
      body: SentenceBody,
      response: { 201: z.object({ id: z.uuid(), band: z.string(), reviewFlag: z.string().nullable(), belowMinimum: z.boolean(), supersedes: z.uuid().nullable() }), ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await justice.recordSentence(db, who(req), actor(req), req.params.id, req.params.defendantId, req.body)));

  app.post('/justice/cases/:id/victims', {
    schema: {
      tags,
      summary: 'Link victims: those of an NRM case the user may read (or one of them), or a victim known only to the proceedings; testimony, protection, compensation, non-punishment',
      params: IdParams,
      body: LinkVictimBody,
      response: { 201: z.object({ ids: z.array(z.uuid()) }), ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await justice.addVictim(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/justice/cases/:id/cooperation', {
    schema: { tags, summary: 'Record an extradition or mutual legal assistance request (sent or received)', params: IdParams, body: CooperationBody, response: { 201: Created, ...errors } },
  }, async (req, reply) => reply.status(201).send(await justice.addCooperation(db, who(req), actor(req), req.params.id, req.body)));

  app.get('/justice/deadlines', {
    schema: {
      tags,
      summary: "Investigation time limits due within the profile's reminder days or past (the user's readable cases; `mine=true` for their own)",
      querystring: z.strictObject({ mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }),
      response: { 200: z.object({ items: z.array(DeadlineView) }), ...errors },
    },
  }, async (req) => {
    const p = who(req);
    if (!mayReadAny(p)) throw forbidden();
    return { items: await justice.deadlines(db, p, req.query.mine ?? false) };
  });

  app.get('/justice/statistics', {
    schema: {
      tags,
      summary: 'The law-enforcement figures for a period (calendar year by default; `year` with `yearKind=us_tip` for 1 April to 31 March; or from/to)',
      description: 'Counting rules: docs/criminal-justice.md. Totals over the counted articles (144-1, 144-2), split by form, article, offender sex and official complicity; sentences in force at the period end.',
      querystring: StatisticsQuery,
      response: { 200: StatisticsView, ...errors },
    },
  }, async (req) => app.reads.pinned((r) => stats.statistics(r, who(req), req.query)));

  app.get('/justice/statistics/export', {
    schema: {
      tags,
      summary: 'The figures as a CSV or XLSX table (split, group, figure, value): the same as GET /justice/statistics',
      querystring: z.intersection(StatisticsQuery, z.object({ format: z.enum(['csv', 'xlsx']) })),
      response: { 200: z.string().describe('text/csv or an XLSX workbook'), ...errors },
    },
  }, async (req, reply) => {
    const p = who(req);
    const { format, ...q } = req.query;
    const view = await app.reads.pinned((r) => stats.statistics(r, p, q));
    const rows = stats.statisticsTable(view);
    const file = format === 'csv' ? stats.toCsv(rows) : await stats.toXlsx(rows);
    await auditRead(db, actor(req), { action: 'justice.statistics_exported', changes: { format, from: view.period.from, to: view.period.to } });
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="justice-${view.period.from}-to-${view.period.to}.${format}"`)
      .send(file as never);
  });

  app.get('/justice/statistics/trend', {
    schema: { tags, summary: 'Main figures per reporting year, for the trend chart', querystring: TrendQuery, response: { 200: TrendView, ...errors } },
  }, async (req) => app.reads.pinned((r) => stats.trend(r, who(req), req.query)));

  app.get('/justice/statistics/records', {
    schema: {
      tags,
      summary: 'The records behind one figure, without names (analysts: all, de-identified; case staff: those they may read, openable)',
      querystring: RecordsQuery,
      response: { 200: RecordsView, ...errors },
    },
  }, async (req) => stats.records(db, who(req), actor(req), req.query));

  // CSV bodies for the import (this plugin's own parser: the press module's is in its scope only).
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  const ImportReportView = z.object({
    dryRun: z.boolean(),
    ok: z.boolean(),
    applied: z.boolean(),
    rows: z.array(z.object({ row: z.number(), status: z.enum(['ok', 'error']), errors: z.record(z.string(), z.string()) })),
  });
  app.post('/justice/import', {
    schema: {
      tags,
      summary: 'Import court decisions from CSV (text/csv): one row per defendant and charge, matched by case number and defendant (pseudonym or name); 422 and nothing changed when a row is bad, unless skipBadRows=true',
      description: 'Columns: caseNumber, defendant, article, instance, decidedOn, outcome, terminationGround, reclassifiedTo, sentenceType, termMonths, fineAmount, suspended, probationMonths, deferred, deferralGround, belowMinimumGround, mitigating (a|b), confiscation. The rules are those of the API; dryRun=true applies every row and rolls back, reporting per row.',
      consumes: ['text/csv'],
      querystring: z.strictObject({
        dryRun: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
        skipBadRows: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
      }),
      body: z.string().min(1, 'an empty file'),
      response: { 200: ImportReportView, 422: ImportReportView, ...errors, 413: ErrorBody, 415: ErrorBody },
    },
  }, async (req, reply) => {
    const report = await importDecisions(db, who(req), actor(req), req.body, req.query);
    return reply.status(report.ok || report.applied ? 200 : 422).send(report);
  });
};
