import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let admin: Session;
let agencyId: string;
beforeAll(async () => {
  t = await createTestApp();
  const a = await makeUser(t.db, { roles: ['administrator'] });
  agencyId = a.agencyId;
  admin = await signIn(t.app, a.email);
});
afterAll(() => t.close());

const post = (url: string, body: string, contentType = 'application/json', s: Session = admin) =>
  t.app.inject({ method: 'POST', url, headers: { ...s.headers, 'content-type': contentType }, payload: body });

describe('bad input is a clear 4xx, never a 500', () => {
  it('malformed JSON', async () => {
    const res = await post('/api/v1/agencies', '{"name": "x", ');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('malformed_json');
  });

  it('wrong types name each field', async () => {
    const res = await post('/api/v1/users', JSON.stringify({ email: 42, name: ['x'], agencyId, isServiceAccount: 'yes' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['email', 'isServiceAccount', 'name']);
  });

  it('unknown fields are refused and named', async () => {
    const res = await post('/api/v1/agencies', JSON.stringify({ name: 'Agency', type: 'ngo', isAdmin: true }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ isAdmin: 'unknown field' });
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.org', password: 'x', remember: true } });
    expect(login.statusCode).toBe(400);
    expect(login.json().error.fields).toEqual({ remember: 'unknown field' });
  });

  it('oversized bodies', async () => {
    const res = await post('/api/v1/agencies', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), type: 'ngo' }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
  });

  it('wrong content type', async () => {
    const res = await post('/api/v1/agencies', 'name=x&type=ngo', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('missing body where one is required', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/agencies', headers: admin.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it('a malformed id in the path', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/not-a-uuid', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('id');
  });

  it('values out of range in the query', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users?limit=100000', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('limit');
  });

  it('an empty patch', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/agencies/${agencyId}`, headers: admin.headers, payload: {} });
    expect(res.statusCode).toBe(400);
  });

  it('an unknown API route is a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('nothing was half-written by any of the refused requests', async () => {
    const agencies = await t.db.selectFrom('agencies').select('name').execute();
    expect(agencies.map((a) => a.name).filter((n) => n === 'Agency' || n.startsWith('xxx'))).toEqual([]);
  });
});

describe('values PostgreSQL cannot take are refused before they reach it', () => {
  it('a NUL character anywhere in the body or query, named by field', async () => {
    const res = await post('/api/v1/agencies', JSON.stringify({ name: 'a\u0000b', type: 'ngo' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ name: 'contains a NUL character' });
    const nested = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: admin.headers, payload: { name: 'x\u0000' } });
    expect(nested.statusCode).toBe(400);
    const query = await t.app.inject({ method: 'GET', url: '/api/v1/users?q=a%00b', headers: { cookie: admin.cookie } });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.fields).toEqual({ q: 'contains a NUL character' });
  });

  it('a crafted cursor whose id is not a uuid', async () => {
    const cursor = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', '------------------------------------'])).toString('base64url');
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/users?cursor=${cursor}`, headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ cursor: 'invalid cursor' });
  });
});

describe('deeply nested bodies are refused without walking them recursively', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

  it('JSON nested 4,000 deep (an 8 KB body) is a 400, anonymously and signed in, on any operation', async () => {
    for (const body of [deep(4000), deepObject(4000), deep(200_000)]) {
      const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: body });
      expect(anonymous.statusCode).toBe(400);
      expect(anonymous.json().error.code).toBe('validation_failed');
      const signedIn = await post('/api/v1/agencies', body);
      expect(signedIn.statusCode).toBe(400);
    }
    const res = await post('/api/v1/agencies', JSON.stringify({ name: 'x', type: 'ngo', extra: JSON.parse(deepObject(100)) }));
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toEqual([`extra${'.a'.repeat(63)}`]);
    expect(res.json().error.fields[`extra${'.a'.repeat(63)}`]).toMatch(/deeper than 64/);
  });

  it('nesting within the limit still reaches validation, and a NUL deep inside is still named', async () => {
    const res = await post('/api/v1/agencies', JSON.stringify({ name: 'x', type: 'ngo', extra: JSON.parse(deepObject(30)) }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ extra: 'unknown field' });
    const nul = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: admin.headers, payload: { name: 'x', deep: [[[['a\u0000']]]] } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.fields).toEqual({ 'deep.0.0.0.0': 'contains a NUL character' });
  });
});

describe('transport security', () => {
  it('HSTS is sent over HTTPS (through a trusted proxy or an https public address), never over plain HTTP', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const proxied = await createTestApp({ trustProxy: 1 });
    const published = await createTestApp({ publicUrl: 'https://pathway.example.org' });
    try {
      const viaProxy = await proxied.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-forwarded-proto': 'https' } });
      expect(viaProxy.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const notViaProxy = await proxied.app.inject({ method: 'GET', url: '/api/v1/me' });
      expect(notViaProxy.headers['strict-transport-security']).toBeUndefined();
      const page = await published.app.inject({ method: 'GET', url: '/api/public/press/summary' });
      expect(page.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await proxied.close();
      await published.close();
    }
  });
});
