import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actor, requireAuth } from '../../app.ts';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.ts';
import { DocumentContentQuery, DocumentList, DocumentParams, DocumentUploadQuery, DocumentView } from '../../../shared/schemas/case-support.ts';
import { DOCUMENT_TYPES } from '../../../shared/nrm.ts';
import { DOCUMENT_CSP, documentDisposition, listDocuments, readDocument, uploadDocument } from './service.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['cases'];

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, config } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;
  const maxBytes = config.documentMaxBytes;

  app.get('/cases/:id/documents', {
    schema: { tags, summary: "A case's documents (names, types, sizes, hashes; never content), with the size limit for uploads", params: IdParams, response: { 200: DocumentList, ...errors } },
  }, async (req) => ({ items: await listDocuments(db, who(req), req.params.id), maxBytes }));

  // The file is the raw body: only this route takes these types, with its own size limit.
  await app.register(async (plain) => {
    const files = plain.withTypeProvider<ZodTypeProvider>();
    files.removeAllContentTypeParsers();
    files.addContentTypeParser([...DOCUMENT_TYPES], { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
    files.post('/cases/:id/documents', {
      bodyLimit: maxBytes,
      schema: {
        tags,
        summary: `Add a document to a case: the raw bytes as the body, typed ${DOCUMENT_TYPES.join(', ')}, at most PATHWAY_DOCUMENT_MAX_BYTES; the content must be of the declared type. Stored encrypted (in PostgreSQL, or in the disk or S3 store of PATHWAY_DOCUMENT_STORE: 503 when that store cannot be written, and nothing is saved); audited without content`,
        consumes: [...DOCUMENT_TYPES],
        params: IdParams,
        querystring: DocumentUploadQuery,
        response: { 201: DocumentView, ...errors, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody },
      },
    }, async (req, reply) =>
      reply.status(201).send(
        await uploadDocument(db, app.keys, app.documentStores, actor(req), who(req), req.params.id, { name: req.query.name, kind: req.query.kind, declaredType: req.headers['content-type'], content: req.body }),
      ),
    );
  });

  app.get('/cases/:id/documents/:documentId/content', {
    schema: {
      tags,
      summary: 'A document\'s content in its own type (audited): `disposition=inline` to preview an image or PDF in the browser, `attachment` to download. Sent with nosniff and a sandboxing CSP. 503 when the store holding it cannot give bytes that authenticate',
      params: DocumentParams,
      querystring: DocumentContentQuery,
      response: { 200: z.string().describe('the file, in its stored type'), ...errors, 503: ErrorBody },
    },
  }, async (req, reply) => {
    const d = await readDocument(db, app.keys, app.documentStores, actor(req), who(req), req.params.id, req.params.documentId, req.query.disposition);
    return reply
      .type(d.contentType)
      .header('content-disposition', documentDisposition(req.query.disposition, d.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', DOCUMENT_CSP)
      .header('cache-control', 'private, no-store')
      .header('content-length', String(d.content.length))
      .send(d.content as never);
  });
};
