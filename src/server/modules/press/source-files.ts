import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import type { RecordAction } from '../../../shared/roles.ts';
import { SOURCE_FILE_TYPES, type SourceFileView } from '../../../shared/schemas/press.ts';
import { sourceFileMetas } from './repository.ts';
import { visibleIncident } from './service.ts';

export type SourceFileType = (typeof SOURCE_FILE_TYPES)[number];

const startsWith = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** What the bytes are, by their magic number; null when they are none of the accepted types. */
export function sniffType(b: Buffer): SourceFileType | null {
  if (startsWith(b, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/** The declared type without parameters, if it is one we accept. */
export function acceptedType(header: string | undefined): SourceFileType | null {
  const essence = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return (SOURCE_FILE_TYPES as readonly string[]).includes(essence) ? (essence as SourceFileType) : null;
}

/** The source and the incident it belongs to, if the principal may `action` that incident; 404 otherwise. */
async function sourceFor(db: Db, p: Principal, sourceId: string, action: RecordAction) {
  const source = await db.selectFrom('pressSources').select(['id', 'incidentId']).where('id', '=', sourceId).executeTakeFirst();
  if (!source) throw notFound('Source');
  await visibleIncident(db, p, source.incidentId, action).catch(() => {
    throw notFound('Source');
  });
  return source;
}

/**
 * Attaches a file to a source (replacing the one it had), with the same rule as changing the
 * source's incident. The bytes must be what the content type says. Audited in the same transaction,
 * with the file's name, type, size and hash: never its content.
 */
export async function uploadSourceFile(db: Db, actor: AuditActor, p: Principal, sourceId: string, file: { name: string; declaredType: string | undefined; content: unknown }): Promise<SourceFileView> {
  await sourceFor(db, p, sourceId, 'update');
  const declared = acceptedType(file.declaredType);
  if (!declared || !Buffer.isBuffer(file.content)) throw new AppError('unsupported_media_type', 415, `Send the file as the body with one of the types ${SOURCE_FILE_TYPES.join(', ')}`);
  const content = file.content;
  if (content.length === 0) throw badRequest('validation_failed', 'The file is empty', { file: 'empty' });
  const actual = sniffType(content);
  if (actual !== declared) throw badRequest('validation_failed', `The file is not ${declared}`, { file: actual ? `the content is ${actual}, not ${declared}` : `the content is not ${declared}` });
  const sha256 = createHash('sha256').update(content).digest('hex');
  return auditedTransaction(db, actor, async (tx) => {
    const source = await tx.selectFrom('pressSources').select(['id', 'incidentId']).where('id', '=', sourceId).forUpdate().executeTakeFirst();
    if (!source) throw notFound('Source');
    await visibleIncident(tx, p, source.incidentId, 'update').catch(() => {
      throw notFound('Source');
    });
    const before = await tx.selectFrom('pressSourceFiles').select(['id', 'fileName', 'sha256']).where('sourceId', '=', sourceId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const values = { sourceId, fileName: file.name, contentType: declared, sizeBytes: content.length, sha256, content, uploadedBy: p.userId, createdAt: new Date() };
    const row = await tx
      .insertInto('pressSourceFiles')
      // A new version; the earlier ones stay (evidence is never overwritten).
      .values(values)
      .returning('id')
      .executeTakeFirstOrThrow();
    const [view] = await sourceFileMetas(tx, [sourceId]);
    return {
      result: view!,
      audit: {
        action: 'press.source_file.uploaded',
        recordType: 'incident',
        recordId: source.incidentId,
        changes: {
          sourceId,
          fileId: row.id,
          fileName: file.name,
          contentType: declared,
          sizeBytes: content.length,
          sha256,
          ...(before ? { replaced: { fileName: before.fileName, sha256: before.sha256 } } : {}),
        },
      },
    };
  });
}

/** A source's file, for staff who may read its incident; the read is audited. */
export async function readSourceFile(db: Db, actor: AuditActor, p: Principal, sourceId: string) {
  const source = await sourceFor(db, p, sourceId, 'read');
  return auditedTransaction(db, actor, async (tx) => {
    const f = await tx
      .selectFrom('pressSourceFiles')
      .select(['id', 'fileName', 'contentType', 'sizeBytes', 'sha256', 'content'])
      .where('sourceId', '=', sourceId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!f) throw notFound('File');
    return {
      result: f,
      audit: { action: 'press.source_file.read', recordType: 'incident', recordId: source.incidentId, changes: { sourceId, fileId: f.id, fileName: f.fileName, sha256: f.sha256 } },
    };
  });
}

/** `attachment` with the name as plain ASCII and, for other scripts, RFC 5987's UTF-8 form. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
