import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;
let monitor: Session;
beforeAll(async () => {
  t = await createTestApp({ publicRatePerMinute: 3 });
  monitor = await signIn(t.app, (await makeUser(t.db, { roles: ['press_monitor'] })).email);
});
afterAll(() => t.close());

const pub = (url: string, remoteAddress = '203.0.113.7') => t.app.inject({ method: 'GET', url: `/api/public/press${url}`, remoteAddress });

describe('the public press API is rate limited per client address', () => {
  it('answers 429 in the house error shape past the limit, for the page and the open data alike', async () => {
    const codes = [];
    for (const url of ['/incidents', '/summary', '/data-dictionary', '/export.csv', '/export.json', '/incidents?year=2006']) codes.push((await pub(url)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429, 429]);
    const res = await pub('/incidents');
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.any(String), requestId: expect.any(String) } });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['x-ratelimit-limit']).toBe('3');
  });

  it('counts each address apart and leaves the signed-in API alone', async () => {
    for (let n = 0; n < 3; n++) expect((await pub('/incidents', '198.51.100.1')).statusCode).toBe(200);
    expect((await pub('/incidents', '198.51.100.1')).statusCode).toBe(429);
    expect((await pub('/incidents', '198.51.100.2')).statusCode).toBe(200);
    for (let n = 0; n < 5; n++) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/press/incidents', headers: monitor.headers, remoteAddress: '198.51.100.1' });
      expect(res.statusCode).toBe(200);
    }
  });
});
