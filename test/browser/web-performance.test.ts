import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { startWebApp, type WebApp } from '../helpers/browser.ts';
import { recordWire } from '../helpers/wire.ts';
import az from '../../src/web/i18n/modules/hotline-public/az.json' with { type: 'json' };

/**
 * The most JavaScript the public report pages may load, a phone on 3G: counted as `npm run bench:web`
 * counts it (test/helpers/wire.ts), the bytes on the wire with their headers, compressed as served.
 */
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
    it(`${path} loads at most 150 KB of JavaScript on the wire (compressed, headers included), all of it compressed and cached as immutable`, async () => {
      const page = await web.newPage();
      const wire = await recordWire(page);
      const scripts: Response[] = [];
      page.on('response', (r) => {
        if (r.request().resourceType() === 'script') scripts.push(r);
      });
      const html = await page.goto(path);
      await page.locator('#main-content form').waitFor();
      await page.waitForLoadState('networkidle');

      expect(html!.headers()['cache-control']).toBe('no-cache');
      expect(scripts.length).toBeGreaterThan(1);
      const bodies = new Map<string, number>();
      for (const r of scripts) {
        const h = r.headers();
        expect(new URL(r.url()).pathname, r.url()).toMatch(/^\/assets\/[\w.-]+-[\w-]{8}\.js$/);
        const sizes = await r.request().sizes();
        // The build leaves files under 512 bytes uncompressed (nothing to gain); every other one comes as brotli.
        if (Number(h['content-length'] ?? sizes.responseBodySize) >= 512 || h['content-encoding']) expect(h['content-encoding'], r.url()).toBe('br');
        expect(h['cache-control'], r.url()).toBe('public, max-age=31536000, immutable');
        expect(h.vary, r.url()).toMatch(/accept-encoding/i);
        expect(sizes.responseBodySize, r.url()).toBeGreaterThan(0);
        bodies.set(r.url(), sizes.responseBodySize);
      }
      const js = wire.responses().filter((r) => r.type === 'Script');
      expect(js.map((r) => r.url).sort()).toEqual(scripts.map((r) => r.url()).sort());
      const bytes = js.reduce((sum, r) => sum + r.transferBytes, 0);
      // Each file's count holds its body as sent and its headers: more than the body alone.
      for (const r of js) expect(r.transferBytes, r.url).toBeGreaterThan(bodies.get(r.url)!);
      expect(bytes, `JavaScript of ${path}: ${bytes} bytes on the wire in ${scripts.length} files`).toBeLessThanOrEqual(BUDGET_BYTES);
      // None of the staff app: no charts, no session, no console, no query cache (the chunks of the
      // public pages are merged, so their names alone would not tell: their code is looked at too).
      const names = scripts.map((r) => new URL(r.url()).pathname).join(' ');
      expect(names).not.toMatch(/AppLayout|SignedIn|BarChart|ConsolePage|CasePage|FullApp/);
      for (const r of scripts) expect((await r.text()).includes('No QueryClient set'), r.url()).toBe(false);
      await page.context().close();
    });
  }

  for (const [path, label] of [['/public/report', az.hotlinePublic.report.description], ['/public/report/follow-up', az.hotlinePublic.followUp.code]] as const) {
    it(`${path} arrives with its form in the HTML: shown with no JavaScript at all, compressed, never cached stale`, async () => {
      const context = await web.browser.newContext({ baseURL: web.baseUrl, javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
      const page = await context.newPage();
      const html = await page.goto(path);
      expect(html!.headers()['cache-control']).toBe('no-cache');
      expect(html!.headers()['content-encoding']).toBe('br');
      expect(html!.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByRole('textbox', { name: label }).waitFor({ state: 'visible' });
      expect(await page.getByTestId('quick-exit').isVisible()).toBe(true);
      expect(await page.title()).toMatch(/ — Pathway$/);
      await context.close();
    });
  }

  it('keeps what the reporter typed into the prerendered form when the app takes the page over', async () => {
    const page = await web.newPage();
    // Hold the app's code back until something is typed into the form the HTML brought.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/public/report', { waitUntil: 'commit' });
    const description = page.getByRole('textbox', { name: az.hotlinePublic.report.description });
    await description.fill('Typed before the app started');
    await page.getByRole('textbox', { name: az.hotlinePublic.report.location }).fill('Gəncə');
    await description.evaluate((el) => el.setAttribute('data-prerendered-field', ''));
    release();
    // The app's own field replaces the prerendered one, with the text in it.
    await page.locator('textarea[name="description"]:not([data-prerendered-field])').waitFor();
    await page.locator('#root:not([data-prerendered])').waitFor({ state: 'attached' });
    expect(await description.inputValue()).toBe('Typed before the app started');
    expect(await page.getByRole('textbox', { name: az.hotlinePublic.report.location }).inputValue()).toBe('Gəncə');
    await page.context().close();
  });

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
