import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let worker: Session & { id: string };
let colleague: Session & { id: string };
let supervisor: Session & { id: string };
let shelterWorker: Session & { id: string };
let outsider: Session & { id: string };
let auditor: Session & { id: string };

const MAX = 64 * 1024;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(300)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x10, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(100)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp({ documentMaxBytes: MAX });
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  colleague = await user(['case_worker'], ngo);
  supervisor = await user(['supervisor'], ngo);
  shelterWorker = await user(['case_worker'], shelter);
  outsider = await user(['case_worker'], (await makeAgency(t.db, { type: 'ngo' })).id);
  auditor = await user(['auditor'], (await makeAgency(t.db, { type: 'government' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const upload = (caseId: string, body: Buffer | string, type: string, name = 'passport.png', s: Session = worker) =>
  t.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/documents?name=${encodeURIComponent(name)}&kind=identity_document`, headers: { ...s.headers, 'content-type': type }, payload: body });
const download = (caseId: string, docId: string, s: Session = worker, disposition?: 'inline' | 'attachment') =>
  t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/documents/${docId}/content${disposition ? `?disposition=${disposition}` : ''}`, headers: { cookie: s.cookie } });

async function caseWithVictim() {
  const id = (await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json().id as string;
  const v = await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Aysel', familyName: 'Məmmədova' }, birthYear: 1994 } });
  expect(v.statusCode).toBe(201);
  return { id, personId: v.json().personId as string };
}

/** Refers the case to the shelter with these sections (with the victim's consent) and has the shelter accept. */
async function referAndAccept(caseId: string, personId: string, sections: string[]) {
  await call(worker, 'POST', `/cases/${caseId}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2026-01-02', form: 'written' });
  const r = await call(worker, 'POST', `/cases/${caseId}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections, reason: 'Needs a safe place' });
  expect(r.statusCode).toBe(201);
  expect((await call(shelterWorker, 'POST', `/referrals/${r.json().id}/accept`, {})).statusCode).toBe(200);
}

describe('case documents', () => {
  it('round-trips every accepted type byte for byte, stored encrypted, audited without content', async () => {
    const { id } = await caseWithVictim();
    for (const [body, type, name] of [[PNG, 'image/png', 'паспорт.png'], [PDF, 'application/pdf', 'report.pdf'], [JPEG, 'image/jpeg', 'a.jpg'], [WEBP, 'image/webp', 'b.webp']] as const) {
      const up = await upload(id, body, type, name);
      expect(up.statusCode).toBe(201);
      expect(up.json()).toMatchObject({ caseId: id, fileName: name, contentType: type, sizeBytes: body.length, sha256: sha(body), kind: 'identity_document', uploadedBy: worker.id });
      const down = await download(id, up.json().id);
      expect(down.statusCode).toBe(200);
      expect(down.rawPayload.equals(body)).toBe(true);
      expect(down.headers['content-type']).toBe(type);
      expect(down.headers['x-content-type-options']).toBe('nosniff');
      expect(String(down.headers['content-security-policy'])).toMatch(/sandbox/);
      expect(String(down.headers['content-disposition'])).toMatch(/^attachment; /);
      expect(String(down.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
      const inline = await download(id, up.json().id, worker, 'inline');
      expect(String(inline.headers['content-disposition'])).toMatch(/^inline; /);
      expect(inline.rawPayload.equals(body)).toBe(true);
      // At rest: not the plaintext, nor containing it.
      const row = await t.db.selectFrom('caseDocuments').select(['ciphertext', 'storage', 'storageKey']).where('id', '=', up.json().id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ storage: 'database', storageKey: null });
      expect(row.ciphertext!.equals(body)).toBe(false);
      expect(row.ciphertext!.includes(body.subarray(0, 64))).toBe(false);
      expect(row.ciphertext!.length).toBe(body.length + 28);
    }
    const list = await call(colleague, 'GET', `/cases/${id}/documents`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(4);
    expect(list.json().maxBytes).toBe(MAX);
    expect(JSON.stringify(list.json())).not.toContain('ciphertext');
    const audit = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', id).where('action', 'in', ['case.document_uploaded', 'case.document.read']).execute();
    expect(audit.filter((a) => a.action === 'case.document_uploaded')).toHaveLength(4);
    expect(audit.filter((a) => a.action === 'case.document.read')).toHaveLength(8);
    expect(audit.find((a) => a.action === 'case.document_uploaded')!.changes).toMatchObject({ sha256: sha(PNG), sizeBytes: PNG.length });
    const text = JSON.stringify(audit);
    expect(text).not.toContain(PNG.toString('base64').slice(0, 40));
    expect(text).not.toContain(PNG.subarray(8, 40).toString('hex'));
  });

  it('refuses a type it does not take (415), content that is not the declared type (400), an empty file (400), a file over the limit (413), a missing name (400)', async () => {
    const { id } = await caseWithVictim();
    const text = await upload(id, 'hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('unsupported_media_type');
    const gif = await upload(id, Buffer.from('GIF89a....'), 'image/gif');
    expect(gif.statusCode).toBe(415);
    const lie = await upload(id, PDF, 'image/png');
    expect(lie.statusCode).toBe(400);
    expect(lie.json().error.fields.file).toContain('application/pdf');
    const html = await upload(id, Buffer.from('<html><script>alert(1)</script>'), 'image/png');
    expect(html.statusCode).toBe(400);
    const big = await upload(id, Buffer.concat([PNG, randomBytes(MAX)]), 'image/png');
    expect(big.statusCode).toBe(413);
    const noName = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${id}/documents`, headers: { ...worker.headers, 'content-type': 'image/png' }, payload: PNG });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.fields).toHaveProperty('name');
    expect((await call(worker, 'GET', `/cases/${id}/documents`)).json().items).toHaveLength(0);
  });

  it('another agency gets 404 for the list, the upload and the content; an unknown document is 404', async () => {
    const { id } = await caseWithVictim();
    const doc = (await upload(id, PNG, 'image/png')).json().id as string;
    expect((await call(outsider, 'GET', `/cases/${id}/documents`)).statusCode).toBe(404);
    expect((await download(id, doc, outsider)).statusCode).toBe(404);
    expect((await upload(id, PNG, 'image/png', 'x.png', outsider)).statusCode).toBe(404);
    expect((await download(id, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    // A document of one case is not reached through another case the user may see.
    const other = await caseWithVictim();
    expect((await download(other.id, doc)).statusCode).toBe(404);
  });

  it('a referral receiver sees documents only when the shared sections include them, and cannot add any', async () => {
    const without = await caseWithVictim();
    const d1 = (await upload(without.id, PNG, 'image/png')).json().id as string;
    await referAndAccept(without.id, without.personId, ['summary', 'people']);
    expect((await call(shelterWorker, 'GET', `/cases/${without.id}`)).statusCode).toBe(200);
    expect((await call(shelterWorker, 'GET', `/cases/${without.id}/documents`)).statusCode).toBe(404);
    expect((await download(without.id, d1, shelterWorker)).statusCode).toBe(404);

    const withDocs = await caseWithVictim();
    const d2 = (await upload(withDocs.id, PDF, 'application/pdf', 'medical.pdf')).json().id as string;
    await referAndAccept(withDocs.id, withDocs.personId, ['summary', 'people', 'documents']);
    const list = await call(shelterWorker, 'GET', `/cases/${withDocs.id}/documents`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((d: { id: string }) => d.id)).toEqual([d2]);
    const down = await download(withDocs.id, d2, shelterWorker, 'inline');
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PDF)).toBe(true);
    expect((await upload(withDocs.id, PNG, 'image/png', 'x.png', shelterWorker)).statusCode).toBe(403);
  });

  it('after an order ends access, the documents are closed as the case is: only the auditor and the owning supervisor read them', async () => {
    const { id, personId } = await caseWithVictim();
    const doc = (await upload(id, JPEG, 'image/jpeg', 'photo.jpg')).json().id as string;
    await referAndAccept(id, personId, ['summary', 'documents']);
    expect((await download(id, doc, shelterWorker)).statusCode).toBe(200);
    expect((await call(worker, 'POST', `/cases/${id}/access-end`, { authority: 'court', reference: 'X-1', orderedOn: '2026-01-15' })).statusCode).toBe(200);
    for (const s of [worker, colleague, shelterWorker, outsider]) {
      expect((await call(s, 'GET', `/cases/${id}/documents`)).statusCode).toBe(404);
      expect((await download(id, doc, s)).statusCode).toBe(404);
    }
    expect((await upload(id, PNG, 'image/png', 'late.png', supervisor)).statusCode).toBe(409);
    for (const s of [supervisor, auditor]) {
      const d = await download(id, doc, s);
      expect(d.statusCode).toBe(200);
      expect(d.rawPayload.equals(JPEG)).toBe(true);
    }
  });
});
