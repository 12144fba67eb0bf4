import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;
let monitor: Session;
let reviewer: Session;
let analyst: Session;
let outsider: Session;
beforeAll(async () => {
  t = await createTestApp();
  const m = await makeUser(t.db, { roles: ['press_monitor'] });
  monitor = await signIn(t.app, m.email);
  reviewer = await signIn(t.app, (await makeUser(t.db, { roles: ['press_reviewer'], agencyId: m.agencyId })).email);
  analyst = await signIn(t.app, (await makeUser(t.db, { roles: ['analyst'] })).email);
  outsider = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'] })).email);
});
afterAll(() => t.close());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2000)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(300)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x10, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(100)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const json = (method: 'GET' | 'POST', url: string, payload?: object, s: Session = monitor) => t.app.inject({ method, url, headers: s.headers, ...(payload ? { payload } : {}) });
const upload = (sourceId: string, body: Buffer | string, type: string, name: string, s: Session = monitor) =>
  t.app.inject({ method: 'POST', url: `/api/v1/press/sources/${sourceId}/file?name=${encodeURIComponent(name)}`, headers: { ...s.headers, 'content-type': type }, payload: body });
const download = (sourceId: string, s: Session = monitor) => t.app.inject({ method: 'GET', url: `/api/v1/press/sources/${sourceId}/file`, headers: s.headers });

async function incident(title = 'Assault on a reporter') {
  const person = (await json('POST', '/api/v1/press/persons', { name: `Reporter ${Math.random().toString(36).slice(2)}` })).json().id as string;
  const res = await json('POST', '/api/v1/press/incidents', {
    title,
    occurred: '2014-05-06',
    city: 'Baku',
    acts: [{ personId: person, actType: 'assault', outcome: 'injured' }],
    sources: [
      { kind: 'news_article', title: 'Public article about the assault', url: 'https://example.org/article', reliability: 'high' },
      { kind: 'testimony', title: 'Witness statement', reliability: 'medium', confidential: true },
    ],
  });
  expect(res.statusCode).toBe(201);
  const v = res.json();
  return { id: v.id as string, open: v.sources[0].id as string, confidential: v.sources[1].id as string };
}

