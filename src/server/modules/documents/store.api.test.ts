import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, TEST_SECRET_KEY, type Session } from '../../../../test/helpers/app.ts';
import { deriveKeys } from '../../crypto/keys.ts';
import { sealField } from '../../crypto/record-keys.ts';
import { freePort } from '../../db/embedded.ts';
import type { Config, S3StoreConfig } from '../../config.ts';
import { backupCommand } from '../../../cli/commands/backup.ts';
import type { Principal } from '../../access/principal.ts';
import { actorOf } from '../../access/principal.ts';
import type { Db } from '../../db/database.ts';
import { DEFAULT_ROLE_PERMISSIONS } from '../../../shared/roles.ts';
import { uploadDocument } from './service.ts';
import { diskStore, s3Store } from './store.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4000)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(6000)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const keys = deriveKeys(TEST_SECRET_KEY);

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** An app with a document store, a case of its NGO, a colleague and an outsider. */
async function world(store: Config['documentStore']) {
  const t = await createTestApp({ documentMaxBytes: 64 * 1024, documentStore: store });
  const ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  const user = async (agencyId: string) => {
    const u = await makeUser(t.db, { roles: ['case_worker'], agencyId });
    return { ...(await signIn(t.app, u.email)), id: u.id };
  };
  const worker = await user(ngo);
  const outsider = await user((await makeAgency(t.db, { type: 'ngo' })).id);
  const newCase = async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: worker.headers, payload: { exploitationForms: ['forced_labour'] } });
    expect(r.statusCode).toBe(201);
    return r.json().id as string;
  };
  const upload = (caseId: string, body: Buffer, type: string, s: Session = worker, name = 'scan') =>
    t.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/documents?name=${name}&kind=identity_document`, headers: { ...s.headers, 'content-type': type }, payload: body });
  const download = (caseId: string, docId: string, s: Session = worker) => t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/documents/${docId}/content`, headers: { cookie: s.cookie } });
  const row = (id: string) => t.db.selectFrom('caseDocuments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const audits = (caseId: string, action: string) =>
    t.db.selectFrom('auditLog').select('changes').where('recordId', '=', caseId).where('action', '=', action).execute();
  return { t, ngo, worker, outsider, newCase, upload, download, row, audits };
}

