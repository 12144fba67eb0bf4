import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { startWebApp, type WebApp } from '../helpers/browser.ts';

/** The most JavaScript (compressed, as sent) the public report pages may load: a phone on 3G. */
const BUDGET_BYTES = 150 * 1024;

let web: WebApp;

beforeAll(async () => {
  web = await startWebApp();
});
afterAll(async () => {
  await web?.close();
});

describe('the web app over the wire', () => {
  for (const path of ['/public/report', '/public/report/follow-up']) {
    it(`${path} loads at most 150 KB of compressed JavaScript, all of it compressed and cached as immutable`, async () => {
      const page = await web.newPage();
      const scripts: Response[] = [];
      page.on('response', (r) => {
        if (r.request().resourceType() === 'script') scripts.push(r);
      });
      const html = await page.goto(path);
      await page.locator('#main-content form').waitFor();
      await page.waitForLoadState('networkidle');

      expect(html!.headers()['cache-control']).toBe('no-cache');
      expect(scripts.length).toBeGreaterThan(1);
      let bytes = 0;
      for (const r of scripts) {
        const h = r.headers();
        expect(new URL(r.url()).pathname, r.url()).toMatch(/^\/assets\/[\w.-]+-[\w-]{8}\.js$/);
        const sizes = await r.request().sizes();
        // The build leaves files under 512 bytes uncompressed (nothing to gain); every other one comes as brotli.
        if (Number(h['content-length'] ?? sizes.responseBodySize) >= 512 || h['content-encoding']) expect(h['content-encoding'], r.url()).toBe('br');
        expect(h['cache-control'], r.url()).toBe('public, max-age=31536000, immutable');
        expect(h.vary, r.url()).toMatch(/accept-encoding/i);
        expect(sizes.responseBodySize, r.url()).toBeGreaterThan(0);
        bytes += sizes.responseBodySize;
      }
      expect(bytes, `JavaScript of ${path}: ${bytes} bytes in ${scripts.length} files`).toBeLessThanOrEqual(BUDGET_BYTES);
      // None of the staff app: no charts, no session, no console.
      const names = scripts.map((r) => new URL(r.url()).pathname).join(' ');
      expect(names).not.toMatch(/AppLayout|SignedIn|BarChart|ConsolePage|CasePage/);
      await page.context().close();
    });
  }

  it('sends the gzip copy to a client without brotli, the plain file to one without either, and index.html for screens', async () => {
    const index = await web.app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'identity' } });
    expect(index.headers['cache-control']).toBe('no-cache');
    const entry = /src="(\/assets\/index-[\w-]+\.js)"/.exec(index.body)?.[1];
    expect(entry).toBeDefined();

    const plain = await web.app.inject({ method: 'GET', url: entry!, headers: { 'accept-encoding': 'identity' } });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const gz = await web.app.inject({ method: 'GET', url: entry!, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).equals(plain.rawPayload)).toBe(true);

    const br = await web.app.inject({ method: 'GET', url: entry!, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);

    const screen = await web.app.inject({ method: 'GET', url: '/cases/123', headers: { 'accept-encoding': 'identity' } });
    expect(screen.statusCode).toBe(200);
    expect(screen.headers['cache-control']).toBe('no-cache');
    expect(screen.body).toContain('<div id="root">');
  });
});