describe('a source file', () => {
  it('uploads and downloads byte for byte, shows in the incident, and is audited without its content', async () => {
    const inc = await incident();
    const name = 'Court decision №12 (scan).pdf';
    const up = await upload(inc.open, PDF, 'application/pdf', name);
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ sourceId: inc.open, fileName: name, contentType: 'application/pdf', sizeBytes: PDF.length, sha256: sha(PDF) });

    const down = await download(inc.open);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PDF)).toBe(true);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    expect(String(down.headers['content-disposition'])).toMatch(/^attachment; filename="Court decision _12 \(scan\)\.pdf"; filename\*=UTF-8''/);
    expect(decodeURIComponent(String(down.headers['content-disposition']).split("UTF-8''")[1]!)).toBe(name);

    const view = (await json('GET', `/api/v1/press/incidents/${inc.id}`)).json();
    expect(view.sources[0].file).toMatchObject({ fileName: name, sizeBytes: PDF.length, sha256: sha(PDF) });
    expect(view.sources[1].file).toBeNull();

    // every type round-trips; a new upload becomes the source's file and the earlier versions are kept
    for (const [buf, type] of [[PNG, 'image/png'], [JPEG, 'image/jpeg'], [WEBP, 'image/webp']] as const) {
      expect((await upload(inc.confidential, buf, type, `photo.${type.split('/')[1]}`)).statusCode).toBe(201);
      const d = await download(inc.confidential);
      expect(d.rawPayload.equals(buf)).toBe(true);
      expect(d.headers['content-type']).toBe(type);
    }

    const audit = await t.db.selectFrom('auditLog').selectAll().where('recordId', '=', inc.id).where('action', 'like', 'press.source_file.%').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual([
      'press.source_file.uploaded',
      'press.source_file.read',
      'press.source_file.uploaded',
      'press.source_file.read',
      'press.source_file.uploaded',
      'press.source_file.read',
      'press.source_file.uploaded',
      'press.source_file.read',
    ]);
    expect(audit[0]!.changes).toMatchObject({ sourceId: inc.open, fileName: { changed: true }, contentType: 'application/pdf', sizeBytes: PDF.length, sha256: sha(PDF) });
    expect(audit[4]!.changes).toMatchObject({ replaced: { fileName: { changed: true }, sha256: sha(PNG) } });
    const versions = await t.db.selectFrom('pressSourceFiles').select(['sha256']).where('sourceId', '=', inc.confidential).orderBy('seq').execute();
    expect(versions.map((v) => v.sha256)).toEqual([sha(PNG), sha(JPEG), sha(WEBP)]);
    const text = JSON.stringify(audit);
    for (const buf of [PDF, PNG, JPEG, WEBP]) {
      expect(text).not.toContain(buf.toString('base64').slice(0, 40));
      expect(text).not.toContain(buf.toString('hex').slice(0, 40));
    }
    expect(Object.keys(audit[0]!.changes as object).sort()).toEqual(['contentType', 'fileId', 'fileName', 'sha256', 'sizeBytes', 'sourceId']);
  });

  it('refuses content that is not what its type says (400 naming file), other types (415), too large (413), bad names (400)', async () => {
    const inc = await incident();
    const wrong = await upload(inc.open, PNG, 'application/pdf', 'a.pdf');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.fields).toHaveProperty('file');
    const text = await upload(inc.open, 'just text pretending', 'image/jpeg', 'a.jpg');
    expect(text.statusCode).toBe(400);
    expect(text.json().error.fields).toHaveProperty('file');
    const riff = await upload(inc.open, Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), randomBytes(20)]), 'image/webp', 'a.webp');
    expect(riff.statusCode).toBe(400);
    const empty = await upload(inc.open, Buffer.alloc(0), 'image/png', 'a.png');
    expect(empty.statusCode).toBe(400);

    for (const type of ['text/plain', 'text/csv', 'application/json', 'image/gif', 'application/octet-stream']) {
      const res = await upload(inc.open, type === 'application/json' ? '{"a":1}' : PDF, type, 'a.pdf');
      expect(res.statusCode, type).toBe(415);
    }

    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await upload(inc.open, big, 'application/pdf', 'big.pdf');
    expect(tooBig.statusCode).toBe(413);
    const justFits = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024 - 9)]);
    expect((await upload(inc.open, justFits, 'application/pdf', 'fits.pdf')).statusCode).toBe(201);

    for (const name of ['', '../etc/passwd', 'a/b.pdf', 'a\\b.pdf', 'a\0.pdf', 'x'.repeat(201), '..']) {
      const res = await upload(inc.confidential, PDF, 'application/pdf', name);
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
      expect(res.json().error.fields).toHaveProperty('name');
    }
    const missing = await t.app.inject({ method: 'POST', url: `/api/v1/press/sources/${inc.confidential}/file`, headers: { ...monitor.headers, 'content-type': 'application/pdf' }, payload: PDF });
    expect(missing.statusCode).toBe(400);
    const count = await t.db.selectFrom('pressSourceFiles').select((eb) => eb.fn.countAll<string>().as('n')).where('sourceId', '=', inc.confidential).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('follows the incident rules: editors upload, readers download, others get 404', async () => {
    const inc = await incident();
    expect((await upload(inc.open, PNG, 'image/png', 'a.png', outsider)).statusCode).toBe(404);
    expect((await upload(inc.open, PNG, 'image/png', 'a.png', analyst)).statusCode).toBe(404);
    expect((await upload('00000000-0000-4000-8000-000000000000', PNG, 'image/png', 'a.png')).statusCode).toBe(404);
    const anonymous = await t.app.inject({ method: 'POST', url: `/api/v1/press/sources/${inc.open}/file?name=a.png`, headers: { 'content-type': 'image/png' }, payload: PNG });
    expect([401, 403]).toContain(anonymous.statusCode);
    expect((await upload(inc.open, PNG, 'image/png', 'reviewer.png', reviewer)).statusCode).toBe(201);
    expect((await download(inc.open, analyst)).statusCode).toBe(200);
    expect((await download(inc.open, outsider)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/press/sources/${inc.open}/file` })).statusCode).toBe(401);
    expect((await download(inc.confidential)).statusCode).toBe(404);
    const audit = await t.db.selectFrom('auditLog').select(['action', 'actorUserId']).where('recordId', '=', inc.id).where('action', 'like', 'press.source_file.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['press.source_file.read', 'press.source_file.uploaded']);
  });

  it('is never reachable from the public page, for an open or a confidential source', async () => {
    const inc = await incident('Published case with files');
    const openName = `open-${randomBytes(6).toString('hex')}.pdf`;
    const secretName = `secret-${randomBytes(6).toString('hex')}.png`;
    expect((await upload(inc.open, PDF, 'application/pdf', openName)).statusCode).toBe(201);
    expect((await upload(inc.confidential, PNG, 'image/png', secretName)).statusCode).toBe(201);
    expect((await json('POST', `/api/v1/press/incidents/${inc.id}/publish`, undefined, reviewer)).statusCode).toBe(200);

    const urls = ['/incidents', `/incidents/${inc.id}`, '/incidents?q=Published', '/incidents?year=2014', '/summary', '/export.csv', '/export.json', '/data-dictionary'];
    const markers = [openName, secretName, sha(PDF), sha(PNG), inc.open, inc.confidential, '/file'];
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url: `/api/public/press${url}` });
      expect(res.statusCode, url).toBe(200);
      for (const m of markers) expect(res.body, `${url} ${m}`).not.toContain(m);
    }
    // the public incident is there, with the open source's title and link only
    const pub = (await t.app.inject({ method: 'GET', url: `/api/public/press/incidents/${inc.id}` })).json();
    expect(pub.sources).toEqual([expect.objectContaining({ title: 'Public article about the assault', url: 'https://example.org/article' })]);
    expect(Object.keys(pub.sources[0]).sort()).toEqual(['claim', 'kind', 'publishedOn', 'publisher', 'reliability', 'title', 'url']);
    // no public route serves files
    for (const url of [`/api/public/press/sources/${inc.open}/file`, `/api/public/press/incidents/${inc.id}/sources/${inc.open}/file`]) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/public/') && p.includes('file'))).toEqual([]);
    expect(doc.paths['/api/v1/press/sources/{id}/file'].post.responses).toHaveProperty('201');
    expect(doc.paths['/api/v1/press/sources/{id}/file'].get.responses).toHaveProperty('200');
  });
});
