import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { decodeSortCursor, encodeSortCursor } from '../../db/pagination.ts';
import { incidentCursorValue, incidentSortValue } from './repository.ts';
import { ErrorBody, IdParams, page } from '../../../shared/schemas/common.ts';
import {
  ActInput,
  AffiliationInput,
  UpdateAffiliationBody,
  UpdateOutletBody,
  UpdatePersonBody,
  CreateIncidentBody,
  CreateOutletBody,
  CreatePersonBody,
  ImportQuery,
  ImportReport,
  ImpunityIndexBody,
  ImpunityIndexView,
  IncidentListItem,
  IncidentView,
  InvolvementInput,
  LegalCaseInput,
  LinkInput,
  MilestoneInput,
  NameSearchQuery,
  OutletView,
  OverrideBody,
  PersonView,
  SOURCE_FILE_MAX_BYTES,
  SOURCE_FILE_TYPES,
  SourceFileQuery,
  SourceFileView,
  SourceInput,
  StaffIncidentQuery,
  StateRequestInput,
  UpdateIncidentBody,
  UpdateInvolvementBody,
  UpdateStateRequestBody,
} from '../../../shared/schemas/press.ts';
import * as press from './service.ts';
import * as people from './people.ts';
import { importIncidents } from './import.ts';
import { contentDisposition, readSourceFile, uploadSourceFile } from './source-files.ts';
import { dateView, derivedView, todayIso } from './views.ts';
import type { DatePrecision } from '../../../shared/press.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['press'];
const ItemParams = z.strictObject({ id: z.uuid(), itemId: z.uuid() });

