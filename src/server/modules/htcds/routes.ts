import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import { HtcdsDocument, HtcdsExportDocument, HtcdsExportQuery, HtcdsImportQuery, HtcdsImportResult } from '../../../shared/schemas/htcds.ts';
import { csvChunks, exportCase, exportRecords, jsonChunks, requireBulkExport } from './export.ts';
import { importDocument } from './import.ts';
import { badRequest } from '../../errors.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['htcds'];
/** An import of up to 1,000 records with their people and events. */
const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

export const htcdsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/cases/:id/htcds', {
    schema: {
      tags,
      summary: 'One case as an HTCDS v2 document, with exactly the sections and fields the case page shows this user (audited)',
      params: IdParams,
      response: { 200: HtcdsExportDocument, ...errors },
    },
  }, async (req, reply) => {
    const { caseNumber, document } = await exportCase(db, who(req), actor(req), app.keys, req.params.id);
    reply.header('content-disposition', `attachment; filename="${caseNumber}-htcds.json"`);
    return document;
  });

  app.get('/exports/htcds', {
    schema: {
      tags,
      summary: 'Every case the user may read as HTCDS v2 records, streamed (JSON document or CSV, one row per person)',
      description:
        'The same access rule as the case list: a case the user may not open is not there, and each record holds only the sections the user may see. ' +
        '`openedFrom` (inclusive) and `openedTo` (exclusive) filter on the time the case was opened, not when it was entered. ' +
        'De-identified by default (no names, dates of birth, guardian appointment dates, free text, exact places; every other date cut to its month, YYYY-MM; ' +
        'case numbers and person ids replaced by stable pseudonyms); `identifying=true` needs the permission `htcds:export_identifying`. ' +
        'Audited as `htcds.export_started` (filters, format), then before each batch is sent `htcds.exported_batch` with the ids of its cases, and at the end `htcds.exported` with the number of records and whether it completed.',
      querystring: HtcdsExportQuery,
      response: { 200: HtcdsExportDocument.describe('application/json; or text/csv with format=csv'), ...errors },
    },
  }, async (req, reply) => {
    const p = who(req);
    requireBulkExport(p, req.query);
    const records = exportRecords(db, p, actor(req), app.keys, req.query);
    const day = new Date().toISOString().slice(0, 10);
    if (req.query.format === 'csv') {
      reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="htcds-${day}.csv"`);
      return reply.send(Readable.from(csvChunks(records)) as never);
    }
    reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="htcds-${day}.json"`);
    return reply.send(Readable.from(jsonChunks(records, req.query.identifying)) as never);
  });

  app.post('/imports/htcds', {
    bodyLimit: IMPORT_BODY_LIMIT,
    // The document is checked by the import itself, which names fields as `records[3].vic_TypeOfExploitation[0]`.
    attachValidation: true,
    schema: {
      tags,
      summary: 'Import HTCDS v2 records as cases of your agency, with their people, events, consents and comments; all or nothing',
      description:
        'Every field and code is checked; a problem answers 400 `validation_failed` naming each field by its path (`records[3].vic_TypeOfExploitation[0]`) and writes nothing. ' +
        'A de-identified export (`identifying: false`) is refused with 400 `validation_failed` naming `identifying`. ' +
        'Likely duplicates of people you may see are returned as warnings. `dryRun=true` checks and reports without writing. Audited.',
      querystring: HtcdsImportQuery,
      body: HtcdsDocument,
      response: { 200: HtcdsImportResult, 201: HtcdsImportResult, ...errors },
    },
  }, async (req, reply) => {
    const p = who(req);
    // With attachValidation the query may or may not have been parsed already (Fastify stops at the first part that fails).
    const raw: unknown = (req.query as { dryRun?: unknown }).dryRun;
    if (![undefined, true, false, 'true', 'false'].includes(raw as never)) throw badRequest('validation_failed', 'Invalid query: dryRun', { dryRun: 'true or false' });
    const unknownQuery = Object.keys(req.query as object).filter((k) => k !== 'dryRun');
    if (unknownQuery.length) throw badRequest('validation_failed', 'Invalid query', Object.fromEntries(unknownQuery.map((k) => [k, 'unknown field'])));
    const result = await importDocument(db, p, actor(req), req.body, raw === true || raw === 'true');
    return reply.status(result.dryRun ? 200 : 201).send(result);
  });
};