describe('case documents on disk (PATHWAY_DOCUMENT_STORE=disk)', () => {
  let dir: string;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-docs-'));
    w = await world({ kind: 'disk', dir, s3: undefined });
  });
  afterAll(async () => {
    await w.t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the bytes encrypted in a file named by the document, only the key in the row, and gives them back', async () => {
    const caseId = await w.newCase();
    const up = await w.upload(caseId, PNG, 'image/png');
    expect(up.statusCode).toBe(201);
    const id = up.json().id as string;
    expect(up.json()).toMatchObject({ sizeBytes: PNG.length, sha256: sha(PNG) });
    const r = await w.row(id);
    expect(r).toMatchObject({ storage: 'disk', storageKey: `${id.slice(0, 2)}/${id}.bin`, ciphertext: null, keyVersion: 2 });
    const file = path.join(dir, r.storageKey!);
    const stored = fs.readFileSync(file);
    expect(stored.length).toBe(PNG.length + 28);
    expect(stored.includes(PNG.subarray(8, 72))).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(filesUnder(dir)).toEqual([r.storageKey]);
    const down = await w.download(caseId, id);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PNG)).toBe(true);
    expect((await w.audits(caseId, 'case.document_uploaded'))[0]!.changes).toMatchObject({ documentId: id, storage: 'disk', sha256: sha(PNG) });
    expect(await w.audits(caseId, 'case.document.read')).toHaveLength(1);
  });

  it('writes no file for an upload it refuses', async () => {
    const caseId = await w.newCase();
    const before = filesUnder(dir);
    const put = vi.spyOn(w.t.app.documentStores.write!, 'put');
    expect((await w.upload(caseId, PNG, 'image/png', w.outsider)).statusCode).toBe(404);
    expect((await w.upload(caseId, PDF, 'image/png')).statusCode).toBe(400);
    expect((await w.upload('00000000-0000-4000-8000-000000000000', PNG, 'image/png')).statusCode).toBe(404);
    expect(put).not.toHaveBeenCalled();
    put.mockRestore();
    expect(filesUnder(dir)).toEqual(before);
  });

  it('keeps the bytes of a row that was saved though the commit\'s answer was lost, and answers with it', async () => {
    const caseId = await w.newCase();
    const p: Principal = {
      userId: w.worker.id,
      agencyId: w.ngo,
      email: 'worker@example.org',
      roles: ['case_worker'],
      permissions: new Set(DEFAULT_ROLE_PERMISSIONS.case_worker),
      via: 'session',
      sessionId: null,
      tokenId: null,
    };
    // The database commits, then the connection drops before the answer to COMMIT arrives.
    const lostAnswer = new Proxy(w.t.db, {
      get(target, prop) {
        if (prop === 'transaction') {
          return () => {
            const builder = target.transaction();
            return { execute: async (fn: never) => { await builder.execute(fn); throw new Error('Connection terminated unexpectedly'); } };
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Db;
    const view = await uploadDocument(lostAnswer, keys, w.t.app.documentStores, actorOf(p), p, caseId, { name: 'passport', kind: 'identity_document', declaredType: 'image/png', content: PNG });
    const r = await w.row(view.id);
    expect(fs.existsSync(path.join(dir, r.storageKey!))).toBe(true);
    const down = await w.download(caseId, view.id);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PNG)).toBe(true);
  });

  it('removes the file again when the row cannot be saved after it was written', async () => {
    const caseId = await w.newCase();
    const before = filesUnder(dir);
    // A failure inside the transaction that writes the row, after the file was written.
    // (The file's name is sealed, so the check refuses the size instead; NOT VALID leaves earlier rows be.)
    await sql`ALTER TABLE case_documents ADD CONSTRAINT test_refuses_boom CHECK (size_bytes <> ${sql.raw(String(PNG.length))}) NOT VALID`.execute(w.t.db);
    try {
      expect((await w.upload(caseId, PNG, 'image/png', w.worker, 'boom')).statusCode).toBe(500);
    } finally {
      await sql`ALTER TABLE case_documents DROP CONSTRAINT test_refuses_boom`.execute(w.t.db);
    }
    expect(filesUnder(dir)).toEqual(before);
    expect(await w.audits(caseId, 'case.document_uploaded')).toEqual([]);
  });

  it('refuses bytes that were changed, moved from another document or are missing (503), and never sends them', async () => {
    const caseId = await w.newCase();
    const a = (await w.upload(caseId, PNG, 'image/png')).json().id as string;
    const b = (await w.upload(caseId, PDF, 'application/pdf')).json().id as string;
    const fileA = path.join(dir, (await w.row(a)).storageKey!);
    const fileB = path.join(dir, (await w.row(b)).storageKey!);
    const original = fs.readFileSync(fileA);

    // B's bytes under A's name: they authenticate under the key but not as A.
    fs.copyFileSync(fileB, fileA);
    const swapped = await w.download(caseId, a);
    expect(swapped.statusCode).toBe(503);
    expect(swapped.json().error.code).toBe('document_store_unavailable');
    expect(swapped.rawPayload.includes(PDF.subarray(0, 64))).toBe(false);

    const flipped = Buffer.from(original);
    flipped[flipped.length - 1]! ^= 1;
    fs.writeFileSync(fileA, flipped);
    expect((await w.download(caseId, a)).statusCode).toBe(503);

    fs.rmSync(fileA);
    expect((await w.download(caseId, a)).statusCode).toBe(503);
    expect(await w.audits(caseId, 'case.document.read')).toHaveLength(0);

    fs.writeFileSync(fileA, original);
    const back = await w.download(caseId, a);
    expect(back.statusCode).toBe(200);
    expect(back.rawPayload.equals(PNG)).toBe(true);
  });

  it('reads documents saved in the database before the switch to disk', async () => {
    const caseId = await w.newCase();
    const oldId = randomUUID();
    const inDb = await w.t.db
      .insertInto('caseDocuments')
      .values({ id: oldId, caseId, fileNameEnc: sealField('case_documents', 'file_name', oldId, 'old.pdf'), kind: 'legal', contentType: 'application/pdf', sizeBytes: PDF.length, sha256: sha(PDF), ciphertext: keys.encryptBytes(PDF), uploadedBy: w.worker.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const down = await w.download(caseId, inDb.id);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PDF)).toBe(true);
  });

  it('saves nothing when the folder cannot be written (503): no row, no audit entry, no file', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    const broken = await world({ kind: 'disk', dir: path.join(blocker, 'documents'), s3: undefined });
    try {
      const caseId = await broken.newCase();
      const up = await broken.upload(caseId, PNG, 'image/png');
      expect(up.statusCode).toBe(503);
      expect(up.json().error.code).toBe('document_store_unavailable');
      expect(await broken.t.db.selectFrom('caseDocuments').select('id').where('caseId', '=', caseId).execute()).toEqual([]);
      expect(await broken.audits(caseId, 'case.document_uploaded')).toEqual([]);
    } finally {
      await broken.t.close();
    }
  });

  it('a backup counts the documents whose bytes it does not hold', async () => {
    const onDisk = await w.t.db.selectFrom('caseDocuments').select((eb) => eb.fn.countAll<string>().as('n')).where('storage', '=', 'disk').executeTakeFirstOrThrow();
    expect(Number(onDisk.n)).toBeGreaterThan(0);
    const result = await backupCommand(w.t.db, path.join(dir, 'backup.gz'));
    expect(result.outsideDocuments).toEqual({ disk: Number(onDisk.n), s3: 0 });
    fs.rmSync(path.join(dir, 'backup.gz'));
  });

  it('the disk store leaves no temporary files and refuses keys that are not a document key', async () => {
    const store = diskStore(dir);
    const key = store.keyFor('0b3e0f6a-1111-4222-8333-444455556666');
    expect(key).toBe('0b/0b3e0f6a-1111-4222-8333-444455556666.bin');
    await store.put(key, Buffer.from('sealed'));
    expect(filesUnder(path.join(dir, '0b'))).toEqual(['0b3e0f6a-1111-4222-8333-444455556666.bin']);
    expect((await store.get(key))!.toString()).toBe('sealed');
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    await expect(store.get('../secret.key')).rejects.toThrow(/not a document key/);
    expect(() => store.keyFor('../../etc/passwd')).toThrow(/not a document id/);
  });
});