/** Monitors, reviewers and analysts: recording incidents, publishing them, overriding a figure. */
export const pressRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  // A spreadsheet export, as text; larger than the JSON body limit.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get('/press/incidents', { schema: { tags, summary: 'List incidents (names match across scripts and spellings), first entered first or in the order `sort` asks: `-created`, `occurred`/`-occurred` (the incident\'s date), `title`/`-title`; another `sort` is 400 naming `sort`, a cursor of another order 400 naming `cursor`', querystring: StaffIncidentQuery, response: { 200: page(IncidentListItem), ...errors } } }, async (req) => {
    const { limit, cursor, sort, ...f } = req.query;
    const rows = await press.listIncidents(db, who(req), { ...f, sort, limit, cursor: decodeSortCursor(cursor, sort, (v) => incidentCursorValue(sort, v), 'created') });
    const more = rows.length > limit;
    const p = { rows: more ? rows.slice(0, limit) : rows };
    const last = p.rows.at(-1);
    const nextCursor = more && last ? encodeSortCursor(sort, incidentSortValue(sort, last), last.id) : null;
    const today = todayIso();
    return {
      items: p.rows.map((i) => {
        const d = derivedView(i, today);
        return {
          id: i.id,
          externalRef: i.externalRef,
          title: i.title,
          occurred: dateView({ on: i.occurredOn, precision: i.occurredPrecision as DatePrecision }),
          city: i.city,
          impunityStatus: d.impunityStatus,
          unescoStatus: d.unescoStatus,
          publishedAt: i.publishedAt?.toISOString() ?? null,
          changedSincePublish: i.changedSincePublish,
          isSynthetic: i.isSynthetic,
          createdAt: i.createdAt.toISOString(),
        };
      }),
      nextCursor,
    };
  });

  app.post('/press/incidents', { schema: { tags, summary: 'Record an incident, with its acts, perpetrators, sources, legal cases and requests', body: CreateIncidentBody, response: { 201: IncidentView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await press.createIncident(db, actor(req), who(req), req.body)),
  );

  app.get('/press/incidents/:id', { schema: { tags, summary: 'One incident with everything recorded about it', params: IdParams, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.getIncident(db, actor(req), who(req), req.params.id),
  );

  app.patch('/press/incidents/:id', { schema: { tags, summary: 'Change an incident', params: IdParams, body: UpdateIncidentBody, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.updateIncident(db, actor(req), who(req), req.params.id, req.body),
  );

  app.post('/press/incidents/:id/acts', { schema: { tags, summary: 'Add an act (one harm to one victim)', params: IdParams, body: ActInput, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.addAct(db, actor(req), who(req), req.params.id, req.body),
  );

  app.post('/press/incidents/:id/sources', { schema: { tags, summary: 'Add a source', params: IdParams, body: SourceInput, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.addSource(db, actor(req), who(req), req.params.id, req.body),
  );

  app.post('/press/incidents/:id/involvements', { schema: { tags, summary: 'Add a suspected perpetrator and their degree of involvement', params: IdParams, body: InvolvementInput, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.addInvolvement(db, actor(req), who(req), req.params.id, req.body),
  );

  app.patch('/press/incidents/:id/involvements/:itemId', { schema: { tags, summary: 'Change an involvement (for example: convicted)', params: ItemParams, body: UpdateInvolvementBody, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.updateInvolvement(db, actor(req), who(req), req.params.id, req.params.itemId, req.body),
  );

  app.post('/press/incidents/:id/legal-cases', { schema: { tags, summary: 'Add a legal case (one jurisdiction)', params: IdParams, body: LegalCaseInput, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.addLegalCase(db, actor(req), who(req), req.params.id, req.body),
  );

  app.post('/press/incidents/:id/legal-cases/:itemId/milestones', { schema: { tags, summary: 'Add a dated milestone to a legal case', params: ItemParams, body: MilestoneInput, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.addMilestone(db, actor(req), who(req), req.params.id, req.params.itemId, req.body),
  );

  app.post('/press/incidents/:id/state-requests', { schema: { tags, summary: 'Record a request to the state', params: IdParams, body: StateRequestInput, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.addStateRequest(db, actor(req), who(req), req.params.id, req.body),
  );

  app.patch('/press/incidents/:id/state-requests/:itemId', { schema: { tags, summary: "Record the state's reply", params: ItemParams, body: UpdateStateRequestBody, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.updateStateRequest(db, actor(req), who(req), req.params.id, req.params.itemId, req.body),
  );

  app.post('/press/incidents/:id/links', { schema: { tags, summary: 'Link a related incident', params: IdParams, body: LinkInput, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.addLink(db, actor(req), who(req), req.params.id, req.body),
  );

  app.post('/press/incidents/:id/publish', { schema: { tags, summary: 'Publish (or republish) to the public page (reviewers)', params: IdParams, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.publishIncident(db, actor(req), who(req), req.params.id),
  );

  app.post('/press/incidents/:id/unpublish', { schema: { tags, summary: 'Withdraw from the public page (reviewers)', params: IdParams, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.unpublishIncident(db, actor(req), who(req), req.params.id),
  );

  app.post('/press/incidents/:id/override', { schema: { tags, summary: 'Override a derived status, with a reason (analysts; flagged in the audit log)', params: IdParams, body: OverrideBody, response: { 200: IncidentView, ...errors } } }, async (req) =>
    press.overrideFigures(db, actor(req), who(req), req.params.id, req.body),
  );

  app.get('/press/persons', { schema: { tags, summary: 'Find journalists by name in any script or spelling', querystring: NameSearchQuery, response: { 200: z.object({ items: z.array(PersonView) }), ...errors } } }, async (req) => ({
    items: await press.searchPersons(db, who(req), req.query.q, req.query.limit),
  }));

  app.post('/press/persons', { schema: { tags, summary: 'Record a journalist', body: CreatePersonBody, response: { 201: PersonView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await press.createPerson(db, actor(req), who(req), req.body)),
  );

  app.get('/press/outlets', { schema: { tags, summary: 'Find outlets by name in any script or spelling', querystring: NameSearchQuery, response: { 200: z.object({ items: z.array(OutletView) }), ...errors } } }, async (req) => ({
    items: await press.searchOutlets(db, who(req), req.query.q, req.query.limit),
  }));

  app.post('/press/outlets', { schema: { tags, summary: 'Record an outlet', body: CreateOutletBody, response: { 201: OutletView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await press.createOutlet(db, actor(req), who(req), req.body)),
  );

  app.get('/press/persons/:id', { schema: { tags, summary: 'One journalist with their affiliations', params: IdParams, response: { 200: PersonView, ...errors } } }, async (req) =>
    people.getPerson(db, who(req), req.params.id),
  );

  app.patch('/press/persons/:id', { schema: { tags, summary: "Change a journalist's name, aliases, contact details (internal), beats; incidents naming them are recomputed", params: IdParams, body: UpdatePersonBody, response: { 200: PersonView, ...errors } } }, async (req) =>
    people.updatePerson(db, actor(req), who(req), req.params.id, req.body),
  );

  app.post('/press/persons/:id/affiliations', { schema: { tags, summary: 'Link a journalist with an outlet: role, employment, from and until (partial dates)', params: IdParams, body: AffiliationInput, response: { 201: PersonView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await people.addAffiliation(db, actor(req), who(req), req.params.id, req.body)),
  );

  app.patch('/press/persons/:id/affiliations/:itemId', { schema: { tags, summary: 'Change an affiliation (role, employment, dates)', params: ItemParams, body: UpdateAffiliationBody, response: { 200: PersonView, ...errors } } }, async (req) =>
    people.updateAffiliation(db, actor(req), who(req), req.params.id, req.params.itemId, req.body),
  );

  app.delete('/press/persons/:id/affiliations/:itemId', { schema: { tags, summary: 'Remove an affiliation recorded by mistake (the audit log keeps it)', params: ItemParams, response: { 200: PersonView, ...errors } } }, async (req) =>
    people.removeAffiliation(db, actor(req), who(req), req.params.id, req.params.itemId),
  );

  app.get('/press/outlets/:id', { schema: { tags, summary: 'One outlet', params: IdParams, response: { 200: OutletView, ...errors } } }, async (req) =>
    people.getOutlet(db, who(req), req.params.id),
  );

  app.patch('/press/outlets/:id', { schema: { tags, summary: "Change an outlet's name, aliases or medium; incidents naming it are recomputed", params: IdParams, body: UpdateOutletBody, response: { 200: OutletView, ...errors } } }, async (req) =>
    people.updateOutlet(db, actor(req), who(req), req.params.id, req.body),
  );

  app.post('/press/import', {
    schema: {
      tags,
      summary: 'Import incidents from CSV (text/csv), created or updated by externalRef; 422 and nothing changed when rows are bad, unless skipBadRows=true',
      consumes: ['text/csv'],
      querystring: ImportQuery,
      body: z.string().min(1, 'an empty file'),
      response: { 200: ImportReport, 422: ImportReport, ...errors, 413: ErrorBody, 415: ErrorBody },
    },
  }, async (req, reply) => {
    const report = await importIncidents(db, actor(req), who(req), req.body, req.query);
    return reply.status(report.applied || report.dryRun || report.refused === 0 ? 200 : 422).send(report);
  });

  // A source's file, sent as the raw body. Its own scope, so that only this route takes these types
  // (and only these: JSON, text and CSV are not parsed here) with a larger limit than JSON bodies.
  await app.register(async (plain) => {
    const files = plain.withTypeProvider<ZodTypeProvider>();
    files.removeAllContentTypeParsers();
    files.addContentTypeParser([...SOURCE_FILE_TYPES], { parseAs: 'buffer', bodyLimit: SOURCE_FILE_MAX_BYTES }, (_req, body, done) => done(null, body));
    files.post('/press/sources/:id/file', {
      bodyLimit: SOURCE_FILE_MAX_BYTES,
      schema: {
        tags,
        summary: `Attach a file to a source (replacing its file): the raw bytes as the body, typed ${SOURCE_FILE_TYPES.join(', ')}, at most 10 MiB; the content must be of the declared type`,
        consumes: [...SOURCE_FILE_TYPES],
        params: IdParams,
        querystring: SourceFileQuery,
        response: { 201: SourceFileView, ...errors, 413: ErrorBody, 415: ErrorBody },
      },
    }, async (req, reply) =>
      reply.status(201).send(await uploadSourceFile(db, actor(req), who(req), req.params.id, { name: req.query.name, declaredType: req.headers['content-type'], content: req.body })),
    );
  });

  app.get('/press/sources/:id/file', {
    schema: { tags, summary: "Download a source's file (staff who may read the incident; audited), as an attachment", params: IdParams, response: { 200: z.string().describe('the file, in its stored type'), ...errors } },
  }, async (req, reply) => {
    const f = await readSourceFile(db, actor(req), who(req), req.params.id);
    return reply
      .type(f.contentType)
      .header('content-disposition', contentDisposition(f.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('content-length', String(f.content.length))
      .send(f.content as never);
  });

  app.get('/press/impunity-index', { schema: { tags, summary: 'Computed impunity indexes with their parameters', response: { 200: z.object({ items: z.array(ImpunityIndexView) }), ...errors } } }, async (req) => ({
    items: await press.listIndexes(db, who(req)),
  }));

  app.post('/press/impunity-index', { schema: { tags, summary: 'Compute the impunity index from published incidents and store it with its parameters', body: ImpunityIndexBody, response: { 201: ImpunityIndexView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await press.computeIndex(db, actor(req), who(req), req.body)),
  );
};
