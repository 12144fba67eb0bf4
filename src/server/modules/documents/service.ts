import { createHash, randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { Keys } from '../../crypto/keys.ts';
import { openField, sealField } from '../../crypto/record-keys.ts';
import { AppError, badRequest, forbidden, notFound } from '../../errors.ts';
import { DOCUMENT_TYPES, type DocumentType } from '../../../shared/nrm.ts';
import type { DocumentView } from '../../../shared/schemas/case-support.ts';
import { caseAccess, caseWriteAccess, lockForCaseWrite, type CaseAccess } from '../cases/access.ts';
import { sniffType } from '../press/source-files.ts';
import type { BlobStore, DocumentStores } from './store.ts';

/** The declared type without parameters, if it is one a case document may have. */
export function acceptedDocumentType(header: string | undefined): DocumentType | null {
  const essence = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return (DOCUMENT_TYPES as readonly string[]).includes(essence) ? (essence as DocumentType) : null;
}

/**
 * Documents follow the case and the `document` record permissions: the owning agency's staff with
 * `document:read:agency` (or `own` for the case worker responsible), a grantee agency's staff with
 * `document:read:granted` only when the grant's sections include `documents`, a break-glass grant to a
 * user when its sections do. A case whose access was ended by an order is open only to those
 * `caseAccess` lets read it (auditors, the owning agency's supervisors), and only to read.
 */
function mayReadDocuments(p: Principal, access: CaseAccess, accessEnded: boolean): boolean {
  const scopes = scopesFor(p, 'document', 'read');
  const { via, sections } = access.decision;
  if (accessEnded) return true;
  switch (via) {
    case 'all':
      return scopes.has('all');
    case 'agency':
      return scopes.has('all') || scopes.has('agency');
    case 'own':
      return scopes.has('all') || scopes.has('agency') || scopes.has('own');
    case 'granted':
      return (scopes.has('all') || scopes.has('granted')) && sections.has('documents');
    case 'user_grant':
      return sections.has('documents');
    default:
      return false;
  }
}

async function readableCase(db: DbOrTx, p: Principal, caseId: string) {
  const access = await caseAccess(db, p, caseId, 'read');
  const ended = (await db.selectFrom('cases').select('accessEndedAt').where('id', '=', caseId).executeTakeFirst())?.accessEndedAt != null;
  // Someone who sees the case but not its documents learns nothing about them: not found.
  if (!mayReadDocuments(p, access, ended)) throw notFound('Document');
  return access;
}

const toView = (d: { id: string; caseId: string; fileNameEnc: Buffer | null; kind: string; contentType: string; sizeBytes: number; sha256: string; uploadedBy: string; createdAt: Date }): DocumentView => ({
  id: d.id,
  caseId: d.caseId,
  // Sealed at rest (docs/nrm.md, "Identity at rest"): a file's name can name the victim.
  fileName: openField('case_documents', 'file_name', d.id, d.fileNameEnc) ?? '',
  kind: d.kind as DocumentView['kind'],
  contentType: d.contentType as DocumentView['contentType'],
  sizeBytes: d.sizeBytes,
  sha256: d.sha256,
  uploadedBy: d.uploadedBy,
  createdAt: d.createdAt.toISOString(),
});

const META = ['id', 'caseId', 'fileNameEnc', 'kind', 'contentType', 'sizeBytes', 'sha256', 'uploadedBy', 'createdAt'] as const;

/** The case's documents (names, types, sizes; never content), for those who may read them. */
export async function listDocuments(db: Db, p: Principal, caseId: string): Promise<DocumentView[]> {
  await readableCase(db, p, caseId);
  const rows = await db.selectFrom('caseDocuments').select(META).where('caseId', '=', caseId).orderBy('createdAt', 'desc').orderBy('id').execute();
  return rows.map(toView);
}

/** Only the agency that holds the case (with `document:create`) adds documents; its case worker with `own`. */
function mayAddDocuments(p: Principal, access: CaseAccess): boolean {
  const scopes = scopesFor(p, 'document', 'create');
  return scopes.has('all') || (scopes.has('agency') && access.decision.via !== 'own') || ((scopes.has('own') || scopes.has('agency')) && access.decision.via === 'own');
}

/** What a document's bytes are sealed with, besides the key, when they live outside the database: its id. */
const documentAad = (id: string) => Buffer.from(`pathway/case-document/${id}`, 'utf8');

/** The store could not be used: the client is told no more; the log gets the cause. */
function storeUnavailable(message: string, cause: unknown): AppError {
  const err = new AppError('document_store_unavailable', 503, message);
  (err as Error).cause = cause;
  return err;
}

/**
 * Stores a document on a case, encrypted: in PostgreSQL, or in the configured disk or S3 store with
 * only its key in the row. Only the agency that holds the case (with `document:create`) adds
 * documents; the bytes must be what the declared type says. Audited with the name, type, size and
 * hash: never the content.
 *
 * With an outside store the bytes are written first (after a check that the user may add documents
 * at all, so refused users write nothing), then the row in one transaction with the case locked; if
 * that transaction fails and the row is not there, the bytes are removed again. A crash between the
 * two, or a failure to find out whether the row was saved, leaves only encrypted bytes no row names.
 */
export async function uploadDocument(
  db: Db,
  keys: Keys,
  stores: DocumentStores,
  actor: AuditActor,
  p: Principal,
  caseId: string,
  file: { name: string; kind: DocumentView['kind']; declaredType: string | undefined; content: unknown },
): Promise<DocumentView> {
  const declared = acceptedDocumentType(file.declaredType);
  if (!declared || !Buffer.isBuffer(file.content)) throw new AppError('unsupported_media_type', 415, `Send the file as the body with one of the types ${DOCUMENT_TYPES.join(', ')}`);
  const content = file.content;
  if (content.length === 0) throw badRequest('validation_failed', 'The file is empty', { file: 'empty' });
  const actual = sniffType(content);
  if (actual !== declared) throw badRequest('validation_failed', `The file is not ${declared}`, { file: actual ? `the content is ${actual}, not ${declared}` : `the content is not ${declared}` });
  const sha256 = createHash('sha256').update(content).digest('hex');
  const store = stores.write;
  const meta = { caseId, kind: file.kind, contentType: declared, sizeBytes: content.length, sha256, uploadedBy: p.userId };

  const save = (stored: { id?: string; keyVersion: 1 | 2; ciphertext: Buffer | null; storage: 'database' | 'disk' | 's3'; storageKey: string | null }) =>
    auditedTransaction(db, actor, async (tx) => {
      const access = await lockForCaseWrite(tx, p, caseId);
      if (!mayAddDocuments(p, access)) throw forbidden('You may not add documents to this case');
      const id = stored.id ?? randomUUID();
      const row = await tx.insertInto('caseDocuments').values({ ...meta, ...stored, id, fileNameEnc: sealField('case_documents', 'file_name', id, file.name) }).returning(META).executeTakeFirstOrThrow();
      return {
        result: toView(row),
        audit: {
          action: 'case.document_uploaded',
          recordType: 'case',
          recordId: caseId,
          changes: { documentId: row.id, fileName: file.name, kind: file.kind, contentType: declared, sizeBytes: content.length, sha256, storage: stored.storage },
        },
      };
    });

  if (!store) return save({ keyVersion: 1, ciphertext: keys.encryptBytes(content), storage: 'database', storageKey: null });

  if (!mayAddDocuments(p, await caseWriteAccess(db, p, caseId))) throw forbidden('You may not add documents to this case');
  const id = randomUUID();
  const storageKey = store.keyFor(id);
  try {
    await store.put(storageKey, keys.encryptBytes(content, documentAad(id)));
  } catch (err) {
    throw storeUnavailable('The document store could not be written; nothing was saved. Try again later', err);
  }
  try {
    return await save({ id, keyVersion: 2, ciphertext: null, storage: store.kind, storageKey });
  } catch (err) {
    // The error may come after the commit (a connection lost while the answer was on its way): the
    // bytes are removed only when the row is known not to exist, and a saved row is the answer.
    const saved = await db
      .selectFrom('caseDocuments')
      .select(META)
      .where('id', '=', id)
      .executeTakeFirst()
      .then((row) => row ?? false, () => null);
    if (saved) return toView(saved);
    if (saved === false) await store.delete(storageKey).catch(() => undefined);
    throw err;
  }
}

/** The sealed bytes of a document row, from wherever they are kept. */
async function sealedBytes(stores: DocumentStores, d: { id: string; storage: 'database' | 'disk' | 's3'; storageKey: string | null; ciphertext: Buffer | null }): Promise<Buffer> {
  if (d.storage === 'database') return d.ciphertext!;
  const store: BlobStore | null = d.storage === 'disk' ? stores.read.disk : stores.read.s3;
  if (!store) throw storeUnavailable('The document is kept in an S3 store that is not configured', new Error(`document ${d.id}: storage s3 but no PATHWAY_S3_BUCKET`));
  let sealed: Buffer | null;
  try {
    sealed = await store.get(d.storageKey!);
  } catch (err) {
    throw storeUnavailable('The document store could not be read. Try again later', err);
  }
  if (!sealed) throw storeUnavailable('The document\'s content is missing from its store', new Error(`document ${d.id}: nothing under ${d.storage} key ${d.storageKey}`));
  return sealed;
}

/** A document's plain bytes, for those who may read the case's documents; every read is audited. */
export async function readDocument(db: Db, keys: Keys, stores: DocumentStores, actor: AuditActor, p: Principal, caseId: string, documentId: string, disposition: 'inline' | 'attachment') {
  const access = await readableCase(db, p, caseId);
  const d = await db
    .selectFrom('caseDocuments')
    .select([...META, 'ciphertext', 'storage', 'storageKey', 'keyVersion'])
    .where('id', '=', documentId)
    .where('caseId', '=', caseId)
    .executeTakeFirst();
  if (!d) throw notFound('Document');
  const sealed = await sealedBytes(stores, d);
  let content: Buffer;
  try {
    content = keys.decryptBytes(sealed, d.keyVersion === 2 ? documentAad(d.id) : undefined);
  } catch (err) {
    // Bytes that do not authenticate were changed or belong to another document: never sent.
    throw storeUnavailable('The document\'s stored content does not match it', err);
  }
  // The read is recorded before the bytes leave (documents are never deleted: the row still stands).
  const view = toView(d);
  return auditedTransaction(db, actor, async () => {
    return {
      result: { ...view, content },
      audit: {
        action: 'case.document.read',
        recordType: 'case',
        recordId: caseId,
        changes: { documentId, fileName: view.fileName, sha256: d.sha256, disposition, via: access.decision.via },
        ...(access.decision.via === 'user_grant' ? { flagged: true } : {}),
      },
    };
  });
}

/** `inline` or `attachment`, with the name as plain ASCII and, for other scripts, RFC 5987's UTF-8 form. */
export function documentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * The response's policy: a sandbox (no scripts, no same origin, no forms), nothing loaded but the
 * document itself. A PDF shown inline gets the browser's own viewer, which a sandbox without
 * `allow-scripts` still lets render in Chromium and Firefox; anything else in the file cannot act as the site.
 */
export const DOCUMENT_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'";