describe('case documents in an S3-compatible store (PATHWAY_DOCUMENT_STORE=s3)', () => {
  let dir: string;
  let port: number;
  let server: S3rver;
  let s3: S3StoreConfig;
  let w: Awaited<ReturnType<typeof world>>;
  const startS3 = async () => {
    server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: path.join(dir, 's3'), configureBuckets: [{ name: 'pathway-docs', configs: [] }] });
    await server.run();
  };
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-s3-'));
    port = await freePort();
    await startS3();
    s3 = { bucket: 'pathway-docs', endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'cases/documents/', forcePathStyle: true };
    w = await world({ kind: 's3', dir: path.join(dir, 'disk'), s3 });
  });
  afterAll(async () => {
    await w.t.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = () =>
    new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

  it('keeps the bytes encrypted as an object named by the document under the prefix, and gives them back', async () => {
    const caseId = await w.newCase();
    const up = await w.upload(caseId, PDF, 'application/pdf');
    expect(up.statusCode).toBe(201);
    const id = up.json().id as string;
    expect(await w.row(id)).toMatchObject({ storage: 's3', storageKey: `cases/documents/${id}`, ciphertext: null, keyVersion: 2 });
    const object = await client().send(new GetObjectCommand({ Bucket: 'pathway-docs', Key: `cases/documents/${id}` }));
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    expect(stored.length).toBe(PDF.length + 28);
    expect(stored.includes(PDF.subarray(0, 64))).toBe(false);
    const down = await w.download(caseId, id);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PDF)).toBe(true);
    expect(filesUnder(path.join(dir, 'disk'))).toEqual([]);

    // An object that is gone is a 503, not a 404 of the document (its row stands) nor a 500.
    await client().send(new DeleteObjectCommand({ Bucket: 'pathway-docs', Key: `cases/documents/${id}` }));
    const gone = await w.download(caseId, id);
    expect(gone.statusCode).toBe(503);
    expect(gone.json().error.code).toBe('document_store_unavailable');
  });

  it('with the store down: uploads save nothing and reads fail with 503; once it is back, both work', async () => {
    const caseId = await w.newCase();
    const id = (await w.upload(caseId, PNG, 'image/png')).json().id as string;
    const listed = async () => (await client().send(new ListObjectsV2Command({ Bucket: 'pathway-docs' }))).KeyCount;
    const objects = await listed();
    await server.close();
    try {
      const up = await w.upload(caseId, PDF, 'application/pdf');
      expect(up.statusCode).toBe(503);
      expect(up.json().error.code).toBe('document_store_unavailable');
      const down = await w.download(caseId, id);
      expect(down.statusCode).toBe(503);
      expect(await w.t.db.selectFrom('caseDocuments').select('id').where('caseId', '=', caseId).execute()).toHaveLength(1);
      expect(await w.audits(caseId, 'case.document_uploaded')).toHaveLength(1);
      expect(await w.audits(caseId, 'case.document.read')).toHaveLength(0);
    } finally {
      await startS3();
    }
    expect(await listed()).toBe(objects);
    const down = await w.download(caseId, id);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PNG)).toBe(true);
    expect((await w.upload(caseId, PDF, 'application/pdf')).statusCode).toBe(201);
  });

  it('gives up on a store that takes connections and never answers, within its time limits', async () => {
    const silent = net.createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port: silentPort } = silent.address() as net.AddressInfo;
      const store = s3Store({ ...s3, endpoint: `http://127.0.0.1:${silentPort}` }, { connectionTimeout: 500, requestTimeout: 300 });
      const started = Date.now();
      await expect(store.put('cases/documents/0b3e0f6a-1111-4222-8333-444455556666', Buffer.from('sealed'))).rejects.toThrow();
      // Three attempts of at most 0.3 s each, with the SDK's back-off between them.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      silent.close();
    }
  });

  it('still reads documents in the bucket after new documents go to disk', async () => {
    const caseId = await w.newCase();
    const id = (await w.upload(caseId, PDF, 'application/pdf')).json().id as string;
    const onDisk = await createTestApp({ documentStore: { kind: 'disk', dir: path.join(dir, 'disk2'), s3 } });
    try {
      // The row travels as a restore would carry it; the bytes stay in the bucket.
      const row = await w.row(id);
      const agency = (await makeAgency(onDisk.db, { type: 'ngo' })).id;
      const u = await makeUser(onDisk.db, { roles: ['case_worker'], agencyId: agency });
      const session = await signIn(onDisk.app, u.email);
      const c = await onDisk.app.inject({ method: 'POST', url: '/api/v1/cases', headers: session.headers, payload: { exploitationForms: ['forced_labour'] } });
      await onDisk.db.insertInto('caseDocuments').values({ ...row, fileName: null, caseId: c.json().id, uploadedBy: u.id }).execute();
      const down = await onDisk.app.inject({ method: 'GET', url: `/api/v1/cases/${c.json().id}/documents/${id}/content`, headers: { cookie: session.cookie } });
      expect(down.statusCode).toBe(200);
      expect(down.rawPayload.equals(PDF)).toBe(true);
    } finally {
      await onDisk.close();
    }
  });

  it('still reads documents kept on disk before the switch to S3', async () => {
    const caseId = await w.newCase();
    const id = '7d1c0f6a-1111-4222-8333-444455556666';
    const disk = diskStore(path.join(dir, 'disk'));
    const storageKey = disk.keyFor(id);
    await disk.put(storageKey, keys.encryptBytes(PNG, Buffer.from(`pathway/case-document/${id}`)));
    await w.t.db
      .insertInto('caseDocuments')
      .values({ id, caseId, fileNameEnc: sealField('case_documents', 'file_name', id, 'older.png'), kind: 'photo', contentType: 'image/png', sizeBytes: PNG.length, sha256: sha(PNG), ciphertext: null, keyVersion: 2, storage: 'disk', storageKey, uploadedBy: w.worker.id })
      .execute();
    const down = await w.download(caseId, id);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PNG)).toBe(true);
  });
});
